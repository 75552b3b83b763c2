import { digest as sha256 } from 'lib0/hash/sha256'
import { toBase64Url } from './boardId'
import type { RoomKind } from './paths'

/**
 * What a link lets you do. Each board created through the API has three links, each with its
 * own unguessable token; the server decides from the token what a connection may do.
 */
export type Role = 'facilitator' | 'participant' | 'viewer'
export const ROLES: readonly Role[] = ['facilitator', 'participant', 'viewer']

/**
 * Key of the token in the page's #fragment (which browsers never send to a server). Stock
 * y-websocket clients may also pass it as a query parameter of the websocket URL; our pages do
 * not, since proxies log URLs (see below).
 */
export const TOKEN_PARAM = 't'

/**
 * Our pages send the token as a websocket subprotocol, `t.<token>`, beside `samenbord`, which the
 * server answers with: it travels in a header, not in the URL that a proxy writes to its log.
 */
export const SYNC_SUBPROTOCOL = 'samenbord'
const TOKEN_SUBPROTOCOL_PREFIX = 't.'

export function tokenSubprotocols(token: string | null): string[] {
  return token ? [SYNC_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token] : [SYNC_SUBPROTOCOL]
}

/** The token among the subprotocols a client offered (`Sec-WebSocket-Protocol`), if any. */
export function tokenFromSubprotocols(offered: Iterable<string>): string | null {
  for (const protocol of offered) if (protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return protocol.slice(TOKEN_SUBPROTOCOL_PREFIX.length)
  return null
}

/** Our pages send the token of API calls in this header (`Authorization: Bearer <token>`), not in the URL. */
export function tokenHeader(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` }
}
export const TOKEN_BYTES = 16
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/

export function newToken(): string {
  const bytes = new Uint8Array(TOKEN_BYTES)
  globalThis.crypto.getRandomValues(bytes)
  return toBase64Url(bytes)
}

/**
 * The participant and viewer tokens follow from the facilitator token (SHA-256 of it and the
 * role), so the facilitator link is the master key: wherever it is opened, it can show the other
 * two links; theirs reveal nothing of it. lib0's SHA-256, not `crypto.subtle`: a school server on
 * plain http is an insecure context, where browsers give no `crypto.subtle`.
 */
export function deriveToken(facilitatorToken: string, role: Exclude<Role, 'facilitator'>): string {
  const data = new TextEncoder().encode(`samenbord:${role}:${facilitatorToken}`)
  return toBase64Url(sha256(data).subarray(0, TOKEN_BYTES))
}

export function tokensFromFacilitator(facilitator: string): Record<Role, string> {
  return {
    facilitator,
    participant: deriveToken(facilitator, 'participant'),
    viewer: deriveToken(facilitator, 'viewer'),
  }
}

export function isValidToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token)
}

export function canWrite(role: Role): boolean {
  return role !== 'viewer'
}

/** The page link for a role: the token sits in the #fragment, so it never reaches server logs. */
export function boardLink(origin: string, boardId: string, token: string): string {
  return `${origin}/b/${boardId}#${TOKEN_PARAM}=${token}`
}

/** Response of `POST /api/boards`. */
export interface CreatedBoard {
  boardId: string
  tokens: Record<Role, string>
}

/** What a link may do in one room of its board: only the facilitator writes the facilitation room. */
export function roleInRoom(role: Role, kind: RoomKind): Role {
  return kind === 'facilitation' && role !== 'facilitator' ? 'viewer' : role
}
