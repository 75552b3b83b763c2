import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTP_GONE, HTTP_TOO_MANY_REQUESTS } from '../../protocol/api'
import {
  ASSET_PATH,
  HTTP_CONFLICT,
  HTTP_QUOTA_FULL,
  HTTP_TOO_LARGE,
  HTTP_UNSUPPORTED_TYPE,
  isValidAssetId,
  sniffAssetType,
} from '../../protocol/assets'
import { isValidBoardId } from '../../protocol/boardId'
import { canWrite } from '../../protocol/roles'
import type { BoardStore } from '../store/boardStore'
import type { ApiRateLimit } from './apiRateLimit'
import type { AssetCache } from './assetCache'
import { answerNotModified, sendAsset } from './assetResponse'
import { fromOurPages, requestToken, resolveAccess, sendJson } from './boardApi'
import { clientAddress } from './clientAddress'
import { closeAfterAnswer, readUploadBody, type UploadSlots } from './uploadBody'

export interface AssetApiContext {
  store: BoardStore
  allowedOrigins: string[]
  trustProxyHops: number
  /** MAX_ASSET_BYTES: the largest file. */
  maxAssetBytes: number
  /** MAX_BOARD_ASSET_BYTES: the largest total of one board's files. */
  maxBoardAssetBytes: number
  /** MAX_UPLOAD_BYTES_PER_IP_PER_HOUR: bytes received per client address (cost = bytes). */
  uploadBytesPerAddress: ApiRateLimit
  /** The upload bodies being read (MAX_PARALLEL_UPLOADS, per address and in all). */
  uploads: UploadSlots
  /** UPLOAD_TIMEOUT_MS, shorter in tests. */
  uploadTimeoutMs: number
  cache: AssetCache
}

/** What a 429 for uploads asks the client to wait, in seconds: a slot is free again within seconds. */
const UPLOAD_RETRY_AFTER_SECONDS = 5
/** What a 429 for a used-up byte budget asks the client to wait, in seconds. */
const BUDGET_RETRY_AFTER_SECONDS = 600

/**
 * A board's pictures and videos (protocol/assets.ts). Returns false when the request is not for
 * them.
 * - `PUT /api/boards/<id>/assets/<assetId>` (a writing link's token): stores the body.
 * - `GET|HEAD …` (no token: the id is the capability): the stored file.
 */
export async function handleAssetApi(ctx: AssetApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const match = ASSET_PATH.exec(url.pathname)
  if (!match) return false
  const [, boardId, assetId] = match
  if (req.method === 'GET' || req.method === 'HEAD') return serveAsset(ctx, req, res, boardId, assetId)
  if (req.method === 'PUT') return uploadAsset(ctx, req, res, url, boardId, assetId)
  res.setHeader('Allow', 'GET, HEAD, PUT')
  return sendJson(res, 405, { error: 'method not allowed' })
}

async function serveAsset(ctx: AssetApiContext, req: IncomingMessage, res: ServerResponse, boardId: string, assetId: string): Promise<true> {
  const unknownAsset = () => sendJson(res, 404, { error: 'no such file on this board' })
  if (!isValidBoardId(boardId)) return sendJson(res, 404, { error: 'no board with this id' })
  if (!isValidAssetId(assetId)) return unknownAsset()
  const access = await ctx.store.loadAccess(boardId)
  if (access === null) return sendJson(res, 404, { error: 'no board with this id' })
  if (access === 'deleted') return sendJson(res, HTTP_GONE, { error: 'this board was deleted' })
  const info = await ctx.store.assetInfo(boardId, assetId)
  if (!info) return unknownAsset()
  if (answerNotModified(req, res, info)) return true
  const bytes = await ctx.cache.get(info.hash, async () => (await ctx.store.loadAsset(boardId, assetId))?.bytes ?? null)
  if (!bytes) return unknownAsset() // the board was deleted after its reference was read
  sendAsset(req, res, info, bytes)
  return true
}

/**
 * Everything about a request is checked before its body is read (origin, ids, declared length,
 * token, a free slot, the address's byte budget); the body is then read with a byte count, a
 * deadline and the budget charged as it comes. Its type is sniffed from its bytes only.
 */
async function uploadAsset(
  ctx: AssetApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  boardId: string,
  assetId: string,
): Promise<true> {
  // Until the body has been read to its end, an answer also ends the connection.
  const refuse = (status: number, error: string, retryAfterSeconds?: number) => {
    closeAfterAnswer(req, res)
    if (retryAfterSeconds) res.setHeader('Retry-After', String(retryAfterSeconds))
    return sendJson(res, status, { error })
  }
  if (!fromOurPages(req, ctx.allowedOrigins)) return refuse(403, "requests that change something must come from this server's own pages")
  if (!isValidBoardId(boardId)) return refuse(404, 'no board with this id')
  if (!isValidAssetId(assetId)) return refuse(400, 'an asset id is 22 characters of base64url')
  const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length'])
  if (declared !== null && declared > ctx.maxAssetBytes) return refuse(HTTP_TOO_LARGE, `a file may have at most ${ctx.maxAssetBytes} bytes`)
  const access = await resolveAccess(ctx.store, boardId, requestToken(req, url))
  if (access === 'unknown') return refuse(404, 'no board with this id')
  if (access === 'deleted') return refuse(HTTP_GONE, 'this board was deleted')
  if (access === 'forbidden' || !canWrite(access)) return refuse(403, 'this link does not allow adding files to this board')

  const address = clientAddress(req, ctx.trustProxyHops)
  const release = ctx.uploads.acquire(address)
  if (!release) return refuse(HTTP_TOO_MANY_REQUESTS, 'too many uploads at once; try again in a moment', UPLOAD_RETRY_AFTER_SECONDS)
  try {
    const budgetUsedUp = 'too many bytes uploaded from this address; try again later'
    // A declared length is charged at once (the parser delivers no more than that); a chunked body as it comes.
    if (declared !== null && !ctx.uploadBytesPerAddress.take(address, declared)) return refuse(HTTP_TOO_MANY_REQUESTS, budgetUsedUp, BUDGET_RETRY_AFTER_SECONDS)
    const body = await readUploadBody(req, {
      maxBytes: ctx.maxAssetBytes,
      timeoutMs: ctx.uploadTimeoutMs,
      charge: (bytes) => declared !== null || ctx.uploadBytesPerAddress.take(address, bytes),
    })
    if (!body.ok) return refuse(body.status, body.error, body.status === HTTP_TOO_MANY_REQUESTS ? BUDGET_RETRY_AFTER_SECONDS : undefined)
    return await storeAsset(ctx, res, boardId, assetId, body.bytes)
  } finally {
    release()
  }
}

/** The body has arrived: what it is, whether it fits, and its place in the store. */
async function storeAsset(ctx: AssetApiContext, res: ServerResponse, boardId: string, assetId: string, bytes: Uint8Array): Promise<true> {
  if (bytes.byteLength === 0) return sendJson(res, 400, { error: 'the file is empty' })
  const contentType = sniffAssetType(bytes)
  if (!contentType) return sendJson(res, HTTP_UNSUPPORTED_TYPE, { error: 'only pictures (JPEG, PNG, GIF, WebP, AVIF, SVG) and videos (MP4, WebM, QuickTime) can be added' })
  const hash = createHash('sha256').update(bytes).digest('hex')
  const answer = { id: assetId, contentType, size: bytes.byteLength }
  const taken = () => sendJson(res, HTTP_CONFLICT, { error: 'this id holds another file on this board' })
  // A retry of an upload that was stored already is answered without counting it against the quota.
  const existing = await ctx.store.assetInfo(boardId, assetId)
  if (existing) return existing.hash === hash ? sendJson(res, 200, answer) : taken()
  if ((await ctx.store.assetBytes(boardId)) + bytes.byteLength > ctx.maxBoardAssetBytes) {
    return sendJson(res, HTTP_QUOTA_FULL, { error: `this board's files may take at most ${ctx.maxBoardAssetBytes} bytes together` })
  }
  const result = await ctx.store.saveAsset(boardId, assetId, { contentType, size: bytes.byteLength, hash, bytes })
  if (result === 'deleted') return sendJson(res, HTTP_GONE, { error: 'this board was deleted' })
  if (result === 'taken') return taken()
  ctx.cache.put(hash, bytes) // everyone on the board asks for it in a moment
  return sendJson(res, result === 'saved' ? 201 : 200, answer)
}
