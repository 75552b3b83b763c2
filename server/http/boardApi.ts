import type { IncomingMessage, ServerResponse } from 'node:http'
import { isValidBoardId, newBoardId } from '../../protocol/boardId'
import { TOKEN_PARAM, type CreatedBoard, type Role } from '../../protocol/roles'
import { newAccess, roleFor } from '../access/boardAccess'
import type { BoardStore } from '../store/boardStore'

const ROLE_PATH = /^\/api\/boards\/([^/]+)\/role$/

/** The role a token gives on a board, or null when the token does not fit this board. */
export async function resolveRole(store: BoardStore, boardId: string, token: string | null): Promise<Role | null> {
  return roleFor(await store.loadAccess(boardId), token)
}

/**
 * `POST /api/boards` creates a board with three role links; `GET /api/boards/<id>/role?t=…` tells
 * a page what its link allows. Returns false when the request is not for this API.
 */
export async function handleBoardApi(store: BoardStore, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  // Clients align their countdowns to the server's clock.
  if (url.pathname === '/api/time') return sendJson(res, 200, { now: Date.now() })
  if (url.pathname === '/api/boards') {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' })
    const boardId = newBoardId()
    const { tokens, record } = await newAccess()
    await store.saveAccess(boardId, record)
    const created: CreatedBoard = { boardId, tokens }
    return sendJson(res, 201, created)
  }
  const match = ROLE_PATH.exec(url.pathname)
  if (!match) return false
  if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' })
  if (!isValidBoardId(match[1])) return sendJson(res, 404, { error: 'unknown board' })
  const role = await resolveRole(store, match[1], url.searchParams.get(TOKEN_PARAM))
  if (!role) return sendJson(res, 403, { error: 'this link does not fit this board' })
  return sendJson(res, 200, { role })
}

function sendJson(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
  return true
}
