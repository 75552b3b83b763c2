import * as v8 from 'node:v8'
import * as Y from 'yjs'
import type { BoardStore } from '../store/boardStore'
import type { RelayConnection } from './connection'
import { Room, type RoomOptions } from './room'

/** Pause after the last board unloads before the idle collection: closing sockets finish first. */
const IDLE_GC_DELAY_MS = 1000

/**
 * Keeps one Room per open board: loaded on the first connection, written and freed when the
 * last one leaves. Knows nothing about websockets or HTTP.
 */
export class Relay {
  private readonly rooms = new Map<string, Promise<Room>>()
  /** Connections that are waiting for a room to load; a room is not freed while any wait. */
  private readonly joining = new Map<string, number>()
  /** Rooms being written before they are freed; a new join waits for that first. */
  private readonly unloading = new Map<string, Promise<void>>()
  private idleGcTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly store: BoardStore,
    private readonly options: RoomOptions,
  ) {}

  get loadedBoardCount(): number {
    return this.rooms.size
  }

  /** Whether a board (or private room) is in memory, i.e. someone is connected to it. */
  isLoaded(roomId: string): boolean {
    return this.rooms.has(roomId)
  }

  /**
   * The board's current state: from memory when it is open (including what is not compacted
   * yet), else merged from the store.
   */
  async currentState(boardId: string): Promise<Uint8Array> {
    const room = this.rooms.get(boardId)
    if (room) return Y.encodeStateAsUpdate((await room).doc)
    await this.unloading.get(boardId)
    return Y.mergeUpdates(await this.store.load(boardId))
  }

  async join(boardId: string, conn: RelayConnection): Promise<Room> {
    this.joining.set(boardId, (this.joining.get(boardId) ?? 0) + 1)
    try {
      await this.unloading.get(boardId)
      let room = this.rooms.get(boardId)
      if (!room) {
        room = Room.load(boardId, this.store, this.options)
        this.rooms.set(boardId, room)
        room.catch(() => this.rooms.delete(boardId))
      }
      const loaded = await room
      loaded.addConnection(conn)
      return loaded
    } finally {
      const left = (this.joining.get(boardId) ?? 1) - 1
      if (left === 0) this.joining.delete(boardId)
      else this.joining.set(boardId, left)
    }
  }

  leave(room: Room, conn: RelayConnection): void {
    room.removeConnection(conn)
    if (room.connectionCount === 0 && !this.joining.has(room.boardId)) this.unload(room)
  }

  private unload(room: Room): void {
    this.rooms.delete(room.boardId)
    const done = room
      .close()
      .catch((error) => this.options.log('unload failed', { boardId: room.boardId, error: String(error) }))
      .finally(() => {
        this.unloading.delete(room.boardId)
        if (this.rooms.size === 0 && this.unloading.size === 0) this.scheduleIdleGc()
      })
    this.unloading.set(room.boardId, done)
  }

  /**
   * With --expose-gc (benchmarks, soak): once no board is loaded and the last sockets have closed,
   * a compacting collection gives the boards' memory back to the system. A plain full collection
   * frees the boards' objects but leaves the survivors spread over half-empty pages, which V8
   * keeps; compacting moves them together so whole pages are returned. (Changing this GC flag
   * at run time is safe: V8 reads it at each collection.)
   */
  private scheduleIdleGc(): void {
    const gc = (globalThis as { gc?: () => void }).gc
    if (!gc || this.idleGcTimer) return
    this.idleGcTimer = setTimeout(() => {
      this.idleGcTimer = null
      if (this.rooms.size > 0 || this.unloading.size > 0) return
      v8.setFlagsFromString('--compact-on-every-full-gc')
      try {
        gc()
      } finally {
        v8.setFlagsFromString('--no-compact-on-every-full-gc')
      }
    }, IDLE_GC_DELAY_MS)
    this.idleGcTimer.unref()
  }

  /** Writes and frees every room (graceful shutdown); connections must be closed by the caller. */
  async closeAll(): Promise<void> {
    const rooms = await Promise.allSettled([...this.rooms.values()])
    this.rooms.clear()
    await Promise.all(
      rooms.map((r) => (r.status === 'fulfilled' ? r.value.close() : Promise.resolve())),
    )
    await Promise.all(this.unloading.values())
    await this.store.close()
  }
}
