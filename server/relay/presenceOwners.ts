import { CloseCode } from '../../protocol/closeCodes'
import type { AwarenessEntry } from './awarenessDecoding'
import { ProtocolError } from './errors'

/**
 * Presence client ids one connection may introduce. A y-websocket client has one (its doc's
 * client id, the same after a reconnect); Yjs picks a new one only when it detects a clash.
 */
export const MAX_CLIENT_IDS_PER_CONNECTION = 4
/**
 * Presence one connection may hold at once, in bytes of JSON over all its client ids: every
 * participant receives it, and every joiner downloads all of it. A cursor with a selection of
 * ~2,000 shapes fits.
 */
export const MAX_PRESENCE_BYTES_PER_CONNECTION = 64 * 1024

/**
 * Who may change which presence client id in a room. y-websocket clients pass on the presence
 * of others they heard about; only the connection that introduced a client id may change it,
 * so echoes of others are dropped, not applied. Ids of participants on other server instances
 * belong to no local connection. Each connection has a budget of ids and bytes.
 */
export class PresenceOwners<Conn> {
  /** Per connection: the client ids it introduced, with the size of each one's state. */
  private readonly owned = new Map<Conn, Map<number, number>>()
  private readonly peerIds = new Set<number>()

  add(conn: Conn): void {
    this.owned.set(conn, new Map())
  }

  /** Forgets a connection; returns the client ids whose presence leaves with it. */
  remove(conn: Conn): number[] {
    const ids = this.owned.get(conn)
    this.owned.delete(conn)
    return ids ? [...ids.keys()] : []
  }

  /**
   * The entries of a presence update that `conn` may apply, recording the ids it introduces.
   * `knownClock` is the room's clock for a client id (undefined when unknown). Throws a
   * ProtocolError when the connection would pass its budget.
   */
  accept(conn: Conn, entries: AwarenessEntry[], knownClock: (clientId: number) => number | undefined): AwarenessEntry[] {
    const own = this.owned.get(conn)
    if (!own) return []
    const accepted = entries.filter(({ clientId }) => own.has(clientId) || (!this.peerIds.has(clientId) && !this.ownedByOther(conn, clientId)))
    for (const { clientId, clock, state, json } of accepted) {
      const known = knownClock(clientId)
      if (state === null) own.delete(clientId)
      else if (known === undefined || clock > known) own.set(clientId, json.length)
    }
    if (own.size > MAX_CLIENT_IDS_PER_CONNECTION) {
      throw new ProtocolError(CloseCode.TooMuchPresence, `more than ${MAX_CLIENT_IDS_PER_CONNECTION} presence ids`)
    }
    let bytes = 0
    for (const size of own.values()) bytes += size
    if (bytes > MAX_PRESENCE_BYTES_PER_CONNECTION) {
      throw new ProtocolError(CloseCode.TooMuchPresence, 'presence too large')
    }
    return accepted
  }

  /** Presence from another instance: its ids are off limits to local connections. */
  notePeer(clientId: number, present: boolean): void {
    if (present) this.peerIds.add(clientId)
    else this.peerIds.delete(clientId)
  }

  private ownedByOther(conn: Conn, clientId: number): boolean {
    for (const [other, ids] of this.owned) if (other !== conn && ids.has(clientId)) return true
    return false
  }
}
