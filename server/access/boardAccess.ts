import { createHash, timingSafeEqual } from 'node:crypto'
import { isValidToken, newToken, ROLES, tokensFromFacilitator, type Role } from '../../protocol/roles'

/** Stored per board: a SHA-256 of each role's token (a stolen database holds no usable links). */
export type AccessRecord = Record<Role, string>

/**
 * What the store knows of a board's links: its record, `deleted` (the board was deleted; the store
 * keeps only a hash of its id, so that the id is refused for good), or null (never created).
 */
export type StoredAccess = AccessRecord | 'deleted' | null

/** The hash a store keeps of a deleted board's id (its tombstone): nothing of the board itself. */
export function deletedBoardHash(boardId: string): string {
  return createHash('sha256').update(`samenbord:deleted:${boardId}`).digest('hex')
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function newAccess(): Promise<{ tokens: Record<Role, string>; record: AccessRecord }> {
  const tokens = tokensFromFacilitator(newToken())
  const record = {
    facilitator: hashToken(tokens.facilitator),
    participant: hashToken(tokens.participant),
    viewer: hashToken(tokens.viewer),
  }
  return { tokens, record }
}

/**
 * What a token gets on a board: a role, `forbidden` (the token does not fit), `unknown`: no
 * board was ever created with that id (only `POST /api/boards` creates one), so nothing may be
 * stored under it and no room is loaded for it; or `deleted`: the board was deleted, whatever the
 * token (nothing is left to check it against).
 */
export type Access = Role | 'forbidden' | 'unknown' | 'deleted'

export function accessFor(record: StoredAccess, token: string | null): Access {
  if (record === 'deleted') return 'deleted'
  if (!record) return 'unknown'
  if (!isValidToken(token)) return 'forbidden'
  const hash = Buffer.from(hashToken(token), 'hex')
  for (const role of ROLES) {
    if (timingSafeEqual(hash, Buffer.from(record[role], 'hex'))) return role
  }
  return 'forbidden'
}

export function isRole(access: Access): access is Role {
  return access !== 'forbidden' && access !== 'unknown' && access !== 'deleted'
}
