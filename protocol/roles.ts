import { digest as sha256 } from 'lib0/hash/sha256'
import { toBase64Url } from './boardId'
import type { RoomKind } from './paths'

/**
 * What a link lets you do. Each board created through the API has three links, each with its
 * own unguessable token; the server decides from the token what a connection may do.
 */
export type Role = 'facilitator' | 'participant' | 'viewer'
export const ROLES: readonly Role[] = ['facilitator', 'participant', 'viewer']

/** Query parameter of the websocket URL (and key in the page's #fragment) that carries a token. */
export const TOKEN_PARAM = 't'
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
