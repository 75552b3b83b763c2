import * as Y from 'yjs'
import { FACILITATION_MAP, ROOM_META_MAP, UNREADABLE_UPDATES_KEY } from '../../protocol/facilitationRoom'
import { boardOfFacilitationRoom, facilitationRoomId } from '../../protocol/paths'
import type { BoardStore } from '../store/boardStore'
import type { Room } from './room'

/** Version of the facilitation room's layout, written into its meta map when it starts. */
export const FACILITATION_ROOM_VERSION = 1

/**
 * The first state of a board's facilitation room. Boards made before that room existed kept the
 * same map in the board's own doc, where the server then refused every writer but the
 * facilitator; it is copied over once. The server starts the room the first time it opens the
 * board or the room, before anyone can write to either, so the board's copy it reads was written
 * under those old rules (afterwards the board's old map is ignored: anyone may write it now).
 * Values are plain JSON (title, steps, timer …); a nested type is copied as its JSON.
 */
export function firstFacilitationState(boardDoc: Y.Doc | null): Uint8Array {
  const room = new Y.Doc()
  const map = room.getMap<unknown>(FACILITATION_MAP)
  room.transact(() => {
    room.getMap(ROOM_META_MAP).set('version', FACILITATION_ROOM_VERSION)
    for (const [key, value] of boardDoc?.getMap<unknown>(FACILITATION_MAP) ?? []) {
      map.set(key, value instanceof Y.AbstractType ? value.toJSON() : value)
    }
  })
  return Y.encodeStateAsUpdate(room)
}

/** A Y.Doc with the given state. */
export function docFromState(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}

/** What FacilitationStart needs of the relay. */
export interface RoomsView {
  currentState(roomId: string): Promise<Uint8Array>
  /** The open (or opening) room, if any. */
  openRoom(roomId: string): Promise<Room> | null
  /** Resolves once the room has been written and freed, if it is being unloaded. */
  unloaded(roomId: string): Promise<void> | undefined
  /** The board was deleted (or is being deleted): nothing of it may be written. */
  isDeleted(boardId: string): boolean
}

/**
 * Starts a board's facilitation room the first time the board or the room is opened (see
 * firstFacilitationState), and writes the server's notes for the facilitator into it.
 */
export class FacilitationStart {
  constructor(
    private readonly store: BoardStore,
    private readonly rooms: RoomsView,
  ) {}

  /**
   * The state of a room with nothing stored: a facilitation room that was never started answers
   * with the state it will start with; any other room is empty.
   */
  async startingState(roomId: string): Promise<Uint8Array> {
    const boardId = boardOfFacilitationRoom(roomId)
    return boardId ? this.firstStateOf(boardId) : Y.encodeStateAsUpdate(new Y.Doc())
  }

  /** The state a board's facilitation room starts with, from the board's current state. */
  private async firstStateOf(boardId: string): Promise<Uint8Array> {
    return firstFacilitationState(docFromState(await this.rooms.currentState(boardId)))
  }

  /** Starts a facilitation room that has just been loaded empty. */
  async startLoaded(boardId: string, room: Room): Promise<void> {
    if (room.isEmpty) room.applyServerUpdate(await this.firstStateOf(boardId))
  }

  /** Stores the first state of a board's facilitation room unless it has one. */
  async startStored(boardId: string, boardDoc: Y.Doc): Promise<void> {
    const roomId = facilitationRoomId(boardId)
    // An open (or opening) room starts itself; waiting for it here could wait for this very board.
    if (this.rooms.openRoom(roomId)) return
    await this.rooms.unloaded(roomId)
    if ((await this.store.load(roomId)).length === 0) {
      await this.store.append(roomId, firstFacilitationState(boardDoc))
    }
  }

  /** Tells the facilitator (through the facilitation room) that stored updates could not be read. */
  async reportUnreadable(boardId: string, count: number): Promise<void> {
    const roomId = facilitationRoomId(boardId)
    const open = this.rooms.openRoom(roomId)
    const doc = open ? null : docFromState(await this.rooms.currentState(roomId))
    const target = open ? (await open).doc : doc!
    if (target.getMap(ROOM_META_MAP).get(UNREADABLE_UPDATES_KEY) === count || this.rooms.isDeleted(boardId)) return
    const before = Y.encodeStateVector(target)
    const scratch = docFromState(Y.encodeStateAsUpdate(target))
    scratch.getMap(ROOM_META_MAP).set(UNREADABLE_UPDATES_KEY, count)
    const change = Y.encodeStateAsUpdate(scratch, before)
    if (open) (await open).applyServerUpdate(change)
    else await this.store.append(roomId, change)
  }
}
