import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AssetInfo } from '../store/boardStore'

/**
 * The policy a stored file is served with, instead of the page's (securityHeaders.ts). `sandbox`
 * gives a file opened on its own (an SVG in a tab of its own) an opaque origin in which no script
 * runs, so an uploaded SVG with a script in it can read nothing of ours; `default-src 'none'`
 * lets it fetch nothing (no tracking pixel); inline styles and data: images are what drawn SVGs use.
 */
export const ASSET_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
/**
 * A stored file never changes under its id, so a browser keeps it for a year. `private`: a
 * school's proxy or any shared cache must not keep pupils' photos, which would outlive the
 * board's deletion there.
 */
export const ASSET_CACHE_CONTROL = 'private, max-age=31536000, immutable'

/** The headers of every answer with a stored file (also a 304 and a HEAD). */
function setAssetHeaders(res: ServerResponse, info: AssetInfo): void {
  res.setHeader('Content-Security-Policy', ASSET_CONTENT_SECURITY_POLICY)
  res.setHeader('X-Content-Type-Options', 'nosniff') // the sniffed type holds, not the browser's guess
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin') // other sites cannot embed the pictures
  res.setHeader('Cache-Control', ASSET_CACHE_CONTROL)
  res.setHeader('ETag', etagOf(info))
  res.setHeader('Accept-Ranges', 'bytes')
}

const etagOf = (info: AssetInfo) => `"${info.hash}"`

/** Whether the browser's copy is this one (If-None-Match: a list of tags, or `*`). */
export function notModified(req: IncomingMessage, info: AssetInfo): boolean {
  const header = req.headers['if-none-match']
  if (!header) return false
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '')
    return t === '*' || t === etagOf(info)
  })
}

/** Answers 304 when the browser has the file; returns whether it did. */
export function answerNotModified(req: IncomingMessage, res: ServerResponse, info: AssetInfo): boolean {
  if (!notModified(req, info)) return false
  setAssetHeaders(res, info)
  res.writeHead(304).end()
  return true
}

/**
 * One range of `Range: bytes=a-b` (also `a-` and the last `-n` bytes), inclusive, or null for
 * anything else (several ranges, other units, a range outside the file): then the whole file is
 * sent, which a Range header always allows.
 */
export function singleRange(header: string | undefined, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '')
  if (!match || (match[1] === '' && match[2] === '') || size === 0) return null
  if (match[1] === '') {
    const suffix = Number(match[2])
    return suffix > 0 ? { start: Math.max(0, size - suffix), end: size - 1 } : null
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  return start <= end ? { start, end } : null
}

/**
 * The file, whole (200) or one range of it (206: browsers seek in videos with ranges). Its type
 * is the one sniffed when it was stored; `inline`, since it is shown, not downloaded.
 */
export function sendAsset(req: IncomingMessage, res: ServerResponse, info: AssetInfo, bytes: Uint8Array): void {
  setAssetHeaders(res, info)
  res.setHeader('Content-Type', info.contentType)
  res.setHeader('Content-Disposition', 'inline')
  const range = singleRange(req.headers.range, bytes.byteLength)
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes
  if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${bytes.byteLength}`)
  res.setHeader('Content-Length', String(body.byteLength))
  res.writeHead(range ? 206 : 200)
  if (req.method === 'HEAD') res.end()
  else res.end(body)
}
