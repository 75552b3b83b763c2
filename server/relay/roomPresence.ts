import * as awarenessProtocol from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { CloseCode } from '../../protocol/closeCodes'
import type { LogFn } from '../log'
import { decodeAwarenessUpdate, encodeAwarenessEntries } from './awarenessDecoding'
import type { RelayConnection } from './connection'
import { awarenessMessage } from './encoding'
import { ProtocolError } from './errors'
import { PresenceOwners } from './presenceOwners'

/** Origin of presence from other server instances. */
const FROM_PEER = Symbol('presence-from-peer')

/**
 * Everyone's presence in one room (y-protocols awareness): what each connection may change
 * (PresenceOwners), what other instances send, and passing every change on to the room's
 * connections and, for our own participants, to the other instances.
 */
export class RoomPresence {
  readonly awareness: awarenessProtocol.Awareness
  private readonly owners = new PresenceOwners<RelayConnection>()

  constructor(
    doc: Y.Doc,
    private readonly roomId: string,
    private readonly broadcast: (message: Uint8Array) => void,
    private readonly publish: ((update: Uint8Array) => void) | null,
    private readonly log: LogFn,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc)
    this.awareness.setLocalState(null) // the server itself has no presence
    this.awareness.on('update', this.onUpdate)
  }

  /** Everyone's presence, for a new connection (null when nobody is there). */
  everyone(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()]
    return ids.length > 0 ? awarenessMessage(this.awareness, ids) : null
  }

  add(conn: RelayConnection): void {
    this.owners.add(conn)
  }

  /** The connection left: its presence leaves with it, for everyone. */
  remove(conn: RelayConnection): void {
    const clientIds = this.owners.remove(conn)
    if (clientIds.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, clientIds, conn)
  }

  /** A connection's presence update: only the entries it may change are applied (throws on bad input). */
  handle(conn: RelayConnection, update: Uint8Array): void {
    let entries
    try {
      entries = decodeAwarenessUpdate(update)
    } catch (error) {
      throw new ProtocolError(CloseCode.MalformedMessage, `bad awareness update: ${String(error)}`)
    }
    const accepted = this.owners.accept(conn, entries, (clientId) => this.awareness.meta.get(clientId)?.clock)
    if (accepted.length === 0) return
    const filtered = accepted.length === entries.length ? update : encodeAwarenessEntries(accepted)
    awarenessProtocol.applyAwarenessUpdate(this.awareness, filtered, conn)
  }

  /** Presence from another instance: its client ids are off limits to local connections. */
  applyPeer(update: Uint8Array): void {
    try {
      for (const { clientId, state } of decodeAwarenessUpdate(update)) this.owners.notePeer(clientId, state !== null)
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_PEER)
    } catch (error) {
      this.log('skipped bad presence from another instance', { boardId: this.roomId, error: String(error) })
    }
  }

  private readonly onUpdate = (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    const changed = [...changes.added, ...changes.updated, ...changes.removed]
    // Presence set by our own participants goes to the other instances too.
    if (origin !== FROM_PEER && origin !== 'timeout' && this.publish) {
      this.publish(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    }
    // Echo to the sender too: a lone client must hear something within 30 s or it reconnects.
    this.broadcast(awarenessMessage(this.awareness, changed))
  }

  destroy(): void {
    this.awareness.off('update', this.onUpdate)
    this.awareness.destroy()
  }
}
