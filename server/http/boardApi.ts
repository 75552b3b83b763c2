import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTP_GONE, HTTP_TOO_MANY_REQUESTS, type RoleResponse } from '../../protocol/api'
import { isValidBoardId, newBoardId } from '../../protocol/boardId'
import { facilitationRoomId } from '../../protocol/paths'
import { TOKEN_PARAM, type CreatedBoard } from '../../protocol/roles'
import { accessFor, newAccess, type Access } from '../access/boardAccess'
import type { Relay } from '../relay/relay'
import type { Retention } from '../retention'
import type { BoardStore } from '../store/boardStore'
import type { ApiRateLimit } from './apiRateLimit'
import { clientAddress } from './clientAddress'
import { originAllowed } from './origin'

export interface BoardApiContext {
  store: BoardStore
  relay: Relay
  /** New boards per client address. */
  creationsPerAddress: ApiRateLimit
  /** Copies and snapshots per board (only its facilitator makes them, so nobody else can spend it). */
  creationsPerBoard: ApiRateLimit
  allowedOrigins: string[]
  trustProxyHops: number
  /** When a board would be deleted for not being opened (told to its facilitator). */
  retention: Retention
}

/** Largest JSON body the API reads (a snapshot name), in bytes. */
const MAX_BODY_BYTES = 4 * 1024
const MAX_SNAPSHOT_NAME_LENGTH = 80
/** What a 429 answer asks the client to wait, in seconds. */
const RETRY_AFTER_SECONDS = 60
const BOARD_PATH = /^\/api\/boards\/([^/]+)\/(role|snapshots)(?:\/([A-Za-z0-9-]{1,64}))?$/
const BOARD_ITSELF_PATH = /^\/api\/boards\/([^/]+)$/

/** What a token gets on a board (a role, or why not). */
export async function resolveAccess(store: BoardStore, boardId: string, token: string | null): Promise<Access> {
  return accessFor(await store.loadAccess(boardId), token)
}

/**
 * The small HTTP API beside the relay. Returns false when the request is not for it.
 * - `GET /api/time`: the server clock (countdowns agree on every screen)
 * - `POST /api/boards[?copyFrom=<id>&t=<facilitator token>]`: a new board with three role links,
 *   optionally a copy of another ("Kopie voor volgende bijeenkomst")
 * - `GET /api/boards/<id>/role?t=…`: what a link allows
 * - `GET|POST /api/boards/<id>/snapshots?t=…`, `GET …/snapshots/<sid>?t=…`: named snapshots,
 *   facilitator only
 * - `DELETE /api/boards/<id>?t=…`: "Bord verwijderen", facilitator only: every open connection
 *   is closed (4410), then everything of the board leaves the store (Relay.deleteBoard)
 * A deleted board answers 410 Gone to everything, whatever the token.
 * Whatever changes something must come from our own pages (another website cannot make a
 * visitor's browser create boards), and creating has a budget: new boards per client address,
 * copies and snapshots per board.
 */
export async function handleBoardApi(ctx: BoardApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const { store, relay } = ctx
  const url = new URL(req.url ?? '/', 'http://localhost')
  const token = requestToken(req, url)
  const tooMany = (what: string) => {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
    return sendJson(res, HTTP_TOO_MANY_REQUESTS, { error: `too many ${what}; try again later` })
  }
  if (url.pathname === '/api/time') return sendJson(res, 200, { now: Date.now() })
  if ((req.method === 'POST' || req.method === 'DELETE') && !fromOurPages(req, ctx.allowedOrigins)) {
    return sendJson(res, 403, { error: 'requests that change something must come from this server\'s own pages' })
  }
  if (url.pathname === '/api/boards') {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' })
    const copyFrom = url.searchParams.get('copyFrom')
    let copied: { board: Uint8Array; facilitation: Uint8Array } | null = null
    if (copyFrom === null) {
      if (!ctx.creationsPerAddress.take(clientAddress(req, ctx.trustProxyHops))) return tooMany('new boards from this address')
    } else {
      if (!isValidBoardId(copyFrom)) return unknownBoard(res)
      const access = await resolveAccess(store, copyFrom, token)
      if (access === 'unknown') return unknownBoard(res)
      if (access === 'deleted') return gone(res)
      if (access !== 'facilitator') return forbidden(res)
      if (!ctx.creationsPerBoard.take(copyFrom)) return tooMany('copies and snapshots of this board')
      copied = {
        board: await relay.currentState(copyFrom),
        facilitation: await relay.currentState(facilitationRoomId(copyFrom)),
      }
    }
    const boardId = newBoardId()
    const { tokens, record } = await newAccess()
    await store.saveAccess(boardId, record)
    ctx.retention.opened(boardId) // retention counts from its making
    if (copied && copyFrom) {
      await store.append(boardId, copied.board)
      await store.append(facilitationRoomId(boardId), copied.facilitation)
      // The copy's document refers to the same pictures (`asset:<id>`): it gets references to the same bytes.
      await store.copyAssets(copyFrom, boardId)
    }
    const created: CreatedBoard = { boardId, tokens }
    return sendJson(res, 201, created)
  }

  const match = BOARD_PATH.exec(url.pathname) ?? BOARD_ITSELF_PATH.exec(url.pathname)
  if (!match) return false
  const [, boardId, resource = 'board', snapshotId] = match
  if (!isValidBoardId(boardId)) return unknownBoard(res)
  const role = await resolveAccess(store, boardId, token)
  if (role === 'unknown') return unknownBoard(res)
  if (role === 'deleted') return gone(res)
  if (resource === 'role') {
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'method not allowed' })
    if (role === 'forbidden') return forbidden(res)
    const answer: RoleResponse = role === 'facilitator' ? { role, deleteAfter: await ctx.retention.deleteAfter(boardId) } : { role }
    return sendJson(res, 200, answer)
  }
  if (resource === 'board') {
    if (req.method !== 'DELETE') return sendJson(res, 405, { error: 'method not allowed' })
    if (role !== 'facilitator') return forbidden(res)
    await relay.deleteBoard(boardId, 'facilitator')
    res.writeHead(204, { 'Cache-Control': 'no-store' })
    res.end()
    return true
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
  if (!ctx.creationsPerBoard.take(boardId)) return tooMany('copies and snapshots of this board')
  const body = await readJson(req)
  const name = typeof body?.name === 'string' ? body.name.trim().slice(0, MAX_SNAPSHOT_NAME_LENGTH) : ''
  if (!name) return sendJson(res, 400, { error: 'a snapshot needs a name' })
  const info = { id: randomUUID(), name, createdAt: Date.now() }
  const state = await relay.currentState(boardId)
  // Deleted while its state was read: nothing of it may be stored again.
  if (relay.isDeleted(boardId)) return gone(res)
  await store.saveSnapshot(boardId, { ...info, state })
  return sendJson(res, 201, info)
}

/** Our pages send the token in a header (URLs end up in proxies' logs); stock tools may use ?t=. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const bearer = /^Bearer ([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '')
  return bearer?.[1] ?? url.searchParams.get(TOKEN_PARAM)
}

/** A browser marks a request from another website (Sec-Fetch-Site, Origin); programs send neither. */
export function fromOurPages(req: IncomingMessage, allowedOrigins: string[]): boolean {
  const site = req.headers['sec-fetch-site']
  if (site === 'cross-site' && !req.headers.origin) return false
  return originAllowed(req, allowedOrigins)
}

function unknownBoard(res: ServerResponse): true {
  return sendJson(res, 404, { error: 'no board with this id' })
}

function gone(res: ServerResponse): true {
  return sendJson(res, HTTP_GONE, { error: 'this board was deleted' })
}

function forbidden(res: ServerResponse): true {
  return sendJson(res, 403, { error: 'this link does not allow that on this board' })
}

/** An API answer: JSON (`{ error }` when refused), never cached. */
export function sendJson(res: ServerResponse, status: number, body: unknown): true {
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
