import type { Role } from '../../protocol/roles'
import { TOKEN_PARAM } from '../../protocol/roles'

export type RoleAnswer = { role: Role } | { error: 'forbidden' | 'offline' }

/** Asks the server what this page's link allows. Offline, the last known answer is used. */
export async function fetchRole(boardId: string, token: string | null): Promise<RoleAnswer> {
  const cacheKey = `samenbord:role:${boardId}:${token ?? ''}`
  const query = token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : ''
  try {
    const res = await fetch(`/api/boards/${boardId}/role${query}`)
    if (res.status === 403 || res.status === 404) return { error: 'forbidden' }
    const { role } = (await res.json()) as { role: Role }
    localStorage.setItem(cacheKey, role)
    return { role }
  } catch {
    const cached = localStorage.getItem(cacheKey) as Role | null
    return cached ? { role: cached } : { error: 'offline' }
  }
}
