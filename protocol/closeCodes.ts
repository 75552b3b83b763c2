/**
 * Websocket close codes the relay uses. y-websocket 3.1 treats 4400–4499 as terminal: the client
 * stops reconnecting and emits `closed`, so those are for problems a retry cannot fix. A restart
 * uses 1012 so that clients come back by themselves.
 */
export const CloseCode = {
  /** The server is restarting; reconnect later (standard code "Service Restart"). */
  ServiceRestart: 1012,
  /** A message could not be decoded or applied. */
  MalformedMessage: 4400,
  /** The token does not allow this board or this action. */
  Forbidden: 4403,
  /** The board id is not a valid id. */
  UnknownBoard: 4404,
  /** The origin of the upgrade request is not allowed. */
  OriginNotAllowed: 4405,
  /** A single message was larger than the limit. */
  MessageTooBig: 4413,
  /** The board would grow past its size limit. */
  BoardTooBig: 4414,
  /** Too many connections (per board or per address). */
  TooManyConnections: 4429,
  /** Too many messages in a short time. */
  RateLimited: 4430,
  /** The client stopped reading and its send buffer grew past the limit. */
  SlowConsumer: 4431,
} as const

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

export function isTerminalCloseCode(code: number): boolean {
  return code >= 4400 && code <= 4499
}
