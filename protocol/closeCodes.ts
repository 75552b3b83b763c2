/**
 * Websocket close codes the relay uses. y-websocket 3.1 treats 4400–4499 as terminal: the client
 * stops reconnecting and emits `closed`, so those are for problems a retry cannot fix. A restart
 * uses 1012 so that clients come back by themselves.
 */
export const CloseCode = {
  /**
   * A single message was larger than the limit (standard "Message Too Big"; sent by ws itself at
   * `maxPayload`, before it buffers more than the limit). The client must not send it again.
   */
  MessageTooBig: 1009,
  /** The server could not do its part (the store failed); the client comes back by itself. */
  InternalError: 1011,
  /** The server is restarting; reconnect later (standard code "Service Restart"). */
  ServiceRestart: 1012,
  /**
   * Not now: too many connections (per board or per address), or the server's memory for loaded
   * boards is full. Standard "Try Again Later": y-websocket reconnects by itself.
   */
  TryAgainLater: 1013,
  /** A message could not be decoded or applied. */
  MalformedMessage: 4400,
  /** The token does not allow this board or this action. */
  Forbidden: 4403,
  /** The board id is not a valid id, or no board was ever created with it. */
  UnknownBoard: 4404,
  /** The origin of the upgrade request is not allowed. */
  OriginNotAllowed: 4405,
  /**
   * The board was deleted ("Bord verwijderen", or after BOARD_RETENTION_DAYS unopened): pages drop
   * their local copy. HTTP's 410 Gone; the id is never opened again.
   */
  BoardDeleted: 4410,
  /** The board would grow past its size limit (stored bytes or estimated memory). */
  BoardTooBig: 4414,
  /**
   * A readable change that breaks a rule of what a board may hold: a value nested too deep, too
   * many items in one change, a kind of content Samenbord never writes.
   */
  UpdateRefused: 4422,
  /** Too many messages in a short time. */
  RateLimited: 4430,
  /** The client stopped reading and its send buffer grew past the limit. */
  SlowConsumer: 4431,
  /** One connection's presence took more client ids or bytes than one participant needs. */
  TooMuchPresence: 4432,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

/** Codes after which y-websocket reconnects by itself: nothing to tell the participant. */
export type TransientCloseCode = typeof CloseCode.InternalError | typeof CloseCode.ServiceRestart | typeof CloseCode.TryAgainLater
/** Codes that end the connection for good (the client must not come back with the same thing). */
export type FinalCloseCode = Exclude<CloseCodeValue, TransientCloseCode>

export function isTerminalCloseCode(code: number): boolean {
  return code >= 4400 && code <= 4499
}
