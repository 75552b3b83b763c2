import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTP_TOO_MANY_REQUESTS } from '../../protocol/apiStatus'
import { isValidBoardId, newBoardId } from '../../protocol/boardId'
import { facilitationRoomId } from '../../protocol/paths'
import { TOKEN_PARAM, type CreatedBoard, type Role } from '../../protocol/roles'
import { newAccess, roleFor } from '../access/boardAccess'
import type { Relay } from '../relay/relay'
import type { BoardStore } from '../store/boardStore'
import type { ApiRateLimit } from './apiRateLimit'

/** Largest JSON body the API reads (a snapshot name), in bytes. */
const MAX_BODY_BYTES = 4 * 1024
const MAX_SNAPSHOT_NAME_LENGTH = 80
/** What a 429 answer asks the client to wait, in seconds. */
const RETRY_AFTER_SECONDS = 60
const BOARD_PATH = /^\/api\/boards\/([^/]+)\/(role|snapshots)(?:\/([A-Za-z0-9-]{1,64}))?$/

/** The role a token gives on a board, or null when the token does not fit this board. */
export async function resolveRole(store: BoardStore, boardId: string, token: string | null): Promise<Role | null> {
  return roleFor(await store.loadAccess(boardId), token)
}

/**
 * The small HTTP API beside the relay. Returns false when the request is not for it.
 * - `GET /api/time`: the server clock (countdowns agree on every screen)
 * - `POST /api/boards[?copyFrom=<id>&t=<facilitator token>]`: a new board with three role links,
 *   optionally a copy of another ("Kopie voor volgende bijeenkomst")
 * - `GET /api/boards/<id>/role?t=…`: what a link allows
 * - `GET|POST /api/boards/<id>/snapshots?t=…`, `GET …/snapshots/<sid>?t=…`: named snapshots,
 *   facilitator only
 */
export async function handleBoardApi(
  store: BoardStore,
  relay: Relay,
  creations: ApiRateLimit,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const token = url.searchParams.get(TOKEN_PARAM)
  const tooMany = () => {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
    return sendJson(res, HTTP_TOO_MANY_REQUESTS, { error: 'too many boards or snapshots created from this address; try again later' })
  }
  if (url.pathname === '/api/time') return sendJson(res, 200, { now: Date.now() })
  if (url.pathname === '/api/boards') {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' })
    if (!creations.take(req.socket.remoteAddress ?? '')) return tooMany()
    const copyFrom = url.searchParams.get('copyFrom')
    let copied: { board: Uint8Array; facilitation: Uint8Array } | null = null
    if (copyFrom !== null) {
      if (!isValidBoardId(copyFrom)) return sendJson(res, 404, { error: 'unknown board' })
      if ((await resolveRole(store, copyFrom, token)) !== 'facilitator') return forbidden(res)
      copied = {
        board: await relay.currentState(copyFrom),
        facilitation: await relay.currentState(facilitationRoomId(copyFrom)),
      }
    }
    const boardId = newBoardId()
    const { tokens, record } = await newAccess()
    await store.saveAccess(boardId, record)
    if (copied) {
      await store.append(boardId, copied.board)
      await store.append(facilitationRoomId(boardId), copied.facilitation)
    }
    const created: CreatedBoard = { boardId, tokens }
    return sendJson(res, 201, created)
  }

  const match = BOARD_PATH.exec(url.pathname)
  if (!match) return false
  const [, boardId, resource, snapshotId] = match
  if (!isValidBoardId(boardId)) return sendJson(res, 404, { error: 'unknown board' })
  const role = await resolveRole(store, boardId, token)
  if (resource === 'role') {
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' })
    return role ? sendJson(res, 200, { role }) : forbidden(res)
  }
  if (role !== 'facilitator') return forbidden(res)
  if (snapshotId) {
    const state = await store.loadSnapshot(boardId, snapshotId)
    if (!state) return sendJson(res, 404, { error: 'unknown snapshot' })
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' })
    res.end(Buffer.from(state))
    return true
  }
  if (req.method === 'GET') return sendJson(res, 200, await store.listSnapshots(boardId))
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' })
  if (!creations.take(req.socket.remoteAddress ?? '')) return tooMany()
  const body = await readJson(req)
  const name = typeof body?.name === 'string' ? body.name.trim().slice(0, MAX_SNAPSHOT_NAME_LENGTH) : ''
  if (!name) return sendJson(res, 400, { error: 'a snapshot needs a name' })
  const info = { id: randomUUID(), name, createdAt: Date.now() }
  await store.saveSnapshot(boardId, { ...info, state: await relay.currentState(boardId) })
  return sendJson(res, 201, info)
}

function forbidden(res: ServerResponse): true {
  return sendJson(res, 403, { error: 'this link does not allow that on this board' })
}

function sendJson(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
  return true
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) return null
    chunks.push(chunk)
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    return value && typeof value === 'object' ? value : null
  } catch {
    return null
  }
}
