import type { CloseCodeValue } from '../../protocol/closeCodes'
import type { Role } from '../../protocol/roles'

/**
 * One participant's link to a room, independent of the transport (ws today; anything that can
 * send binary frames tomorrow). The relay only ever talks to connections through this interface.
 */
export interface RelayConnection {
  /** Short id for logs. */
  readonly id: string
  /** What this connection may do, decided by the server from its token. */
  readonly role: Role
  /**
   * Sends one y-websocket message; the y-websocket 3 client expects one message per frame.
   * `wholeBoard` marks an answer that carries the whole board (a sync step 2): while a client
   * downloads it, that message does not count as falling behind.
   */
  send(message: Uint8Array, options?: { wholeBoard?: boolean }): void
  close(code: CloseCodeValue, reason: string): void
}
