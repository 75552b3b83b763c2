import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { newBoardId } from '../../protocol/boardId'
import { CloseCode } from '../../protocol/closeCodes'
import { facilitationRoomId, privateRoomPrefix, type RoomAddress } from '../../protocol/paths'
import type { Role } from '../../protocol/roles'
import type { RelayConnection } from '../../server/relay/connection'
import { STORE_RETRY_MS } from '../../server/relay/durableLog'
import { updateMessage } from '../../server/relay/encoding'
import { MemoryBudget } from '../../server/relay/memoryBudget'
import { Relay } from '../../server/relay/relay'
import { FlakyMemoryStore } from '../support/relayHarness'

/**
 * "Bord verwijderen" against the relay's own moments: a room that is loading, one that is being
 * written back, a write waiting for its retry, a join that comes a moment too late. Whatever the
 * moment, the board is not written back after its deletion, and nobody gets into it again.
 */
class GatedStore extends FlakyMemoryStore {
  /** While set, loads of these rooms wait until `open()`. */
  private gate: Promise<void> | null = null
  private release: () => void = () => undefined
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve))
  }
  open(): void {
    this.gate = null
    this.release()
  }
  override async load(roomId: string): Promise<Uint8Array[]> {
    if (this.gate) await this.gate
    return super.load(roomId)
  }
}

class Conn implements RelayConnection {
  static count = 0
  readonly id = `c${++Conn.count}`
  closedWith: number | null = null
  constructor(readonly role: Role = 'participant') {}
  send(): void {}
  close(code: number): void {
    this.closedWith ??= code
  }
}

const noLog = () => undefined
const turns = (n = 5) => new Promise<void>((resolve) => {
  const step = (left: number) => (left === 0 ? resolve() : setImmediate(() => step(left - 1)))
  step(n)
})

function setup() {
  const store = new GatedStore()
  const relay = new Relay(store, {
    maxBoardBytes: 50 * 1024 * 1024,
    maxBoardMemoryBytes: 256 * 1024 * 1024,
    maxPrivateRoomsPerBoard: 10,
    compactAfterUpdates: 500,
    budget: new MemoryBudget(1024 * 1024 * 1024),
    log: noLog,
  })
  const boardId = newBoardId()
  const rooms: Record<'board' | 'facilitation' | 'private', RoomAddress> = {
    board: { boardId, roomId: boardId, kind: 'board' },
    facilitation: { boardId, roomId: facilitationRoomId(boardId), kind: 'facilitation' },
    private: { boardId, roomId: privateRoomPrefix(boardId) + 'a'.repeat(22), kind: 'private' },
  }
  /** How many rooms of the board have anything stored. */
  const storedRooms = () => store.roomCount(boardId)
  const edit = (text: string) => {
    const doc = new Y.Doc()
    doc.getMap('m').set('note', text)
    return updateMessage(Y.encodeStateAsUpdate(doc))
  }
  return { store, relay, boardId, rooms, storedRooms, edit }
}

describe('Relay.deleteBoard', () => {
  it('closes the connections of every room of the board with 4410, drops the rooms, and leaves other boards alone', async () => {
    const { relay, rooms, storedRooms, edit, boardId } = setup()
    const conns = { board: new Conn(), facilitation: new Conn('facilitator'), private: new Conn() }
    const joined = []
    for (const kind of ['board', 'facilitation', 'private'] as const) {
      const room = await relay.join(rooms[kind], conns[kind])
      room.handleMessage(conns[kind], edit(`in ${kind}`))
      joined.push({ room, conn: conns[kind] })
    }
    const otherId = newBoardId()
    const other = new Conn()
    await relay.join({ boardId: otherId, roomId: otherId, kind: 'board' }, other)
    expect(storedRooms()).toBe(3)

    await relay.deleteBoard(boardId, 'facilitator')
    expect(Object.values(conns).map((c) => c.closedWith)).toEqual([CloseCode.BoardDeleted, CloseCode.BoardDeleted, CloseCode.BoardDeleted])
    expect(relay.isOpen(boardId)).toBe(false)
    expect(storedRooms()).toBe(0)
    // The transport hears the sockets close and leaves: a dropped room writes nothing.
    for (const { room, conn } of joined) relay.leave(room, conn)
    await turns()
    expect(storedRooms()).toBe(0)
    expect(other.closedWith).toBeNull()
    expect(relay.isLoaded(otherId)).toBe(true)

    // A join that comes a moment too late (its link was checked before the deletion) is refused.
    await expect(relay.join(rooms.board, new Conn())).rejects.toMatchObject({ code: CloseCode.BoardDeleted })
    await expect(relay.join(rooms.private, new Conn())).rejects.toMatchObject({ code: CloseCode.BoardDeleted })
    expect(storedRooms()).toBe(0)
  })

  it('a room that is loading is dropped once loaded: its join is refused, and what the load wrote goes too', async () => {
    const { store, relay, rooms, storedRooms, boardId } = setup()
    store.hold()
    const joining = relay.join(rooms.board, new Conn())
    const refused = expect(joining).rejects.toMatchObject({ code: CloseCode.BoardDeleted })
    await turns()
    const deleting = relay.deleteBoard(boardId, 'facilitator')
    store.open() // the load finishes after the deletion started; it starts the facilitation room in the store
    await deleting
    await refused
    await turns()
    expect(storedRooms()).toBe(0)
    expect(await store.load(facilitationRoomId(boardId))).toEqual([])
  })

  it('a room being written back when the board is deleted writes nothing after', async () => {
    const { relay, rooms, storedRooms, edit, boardId } = setup()
    const conn = new Conn()
    const room = await relay.join(rooms.board, conn)
    room.handleMessage(conn, edit('laatste notitie'))
    relay.leave(room, conn) // the room compacts and is freed in a later turn
    expect(relay.isOpen(boardId)).toBe(true)
    await relay.deleteBoard(boardId, 'facilitator')
    await turns(20)
    expect(storedRooms()).toBe(0)
    expect(relay.isOpen(boardId)).toBe(false)
  })

  it('a write that failed and waits for its retry is never written after the deletion', async () => {
    const { store, relay, rooms, storedRooms, edit, boardId } = setup()
    const conn = new Conn()
    const room = await relay.join(rooms.board, conn)
    store.failing = true
    room.handleMessage(conn, edit('nog niet opgeslagen'))
    expect(conn.closedWith).toBe(CloseCode.InternalError) // told; the update waits for a retry
    await relay.deleteBoard(boardId, 'facilitator')
    store.failing = false
    await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_MS + 300))
    expect(storedRooms()).toBe(0)
  })
})
