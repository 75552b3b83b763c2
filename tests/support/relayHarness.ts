import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { TLStore } from 'tldraw'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { bindStoreToDoc } from '../../client/sync/storeBinding'
import { MessageType } from '../../protocol/messages'
import type { RoomAddress } from '../../protocol/paths'
import type { Role } from '../../protocol/roles'
import type { RelayConnection } from '../../server/relay/connection'
import type { Relay } from '../../server/relay/relay'
import type { Room } from '../../server/relay/room'
import { MemoryBoardStore } from '../../server/store/memoryStore'
import { newTestStore } from '../../bench/lib/harness/tlStore'

/** Origin of what a harness client applies from the relay (not sent back). */
const FROM_RELAY = Symbol('from-relay')

/** The memory store with a switch that makes appends fail, as a full disk would. */
export class FlakyMemoryStore extends MemoryBoardStore {
  failing = false
  override append(roomId: string, update: Uint8Array): void {
    if (this.failing) throw new Error('SQLITE_FULL: database or disk is full')
    super.append(roomId, update)
  }
}

/**
 * A participant's page without a browser: a tldraw store bound to a Y.Doc (the real binding) and
 * the y-websocket protocol spoken to the real Relay through an in-memory connection, with one
 * FIFO queue each way, so a test decides when each message arrives (partial delivery), and a
 * disconnect loses what is queued, as a dropped websocket does.
 */
export class HarnessClient {
  readonly doc = new Y.Doc()
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  readonly store: TLStore
  readonly toServer: Uint8Array[] = []
  readonly toClient: Uint8Array[] = []
  conn: RelayConnection | null = null
  room: Room | null = null
  /** The close code the relay gave, until the next connect. */
  closedWith: number | null = null
  /** Sees every message the relay sends this client (for checking what was relayed). */
  onRelayed: ((message: Uint8Array) => void) | null = null

  constructor(
    readonly name: string,
    private readonly address: RoomAddress,
    readonly role: Role = 'participant',
    seed = false,
  ) {
    this.store = newTestStore(seed)
    const binding = bindStoreToDoc(this.store, this.doc, { readOnly: role === 'viewer' })
    if (seed) binding.seedIfEmpty()
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== FROM_RELAY && this.conn) this.toServer.push(message(MessageType.Sync, (e) => syncProtocol.writeUpdate(e, update)))
    })
    this.awareness.setLocalState({ name })
  }

  get connected(): boolean {
    return this.conn !== null
  }

  /** Opens a connection as y-websocket does: sync step 1 and its presence go first. */
  async connect(relay: Relay): Promise<void> {
    if (this.conn) return
    this.closedWith = null
    const conn: RelayConnection = {
      id: this.name,
      role: this.role,
      send: (m) => {
        this.toClient.push(m)
        this.onRelayed?.(m)
      },
      // As with a real socket, the relay hears of the close a moment later, not inside its own call.
      close: (code) => {
        if (this.conn !== conn) return
        this.closedWith = code
        const room = this.drop()
        if (room) queueMicrotask(() => relay.leave(room, conn))
      },
    }
    this.conn = conn
    this.toServer.push(message(MessageType.Sync, (e) => syncProtocol.writeSyncStep1(e, this.doc)))
    this.toServer.push(message(MessageType.Awareness, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]))))
    let room: Room
    try {
      room = await relay.join(this.address, conn)
    } catch {
      if (this.conn === conn) this.drop()
      return
    }
    if (this.conn !== conn) return relay.leave(room, conn)
    this.room = room
  }

  /** The socket goes away (the client's side): what is queued is lost. */
  disconnect(relay: Relay): void {
    const conn = this.conn
    const room = this.drop()
    if (room && conn) relay.leave(room, conn)
  }

  /** Forgets the connection and what is queued on it; returns the room it was in. */
  private drop(): Room | null {
    const room = this.room
    this.conn = null
    this.room = null
    this.toServer.length = 0
    this.toClient.length = 0
    // A real client forgets the others' presence when it loses the connection.
    awarenessProtocol.removeAwarenessStates(this.awareness, [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID), FROM_RELAY)
    return room
  }

  /** Delivers up to `count` queued messages to the relay (a ProtocolError closes like the transport does). */
  deliverToServer(count: number): void {
    if (!this.room) return // still joining: the messages wait
    for (const m of this.toServer.splice(0, count)) {
      if (!this.room || !this.conn) return
      try {
        this.room.handleMessage(this.conn, m)
      } catch (error) {
        const code = (error as { code?: number }).code ?? 4400
        this.conn.close(code as never, String(error))
        return
      }
    }
  }

  /** Delivers up to `count` queued messages from the relay, answering as y-websocket does. */
  deliverToClient(count: number): void {
    for (const m of this.toClient.splice(0, count)) {
      const decoder = decoding.createDecoder(m)
      const type = decoding.readVarUint(decoder)
      if (type === MessageType.Sync) {
        const reply = encoding.createEncoder()
        encoding.writeVarUint(reply, MessageType.Sync)
        syncProtocol.readSyncMessage(decoder, reply, this.doc, FROM_RELAY)
        if (encoding.length(reply) > 1 && this.conn) this.toServer.push(encoding.toUint8Array(reply))
      } else if (type === MessageType.Awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), FROM_RELAY)
      }
    }
  }

  get idle(): boolean {
    return this.toServer.length === 0 && this.toClient.length === 0
  }
}

function message(type: number, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, type)
  write(e)
  return encoding.toUint8Array(e)
}
