import * as v8 from 'node:v8'
import * as Y from 'yjs'
import { isValidBoardId } from '../../protocol/boardId'
import { boardOfFacilitationRoom, facilitationRoomId } from '../../protocol/paths'
import type { BoardStore } from '../store/boardStore'
import type { RelayConnection } from './connection'
import { docFromState, firstFacilitationState, isEmptyUpdate } from './facilitationStart'
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
   * A room's current state: from memory when it is open (including what is not compacted yet),
   * else merged from the store. A facilitation room that was never started answers with the
   * state it will start with.
   */
  async currentState(roomId: string): Promise<Uint8Array> {
    const room = this.rooms.get(roomId)
    if (room) return Y.encodeStateAsUpdate((await room).doc)
    await this.unloading.get(roomId)
    const stored = Y.mergeUpdates(await this.store.load(roomId))
    const boardId = boardOfFacilitationRoom(roomId)
    if (boardId && isEmptyUpdate(stored)) return this.firstStateOf(boardId)
    return stored
  }

  /** The state a board's facilitation room starts with, from the board's current state. */
  private async firstStateOf(boardId: string): Promise<Uint8Array> {
    return firstFacilitationState(docFromState(await this.currentState(boardId)))
  }

  private async load(roomId: string): Promise<Room> {
    const room = await Room.load(roomId, this.store, this.options)
    // Before anyone can write to the board or the room (see firstFacilitationState). When that
    // fails the board is not opened (the client retries), so the rule cannot be skipped.
    const boardId = boardOfFacilitationRoom(roomId)
    try {
      if (boardId && room.isEmpty) {
        room.applyServerUpdate(await this.firstStateOf(boardId))
      } else if (isValidBoardId(roomId)) {
        await this.startFacilitationRoom(roomId, room.doc)
      }
    } catch (error) {
      await room.close().catch(() => undefined)
      throw error
    }
    return room
  }

  /** Stores the first state of a board's facilitation room unless it has one. */
  private async startFacilitationRoom(boardId: string, boardDoc: Y.Doc): Promise<void> {
    const roomId = facilitationRoomId(boardId)
    // An open (or opening) room starts itself; waiting for it here could wait for this very board.
    if (this.rooms.has(roomId)) return
    await this.unloading.get(roomId)
    if (isEmptyUpdate(Y.mergeUpdates(await this.store.load(roomId)))) {
      await this.store.append(roomId, firstFacilitationState(boardDoc))
    }
  }

  async join(roomId: string, conn: RelayConnection): Promise<Room> {
    this.joining.set(roomId, (this.joining.get(roomId) ?? 0) + 1)
    try {
      await this.unloading.get(roomId)
      let room = this.rooms.get(roomId)
      if (!room) {
        room = this.load(roomId)
        this.rooms.set(roomId, room)
        room.catch(() => this.rooms.delete(roomId))
      }
      const loaded = await room
      loaded.addConnection(conn)
      return loaded
    } finally {
      const left = (this.joining.get(roomId) ?? 1) - 1
      if (left === 0) this.joining.delete(roomId)
      else this.joining.set(roomId, left)
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
