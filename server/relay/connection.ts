import type { CloseCodeValue } from '../../protocol/closeCodes'

/**
 * One participant's link to a room, independent of the transport (ws today; anything that can
 * send binary frames tomorrow). The relay only ever talks to connections through this interface.
 */
export interface RelayConnection {
  /** Short id for logs. */
  readonly id: string
  /** Whether this connection may change the document (decided from its token by the server). */
  readonly canWrite: boolean
  /** Sends one y-websocket message; the y-websocket 3 client expects one message per frame. */
  send(message: Uint8Array): void
  close(code: CloseCodeValue | 1000 | 1011, reason: string): void
}
