import { createHash, timingSafeEqual } from 'node:crypto'
import { isValidToken, newToken, ROLES, tokensFromFacilitator, type Role } from '../../protocol/roles'

/** Stored per board: a SHA-256 of each role's token (a stolen database holds no usable links). */
export type AccessRecord = Record<Role, string>

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function newAccess(): Promise<{ tokens: Record<Role, string>; record: AccessRecord }> {
  const tokens = await tokensFromFacilitator(newToken())
  const record = {
    facilitator: hashToken(tokens.facilitator),
    participant: hashToken(tokens.participant),
    viewer: hashToken(tokens.viewer),
  }
  return { tokens, record }
}

/**
 * The role a token gives on a board. A board without an access record (opened by id alone, as
 * before links with roles existed) is open to anyone who knows its id, as a participant.
 */
export function roleFor(record: AccessRecord | null, token: string | null): Role | null {
  if (!record) return 'participant'
  if (!isValidToken(token)) return null
  const hash = Buffer.from(hashToken(token), 'hex')
  for (const role of ROLES) {
    if (timingSafeEqual(hash, Buffer.from(record[role], 'hex'))) return role
  }
  return null
}
