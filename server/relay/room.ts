import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { CloseCode, type CloseCodeValue } from '../../protocol/closeCodes'
import { MessageType } from '../../protocol/messages'
import type { LogFn } from '../log'
import type { BoardStore } from '../store/boardStore'
import type { RelayConnection } from './connection'
import { DurableLog } from './durableLog'
import { awarenessMessage, syncStep1Message, syncStep2Message, updateMessage } from './encoding'
import { ProtocolError } from './errors'
import { inspectUpdate } from '../../protocol/inspectUpdate'
import type { MemoryBudget } from './memoryBudget'
import { dropPending, MAX_PENDING_UPDATE_BYTES, pendingBytes } from './pendingStructs'
import { RoomPresence } from './roomPresence'
import { TokenBucket } from './rateLimiter'
import { WriteGate, type RoomLimits } from './writeGate'

/**
 * Requests that make the server encode the whole board or everyone's presence (sync step 1,
 * presence query): a client sends one when it connects. Per connection, a burst of this many,
 * then one every EXPENSIVE_REQUEST_INTERVAL_MS.
 */
export const EXPENSIVE_REQUEST_BURST = 8
export const EXPENSIVE_REQUEST_INTERVAL_MS = 5_000

export type { RoomLimits }

export interface RoomOptions {
  limits: RoomLimits
  compactAfterUpdates: number
  /** The memory all loaded rooms share. */
  budget: MemoryBudget
  log: LogFn
}

/** Origin of updates replayed from the store: they are on disk already. */
const FROM_STORE = Symbol('from-store')
/** Origin of changes the server makes itself; stored and relayed like a participant's. */
const FROM_SERVER = Symbol('from-server')
/** Origin of updates and presence from other server instances (stored by them already). */
const FROM_PEER = Symbol('from-peer')

/**
 * One loaded room (a board, its facilitation room or a private room): its Y.Doc, everyone's
 * presence, its connections. It decides what each message may do, and checks what a change
 * costs before applying it; its DurableLog stores every update before it is relayed, so nothing
 * a participant has received can be lost when the process dies.
 */
export class Room {
  readonly doc = new Y.Doc({ gc: true })
  readonly presence: RoomPresence
  readonly log: DurableLog
  private readonly connections = new Map<RelayConnection, TokenBucket>()
  private unsubscribe: (() => void) | null = null
  private freed = false
  private discarded = false
  /** The estimated memory of the update being applied, until its doc update has been stored. */
  private incomingCost = 0
  private readonly gate: WriteGate
  /**
   * Sync step 1s answered once the store has taken what failed to store: the answer would carry
   * those updates, and nothing is relayed before it is stored.
   */
  private readonly waitingForStore: { conn: RelayConnection; stateVector: Uint8Array }[] = []

  private constructor(
    readonly boardId: string,
    store: BoardStore,
    private readonly options: RoomOptions,
  ) {
    this.presence = new RoomPresence(
      this.doc,
      boardId,
      (message) => this.broadcast(message, undefined),
      store.publishAwareness ? (update) => store.publishAwareness!(boardId, update) : null,
      options.log,
    )
    this.log = new DurableLog(boardId, store, {
      compactAfterUpdates: options.compactAfterUpdates,
      log: options.log,
      budget: options.budget,
      onStored: (update, origin) => this.broadcast(updateMessage(update), origin),
      // The writer is disconnected so its page shows that something is wrong; it reconnects by itself.
      onStoreFailure: (origin) => {
        const conn = origin as RelayConnection | undefined
        if (conn && this.connections.has(conn)) conn.close(CloseCode.InternalError, 'storage unavailable')
      },
      onAllStored: () => {
        for (const { conn, stateVector } of this.waitingForStore.splice(0)) {
          if (this.connections.has(conn)) conn.send(syncStep2Message(this.doc, stateVector), { wholeBoard: true })
        }
      },
    })
    this.gate = new WriteGate(boardId, this.doc, this.log, options.limits, options.budget, options.log)
    this.doc.on('update', this.onDocUpdate)
  }

  /** Loads a room from the store. Throws BoardNotLoadable when its memory does not fit now. */
  static async load(boardId: string, store: BoardStore, options: RoomOptions): Promise<Room> {
    const room = new Room(boardId, store, options)
    try {
      await room.log.load(room.doc, FROM_STORE)
    } catch (error) {
      room.free()
      throw error
    }
    dropPending(room.doc) // stored updates that can never be integrated are not served again
    room.unsubscribe =
      store.subscribe?.(boardId, {
        onUpdate: (update) => room.applyPeerUpdate(update),
        onAwareness: (update) => room.presence.applyPeer(update),
      }) ?? null
    return room
  }

  /** True while nothing was ever written to this room. */
  get isEmpty(): boolean {
    return this.doc.store.clients.size === 0
  }

  /** Applies a change the server makes itself (e.g. moving old data): stored and relayed like an edit. */
  applyServerUpdate(update: Uint8Array): void {
    const { cost } = inspectUpdate(update)
    this.options.budget.add(cost)
    this.incomingCost = cost
    Y.applyUpdate(this.doc, update, FROM_SERVER)
    this.releaseIncoming()
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /** Starts the y-websocket handshake: our sync step 1 and everyone's presence. */
  addConnection(conn: RelayConnection): void {
    this.connections.set(conn, new TokenBucket(1000 / EXPENSIVE_REQUEST_INTERVAL_MS, EXPENSIVE_REQUEST_BURST))
    this.presence.add(conn)
    conn.send(syncStep1Message(this.doc))
    const everyone = this.presence.everyone()
    if (everyone) conn.send(everyone)
  }

  removeConnection(conn: RelayConnection): void {
    this.connections.delete(conn)
    const waiting = this.waitingForStore.findIndex((w) => w.conn === conn)
    if (waiting >= 0) this.waitingForStore.splice(waiting, 1)
    // What is still pending now was sent by someone whose missing changes did not follow; a real
    // client that is still here sends them again on its next sync.
    dropPending(this.doc)
    this.presence.remove(conn)
  }

  /** Handles one incoming frame. Throws ProtocolError for input that must close the connection. */
  handleMessage(conn: RelayConnection, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.Sync:
        return this.handleSync(conn, decoder)
      case MessageType.Awareness:
        return this.presence.handle(conn, decoding.readVarUint8Array(decoder))
      case MessageType.QueryAwareness:
        this.takeExpensiveRequest(conn)
        conn.send(this.presence.everyone() ?? awarenessMessage(this.presence.awareness, []))
        return
      case MessageType.Auth:
        return // tokens travel in the URL; nothing to do
      default:
        throw new ProtocolError(CloseCode.MalformedMessage, `unknown message type ${type}`)
    }
  }

  private takeExpensiveRequest(conn: RelayConnection): void {
    if (!this.connections.get(conn)?.take()) throw new ProtocolError(CloseCode.RateLimited, 'too many sync requests')
  }

  private handleSync(conn: RelayConnection, decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder)
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      this.takeExpensiveRequest(conn)
      const stateVector = decoding.readVarUint8Array(decoder)
      if (this.log.hasUnstored) this.waitingForStore.push({ conn, stateVector })
      else conn.send(syncStep2Message(this.doc, stateVector), { wholeBoard: true })
      return
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new ProtocolError(CloseCode.MalformedMessage, `unknown sync message ${syncType}`)
    }
    this.applyClientUpdate(conn, decoding.readVarUint8Array(decoder))
  }

  private applyClientUpdate(conn: RelayConnection, update: Uint8Array): void {
    const cost = this.gate.admit(conn.role, update)
    if (cost === null) return
    this.incomingCost = cost
    try {
      Y.applyUpdate(this.doc, update, conn)
    } catch (error) {
      throw new ProtocolError(CloseCode.MalformedMessage, `update could not be applied: ${String(error)}`)
    } finally {
      this.releaseIncoming()
    }
    if (pendingBytes(this.doc) > MAX_PENDING_UPDATE_BYTES) {
      dropPending(this.doc)
      throw new ProtocolError(CloseCode.MalformedMessage, 'update depends on changes the server does not have')
    }
  }

  /** What was reserved for an update that stored nothing (all known already, or pending). */
  private releaseIncoming(): void {
    if (this.incomingCost > 0) this.options.budget.release(this.incomingCost)
    this.incomingCost = 0
  }

  private applyPeerUpdate(update: Uint8Array): void {
    try {
      const { cost } = inspectUpdate(update)
      this.options.budget.add(cost) // stored by the other instance already: not ours to refuse
      this.incomingCost = cost
      Y.applyUpdate(this.doc, update, FROM_PEER)
    } catch (error) {
      this.options.log('skipped unreadable update from another instance', { boardId: this.boardId, error: String(error) })
    } finally {
      this.releaseIncoming()
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === FROM_STORE) return
    const cost = this.incomingCost
    this.incomingCost = 0 // reserved for this update; the log holds it from now on
    if (origin === FROM_PEER) {
      this.log.countPeerUpdate(update, cost)
      this.broadcast(updateMessage(update), undefined)
      return
    }
    this.log.append(update, origin, cost)
    if (this.log.updatesSinceCompaction >= this.options.compactAfterUpdates) void this.log.compact(this.doc)
  }

  private broadcast(message: Uint8Array, except: unknown): void {
    for (const conn of this.connections.keys()) {
      if (conn !== except) conn.send(message)
    }
  }

  /** Folds the update log into one merged state (see DurableLog.compact). */
  compact(): Promise<boolean> {
    return this.log.compact(this.doc)
  }

  /** Makes everything durable (retrying while the store fails), then frees the room's memory. */
  async close(giveUpAt?: number): Promise<void> {
    await this.log.close(this.doc, giveUpAt)
    this.free()
  }

  /** True once the room was dropped because its board was deleted (see `discard`). */
  get isDiscarded(): boolean {
    return this.discarded
  }

  /**
   * Its board was deleted: every connection is closed with `code`, nothing more is written (not
   * even what a `close` under way would write), and the memory is freed at once.
   */
  discard(code: CloseCodeValue, reason: string): void {
    if (this.discarded) return
    this.discarded = true
    this.log.discard()
    this.waitingForStore.length = 0
    for (const conn of [...this.connections.keys()]) conn.close(code, reason)
    this.connections.clear()
    this.free()
  }

  private free(): void {
    if (this.freed) return
    this.freed = true
    this.unsubscribe?.()
    this.log.releaseAll()
    this.doc.off('update', this.onDocUpdate)
    this.presence.destroy()
    this.doc.destroy()
  }
}
