import type { Role } from '../../protocol/roles'
import { fetchRole as fetchRoleFromServer } from '../api'
import { ROLE_CACHE_PREFIX } from '../sync/localCopy'

export type RoleAnswer = { role: Role } | { error: 'forbidden' | 'unknown' | 'deleted' | 'offline' }

/** Asks the server what this page's link allows. Offline, the last known answer is used. */
export async function fetchRole(boardId: string, token: string | null): Promise<RoleAnswer> {
  const cacheKey = `${ROLE_CACHE_PREFIX}${boardId}:${token ?? ''}`
  const result = await fetchRoleFromServer(boardId, token)
  if (result.ok) {
    localStorage.setItem(cacheKey, result.value)
    return { role: result.value }
  }
  if (result.why === 'forbidden' || result.why === 'unknown' || result.why === 'deleted') return { error: result.why }
  const cached = localStorage.getItem(cacheKey) as Role | null
  return cached ? { role: cached } : { error: 'offline' }
}
