import * as Y from 'yjs'
import { CloseCode } from '../../protocol/closeCodes'
import { boardOfRoom, isRoomOfBoard, privateRoomPrefix, type RoomAddress, type RoomKind } from '../../protocol/paths'
import type { LogFn } from '../log'
import type { BoardStore } from '../store/boardStore'
import type { RelayConnection } from './connection'
import { BoardNotLoadable, loadStoredRows } from './loadStoredRows'
import { ProtocolError } from './errors'
import { FacilitationStart } from './facilitationStart'
import { scheduleIdleGc } from './idleGc'
import type { MemoryBudget } from './memoryBudget'
import { Room, type RoomLimits } from './room'

/**
 * The facilitation room and each private room may take this share of a board's limits: they
 * hold a title and steps, or one participant's notes of one round, not a whole board.
 */
export const SIDE_ROOM_SHARE = 1 / 16
/** How long a graceful shutdown keeps retrying a failing store before it gives up, in ms. */
export const SHUTDOWN_STORE_WAIT_MS = 10_000
/**
 * How long the relay itself remembers a deleted board, in ms. Past that, the store's tombstone
 * refuses the id (access is checked before every join); this covers a join whose check was made
 * just before the deletion.
 */
export const REMEMBER_DELETED_MS = 60 * 60_000

/** Who deleted a board, for the one log line a deletion writes. */
export type DeletedBy = 'facilitator' | 'retention'

export interface RelayOptions {
  /** Largest stored board, in bytes. */
  maxBoardBytes: number
  /** Largest board in estimated memory (see inspectUpdate). */
  maxBoardMemoryBytes: number
  /** Participants' private rooms a board may have (one per device that ever wrote privately). */
  maxPrivateRoomsPerBoard: number
  compactAfterUpdates: number
  /** The memory all loaded rooms share. */
  budget: MemoryBudget
  log: LogFn
  /** A board's own room was loaded: someone opened the board (retention counts from then). */
  onBoardOpened?: (boardId: string) => void
}

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
  /** The rooms of `unloading` themselves, to drop them at once when their board is deleted. */
  private readonly closing = new Map<string, Room>()
  /** Boards deleted (or being deleted) lately, with when (Date.now()): none of their rooms opens again. */
  private readonly deleted = new Map<string, number>()
  private readonly facilitation: FacilitationStart

  constructor(
    private readonly store: BoardStore,
    private readonly options: RelayOptions,
  ) {
    this.facilitation = new FacilitationStart(store, {
      currentState: (roomId) => this.currentState(roomId),
      openRoom: (roomId) => this.rooms.get(roomId) ?? null,
      unloaded: (roomId) => this.unloading.get(roomId),
      isDeleted: (boardId) => this.deleted.has(boardId),
    })
    store.onBoardDeleted?.((boardId) => {
      this.deletedElsewhere(boardId).catch((error) => this.options.log('could not drop a deleted board', { boardId, error: String(error) }))
    })
  }

  get loadedBoardCount(): number {
    return this.rooms.size
  }

  /** Estimated memory of all loaded rooms, and the most they may take. */
  get memory(): { usedBytes: number; limitBytes: number } {
    return { usedBytes: this.options.budget.usedBytes, limitBytes: this.options.budget.limit }
  }

  /** Whether a board (or private room) is in memory, i.e. someone is connected to it. */
  isLoaded(roomId: string): boolean {
    return this.rooms.has(roomId)
  }

  /** Whether any room of a board is loaded, loading, being joined or being written back. */
  isOpen(boardId: string): boolean {
    for (const map of [this.rooms, this.joining, this.unloading]) {
      for (const roomId of map.keys()) if (isRoomOfBoard(roomId, boardId)) return true
    }
    return false
  }

  /** The boards whose own room is loaded (someone has them open now). */
  openBoardIds(): string[] {
    return [...this.rooms.keys()].filter((roomId) => boardOfRoom(roomId) === roomId)
  }

  /** Whether this relay deleted the board lately, or heard that another instance did (see REMEMBER_DELETED_MS). */
  isDeleted(boardId: string): boolean {
    return this.deleted.has(boardId)
  }

  /**
   * Deletes a board with everything of it ("Bord verwijderen", retention). From this moment no
   * room of it opens again; every open room of it (the board, its facilitation room, its private
   * rooms) closes its connections with BoardDeleted and is dropped without being written, a room
   * that is loading is dropped once loaded, and one being written back is stopped. Only then is
   * the board removed from the store, so nothing written before can outlive it. One log line,
   * with the id and nothing else.
   */
  async deleteBoard(boardId: string, by: DeletedBy): Promise<void> {
    this.forgetOldDeletions()
    this.deleted.set(boardId, Date.now())
    await this.dropRooms(boardId)
    try {
      await this.store.deleteBoard(boardId)
    } catch (error) {
      this.deleted.delete(boardId) // still stored: it may be opened (and deleted) again
      throw error
    }
    this.options.log('board deleted', { boardId, by })
  }

  /** Another instance deleted a board (or a write found it deleted): its rooms here go too. */
  private async deletedElsewhere(boardId: string): Promise<void> {
    this.deleted.set(boardId, Date.now())
    // What those rooms wrote while the news was on its way is removed as well.
    if (await this.dropRooms(boardId)) await this.store.deleteBoard(boardId)
  }

  /** Drops every room of a deleted board (see deleteBoard); true when there was any. */
  private async dropRooms(boardId: string): Promise<boolean> {
    const dropped: Promise<unknown>[] = []
    const reason = 'this board was deleted'
    for (const [roomId, room] of this.rooms) {
      if (!isRoomOfBoard(roomId, boardId)) continue
      this.rooms.delete(roomId)
      dropped.push(room.then((r) => r.discard(CloseCode.BoardDeleted, reason), () => undefined))
    }
    for (const [roomId, room] of this.closing) {
      if (!isRoomOfBoard(roomId, boardId)) continue
      room.discard(CloseCode.BoardDeleted, reason)
      dropped.push(this.unloading.get(roomId) ?? Promise.resolve())
    }
    await Promise.all(dropped)
    return dropped.length > 0
  }

  private forgetOldDeletions(): void {
    const now = Date.now()
    for (const [boardId, at] of this.deleted) if (now - at > REMEMBER_DELETED_MS) this.deleted.delete(boardId)
  }

  private refuseDeleted(boardId: string): void {
    if (this.deleted.has(boardId)) throw new ProtocolError(CloseCode.BoardDeleted, 'this board was deleted')
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
    // Read as a load reads it: piece by piece, within the memory budget, past unreadable rows.
    const doc = new Y.Doc()
    const loaded = await loadStoredRows(this.store, roomId, doc, null, this.options)
    try {
      return doc.store.clients.size === 0 ? this.facilitation.startingState(roomId) : Y.encodeStateAsUpdate(doc)
    } finally {
      this.options.budget.release(loaded.cost)
      doc.destroy()
    }
  }

  private limitsOf(kind: RoomKind): RoomLimits {
    const share = kind === 'board' ? 1 : SIDE_ROOM_SHARE
    return {
      maxBytes: Math.floor(this.options.maxBoardBytes * share),
      maxMemoryBytes: Math.floor(this.options.maxBoardMemoryBytes * share),
    }
  }

  private async load({ roomId, boardId, kind }: RoomAddress): Promise<Room> {
    if (kind === 'private') await this.checkPrivateRoomCount(boardId, roomId)
    let room: Room
    try {
      room = await Room.load(roomId, this.store, {
        limits: this.limitsOf(kind),
        compactAfterUpdates: this.options.compactAfterUpdates,
        budget: this.options.budget,
        log: this.options.log,
      })
    } catch (error) {
      if (!(error instanceof BoardNotLoadable)) throw error
      this.options.log('memory for loaded boards is full; a board was not opened', { boardId: roomId, used: this.options.budget.usedBytes })
      throw new ProtocolError(CloseCode.TryAgainLater, 'the server is full; try again later')
    }
    // Before anyone can write to the board or the room (see firstFacilitationState). When that
    // fails the board is not opened (the client retries), so the rule cannot be skipped.
    try {
      if (kind === 'facilitation') await this.facilitation.startLoaded(boardId, room)
      else if (kind === 'board') await this.facilitation.startStored(boardId, room.doc)
    } catch (error) {
      await room.close().catch(() => undefined)
      throw error
    }
    if (kind === 'board') this.options.onBoardOpened?.(boardId)
    return room
  }

  /** A board's private rooms are stored for good: a participant may not make endless new ones. */
  private async checkPrivateRoomCount(boardId: string, roomId: string): Promise<void> {
    if ((await this.store.roomCount(roomId)) > 0) return // this one exists already
    if ((await this.store.roomCount(privateRoomPrefix(boardId))) >= this.options.maxPrivateRoomsPerBoard) {
      throw new ProtocolError(CloseCode.BoardTooBig, 'this board has as many private rooms as it may have')
    }
  }

  async join(address: RoomAddress, conn: RelayConnection): Promise<Room> {
    const { roomId, boardId } = address
    this.refuseDeleted(boardId)
    this.joining.set(roomId, (this.joining.get(roomId) ?? 0) + 1)
    try {
      await this.unloading.get(roomId)
      this.refuseDeleted(boardId)
      let room = this.rooms.get(roomId)
      if (!room) {
        room = this.load(address)
        this.rooms.set(roomId, room)
        room.then(
          // After the load, not inside it: the facilitation room may be waiting for this board.
          (loaded) => {
            if (loaded.log.unreadableRows === 0 || this.deleted.has(address.boardId)) return
            this.facilitation
              .reportUnreadable(address.boardId, loaded.log.unreadableRows)
              .catch((error) => this.options.log('could not tell the facilitator about unreadable updates', { boardId: roomId, error: String(error) }))
          },
          () => this.rooms.delete(roomId),
        )
      }
      const loaded = await room
      // Deleted while it loaded: the room was dropped (see deleteBoard).
      this.refuseDeleted(boardId)
      loaded.addConnection(conn)
      return loaded
    } finally {
      const left = (this.joining.get(roomId) ?? 1) - 1
      if (left === 0) this.joining.delete(roomId)
      else this.joining.set(roomId, left)
    }
  }

  leave(room: Room, conn: RelayConnection): void {
    if (room.isDiscarded) return // its board was deleted: nothing to write
    room.removeConnection(conn)
    if (room.connectionCount === 0 && !this.joining.has(room.boardId)) this.unload(room)
  }

  private unload(room: Room): void {
    this.rooms.delete(room.boardId)
    this.closing.set(room.boardId, room)
    const done = room
      .close()
      .catch((error) => this.options.log('unload failed', { boardId: room.boardId, error: String(error) }))
      .finally(() => {
        this.unloading.delete(room.boardId)
        this.closing.delete(room.boardId)
        if (this.rooms.size === 0 && this.unloading.size === 0) scheduleIdleGc(() => this.rooms.size === 0 && this.unloading.size === 0)
      })
    this.unloading.set(room.boardId, done)
  }

  /** Writes and frees every room (graceful shutdown); connections must be closed by the caller. */
  async closeAll(): Promise<void> {
    const rooms = await Promise.allSettled([...this.rooms.values()])
    this.rooms.clear()
    const giveUpAt = Date.now() + SHUTDOWN_STORE_WAIT_MS
    await Promise.all(rooms.map((r) => (r.status === 'fulfilled' ? r.value.close(giveUpAt) : Promise.resolve())))
    await Promise.all(this.unloading.values())
    await this.store.close()
  }
}
