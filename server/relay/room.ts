import * as decoding from 'lib0/decoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { CloseCode } from '../../protocol/closeCodes'
import { MessageType } from '../../protocol/messages'
import { canWrite } from '../../protocol/roles'
import type { BoardStore } from '../store/boardStore'
import { decodeAwarenessUpdate, encodeAwarenessEntries } from './awarenessGuard'
import type { RelayConnection } from './connection'
import { awarenessMessage, syncStep1Message, syncStep2Message, updateMessage } from './encoding'
import { ProtocolError } from './errors'
import { changesDocument } from './changesDocument'

export interface RoomOptions {
  maxBoardBytes: number
  compactAfterUpdates: number
  log: (message: string, extra?: Record<string, unknown>) => void
}

/** Origin of updates replayed from the store: they are on disk already. */
const FROM_STORE = Symbol('from-store')
/** Pending (not yet integrable) update bytes a board may hold while their dependencies arrive. */
export const MAX_PENDING_UPDATE_BYTES = 256 * 1024
/** Wait before writing updates again after the store failed. */
export const STORE_RETRY_MS = 1000

function pendingBytes(doc: Y.Doc): number {
  return (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0)
}

function dropPending(doc: Y.Doc): void {
  doc.store.pendingStructs = null
  doc.store.pendingDs = null
}

/** Writes waiting for one store commit, run in the order they were made. */
interface WriteBatch {
  commit: Promise<void>
  callbacks: { after: () => void; onError: (e: unknown) => void }[]
}

/** Origin of changes the server makes itself; stored and relayed like a participant's. */
const FROM_SERVER = Symbol('from-server')

/** Origin of updates and presence from other server instances (stored by them already). */
const FROM_PEER = Symbol('from-peer')

/**
 * One loaded board: its Y.Doc, the presence of everyone on it, and its connections.
 * Every update is appended to the store before it is relayed, so nothing a participant has
 * received can be lost when the process dies.
 */
export class Room {
  readonly doc = new Y.Doc({ gc: true })
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  /** Each connection with the awareness client ids it has introduced (removed when it leaves). */
  private readonly connections = new Map<RelayConnection, Set<number>>()
  private storedBytes = 0
  private updatesSinceCompaction = 0
  /** Serializes writes of stores whose operations are asynchronous. */
  private writeChain: Promise<void> = Promise.resolve()
  private pendingWrites = 0
  /** The store commit the latest writes wait for, with what to do after it (see `write`). */
  private openBatch: WriteBatch | null = null
  /** Awareness client ids of participants on other instances; local connections may not touch them. */
  private readonly peerClientIds = new Set<number>()
  private unsubscribe: (() => void) | null = null
  /** Updates applied to the doc whose store write failed; retried, then relayed. */
  private unstored: Uint8Array[] = []
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private closed = false

  private constructor(
    readonly boardId: string,
    private readonly store: BoardStore,
    private readonly options: RoomOptions,
  ) {
    this.awareness.setLocalState(null) // the server itself has no presence
    this.doc.on('update', this.onDocUpdate)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  static async load(boardId: string, store: BoardStore, options: RoomOptions): Promise<Room> {
    const room = new Room(boardId, store, options)
    const updates = await store.load(boardId)
    for (const update of updates) {
      try {
        Y.applyUpdate(room.doc, update, FROM_STORE)
        room.storedBytes += update.byteLength
      } catch (error) {
        // A damaged entry must not make the whole board unreadable.
        options.log('skipped unreadable stored update', { boardId, error: String(error) })
      }
    }
    dropPending(room.doc) // stored updates that can never be integrated are not served again
    room.updatesSinceCompaction = updates.length > 1 ? updates.length : 0
    room.unsubscribe =
      store.subscribe?.(boardId, {
        onUpdate: (update) => room.applyPeerUpdate(update),
        onAwareness: (update) => room.applyPeerAwareness(update),
      }) ?? null
    return room
  }

  /** True while nothing was ever written to this room. */
  get isEmpty(): boolean {
    return this.doc.store.clients.size === 0
  }

  /** Applies a change the server makes itself (e.g. moving old data): stored and relayed like an edit. */
  applyServerUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, FROM_SERVER)
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** Starts the y-websocket handshake: our sync step 1 and everyone's presence. */
  addConnection(conn: RelayConnection): void {
    this.connections.set(conn, new Set())
    conn.send(syncStep1Message(this.doc))
    const states = [...this.awareness.getStates().keys()]
    if (states.length > 0) conn.send(awarenessMessage(this.awareness, states))
  }

  removeConnection(conn: RelayConnection): void {
    const clientIds = this.connections.get(conn)
    this.connections.delete(conn)
    // What is still pending now was sent by someone whose missing changes did not follow; a real
    // client that is still here sends them again on its next sync.
    dropPending(this.doc)
    if (clientIds && clientIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...clientIds], conn)
    }
  }

  /** Handles one incoming frame. Throws ProtocolError for input that must close the connection. */
  handleMessage(conn: RelayConnection, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.Sync:
        return this.handleSync(conn, decoder)
      case MessageType.Awareness:
        return this.handleAwareness(conn, decoding.readVarUint8Array(decoder))
      case MessageType.QueryAwareness:
        conn.send(awarenessMessage(this.awareness, [...this.awareness.getStates().keys()]))
        return
      case MessageType.Auth:
        return // tokens travel in the URL; nothing to do
      default:
        throw new ProtocolError(CloseCode.MalformedMessage, `unknown message type ${type}`)
    }
  }

  private handleSync(conn: RelayConnection, decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder)
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      conn.send(syncStep2Message(this.doc, decoding.readVarUint8Array(decoder)))
      return
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new ProtocolError(CloseCode.MalformedMessage, `unknown sync message ${syncType}`)
    }
    this.applyClientUpdate(conn, decoding.readVarUint8Array(decoder))
  }

  private applyClientUpdate(conn: RelayConnection, update: Uint8Array): void {
    // Who may write is decided by the link and the room alone (facilitator-only state has a room
    // of its own), so a writer's update is applied without being decoded first: that is the
    // per-update work the anchor does too. yjs throws on bytes it cannot read.
    if (!canWrite(conn.role)) {
      let changes: boolean
      try {
        changes = changesDocument(this.doc, update)
      } catch {
        throw new ProtocolError(CloseCode.MalformedMessage, 'update could not be decoded')
      }
      // A view-only client still answers our sync step 1; an answer that changes nothing is fine.
      if (changes) throw new ProtocolError(CloseCode.Forbidden, 'this link may only view the board')
      return
    }
    if (this.storedBytes + update.byteLength > this.options.maxBoardBytes) {
      this.compact()
      if (this.storedBytes + update.byteLength > this.options.maxBoardBytes) {
        throw new ProtocolError(CloseCode.BoardTooBig, 'board size limit reached')
      }
    }
    try {
      Y.applyUpdate(this.doc, update, conn)
    } catch (error) {
      throw new ProtocolError(CloseCode.MalformedMessage, `update could not be applied: ${String(error)}`)
    }
    // Yjs keeps an update that builds on changes it has not seen as "pending". A real client's
    // edit can overtake its own sync step 2 by a message, so a little is normal; more means the
    // changes it builds on will never come, and it would be served to everyone and stored.
    if (pendingBytes(this.doc) > MAX_PENDING_UPDATE_BYTES) {
      dropPending(this.doc)
      throw new ProtocolError(CloseCode.MalformedMessage, 'update depends on changes the server does not have')
    }
  }

  private handleAwareness(conn: RelayConnection, update: Uint8Array): void {
    let entries
    try {
      entries = decodeAwarenessUpdate(update)
    } catch (error) {
      throw new ProtocolError(CloseCode.MalformedMessage, `bad awareness update: ${String(error)}`)
    }
    const own = this.connections.get(conn)
    if (!own) return
    // y-websocket clients pass on the presence of others they heard about; only the connection
    // that introduced a client id may change it, so echoes of others are dropped, not applied.
    const accepted = entries.filter(({ clientId }) => {
      if (own.has(clientId)) return true
      if (this.peerClientIds.has(clientId)) return false
      for (const [other, ids] of this.connections) if (other !== conn && ids.has(clientId)) return false
      return true
    })
    if (accepted.length === 0) return
    for (const { clientId, clock, state } of accepted) {
      const known = this.awareness.meta.get(clientId)
      if (state !== null && (!known || clock > known.clock)) own.add(clientId)
    }
    const filtered = accepted.length === entries.length ? update : encodeAwarenessEntries(accepted)
    awarenessProtocol.applyAwarenessUpdate(this.awareness, filtered, conn)
  }

  private applyPeerUpdate(update: Uint8Array): void {
    try {
      Y.applyUpdate(this.doc, update, FROM_PEER)
    } catch (error) {
      this.options.log('skipped unreadable update from another instance', { boardId: this.boardId, error: String(error) })
    }
  }

  private applyPeerAwareness(update: Uint8Array): void {
    try {
      for (const { clientId, state } of decodeAwarenessUpdate(update)) {
        if (state === null) this.peerClientIds.delete(clientId)
        else this.peerClientIds.add(clientId)
      }
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_PEER)
    } catch (error) {
      this.options.log('skipped bad presence from another instance', { boardId: this.boardId, error: String(error) })
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === FROM_STORE) return
    if (origin === FROM_PEER) {
      this.broadcast(updateMessage(update), undefined)
      return
    }
    this.storedBytes += update.byteLength
    this.updatesSinceCompaction++
    this.persistAndRelay(update, origin)
    if (this.updatesSinceCompaction >= this.options.compactAfterUpdates) this.compact()
  }

  /**
   * Stores an update, then relays it. Updates whose store write failed earlier are folded into
   * the next write, so they are stored and relayed as soon as the store works again.
   */
  private persistAndRelay(update: Uint8Array | null, origin: unknown): void {
    const earlier = this.unstored
    this.unstored = []
    const parts = update ? [...earlier, update] : earlier
    if (parts.length === 0) return
    const merged = parts.length === 1 ? parts[0] : Y.mergeUpdates(parts)
    this.write(
      () => this.store.append(this.boardId, merged),
      // Earlier writers never had their own update echoed; they apply it as a no-op.
      () => this.broadcast(updateMessage(merged), earlier.length > 0 ? undefined : origin),
      (error) => this.onStoreFailure(error, merged, origin),
    )
  }

  /**
   * Runs a store operation, then `after`, in the order of calls. A store that keeps its
   * operations in call order by itself (`ordersWrites`: SQLite batches a turn's appends into one
   * commit) gets each operation at once and only `after` waits; for others an operation starts
   * when the previous one has finished. Either way an update is durable before it is relayed.
   */
  private write(op: () => void | Promise<void>, after: () => void, onError: (e: unknown) => void): void {
    if (this.pendingWrites > 0 && !this.store.ordersWrites) {
      this.openBatch = null
      this.chain(this.writeChain.then(op).then(after, onError))
      return
    }
    let result: void | Promise<void>
    try {
      result = op()
    } catch (error) {
      onError(error)
      return
    }
    if (!result) {
      if (this.pendingWrites === 0) return after()
      this.openBatch = null
      this.chain(this.writeChain.then(after))
      return
    }
    // Appends of one turn share the store's commit: one promise reaction for all of them.
    if (this.openBatch && this.openBatch.commit === result) {
      this.openBatch.callbacks.push({ after, onError })
      return
    }
    const batch: WriteBatch = { commit: result, callbacks: [{ after, onError }] }
    this.openBatch = batch
    const done = (error?: unknown) => {
      if (this.openBatch === batch) this.openBatch = null
      for (const cb of batch.callbacks) {
        // One failing callback must not keep the others' updates from being relayed.
        try {
          if (error === undefined) cb.after()
          else cb.onError(error)
        } catch (callbackError) {
          this.options.log('relay after store write failed', { boardId: this.boardId, error: String(callbackError) })
        }
      }
    }
    const fail = (error: unknown) => done(error ?? new Error('store write failed'))
    // Promise.all handles a rejection of `result` at once (no unhandled rejection while waiting).
    this.chain(this.pendingWrites === 0 ? result.then(() => done(), fail) : Promise.all([this.writeChain, result]).then(() => done(), fail))
  }

  private chain(next: Promise<void>): void {
    this.pendingWrites++
    this.writeChain = next.finally(() => {
      this.pendingWrites--
    })
  }

  /**
   * Nothing unstored is relayed. The update stays in the board's memory and in the writer's own
   * copy; it is written (and then relayed) with the next write or a retry. The writer is
   * disconnected so its page shows that something is wrong; it reconnects by itself.
   */
  private onStoreFailure(error: unknown, update: Uint8Array, origin: unknown): void {
    this.options.log('store append failed', { boardId: this.boardId, error: String(error) })
    this.unstored.push(update)
    const conn = origin as RelayConnection | undefined
    if (conn && this.connections.has(conn)) conn.close(1011, 'storage unavailable')
    if (!this.retryTimer && !this.closed) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null
        this.persistAndRelay(null, undefined)
      }, STORE_RETRY_MS)
    }
  }

  private readonly onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...changes.added, ...changes.updated, ...changes.removed]
    // Presence set by our own participants goes to the other instances too.
    if (origin !== FROM_PEER && origin !== 'timeout' && this.store.publishAwareness) {
      this.store.publishAwareness(this.boardId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    }
    // Echo to the sender too: a lone client must hear something within 30 s or it reconnects.
    this.broadcast(awarenessMessage(this.awareness, changed), undefined)
  }

  private broadcast(message: Uint8Array, except: unknown): void {
    for (const conn of this.connections.keys()) {
      if (conn !== except) conn.send(message)
    }
  }

  /** Folds the update log into one merged state so the stored size follows content, not history. */
  compact(): Promise<void> {
    if (this.updatesSinceCompaction === 0) return this.writeChain
    const countAtStart = this.updatesSinceCompaction
    let stateBytes = 0
    this.write(
      // The state is taken when the write runs, not when it is queued: a multi-instance store
      // records how far into the shared log it reaches at that same moment.
      () => {
        const state = Y.encodeStateAsUpdate(this.doc)
        stateBytes = state.byteLength
        return this.store.compact(this.boardId, state)
      },
      () => {
        this.storedBytes = stateBytes
        this.updatesSinceCompaction -= countAtStart
      },
      (error) => this.options.log('compaction failed', { boardId: this.boardId, error: String(error) }),
    )
    return this.writeChain
  }

  /** Writes what is pending and frees the board's memory. */
  async close(): Promise<void> {
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    await this.compact() // the merged state includes any unstored updates
    this.unsubscribe?.()
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }
}
