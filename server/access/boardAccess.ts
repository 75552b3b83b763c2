import { createHash, timingSafeEqual } from 'node:crypto'
import { isValidToken, newToken, ROLES, tokensFromFacilitator, type Role } from '../../protocol/roles'

/** Stored per board: a SHA-256 of each role's token (a stolen database holds no usable links). */
export type AccessRecord = Record<Role, string>

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
 * What a token gets on a board: a role, `forbidden` (the token does not fit), or `unknown`: no
 * board was ever created with that id (only `POST /api/boards` creates one), so nothing may be
 * stored under it and no room is loaded for it.
 */
export type Access = Role | 'forbidden' | 'unknown'

export function accessFor(record: AccessRecord | null, token: string | null): Access {
  if (!record) return 'unknown'
  if (!isValidToken(token)) return 'forbidden'
  const hash = Buffer.from(hashToken(token), 'hex')
  for (const role of ROLES) {
    if (timingSafeEqual(hash, Buffer.from(record[role], 'hex'))) return role
  }
  return 'forbidden'
}

export function isRole(access: Access): access is Role {
  return access !== 'forbidden' && access !== 'unknown'
}
