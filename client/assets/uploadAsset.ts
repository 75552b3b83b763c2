import { assetPath, HTTP_QUOTA_FULL, HTTP_TOO_LARGE, HTTP_UNSUPPORTED_TYPE } from '../../protocol/assets'
import { tokenHeader } from '../../protocol/roles'

/** Why the server will never take a file: the page says so and stops trying. */
export type RefusedBecause = 'forbidden' | 'tooLarge' | 'unsupported' | 'boardFull' | 'deleted' | 'refused'

export type UploadOutcome =
  | { kind: 'stored' }
  /** Offline, the server away or busy: the file stays queued and is sent again later. */
  | { kind: 'later'; retryAfterMs: number | null }
  | { kind: 'refused'; because: RefusedBecause }

const REFUSALS: Record<number, RefusedBecause> = {
  401: 'forbidden',
  403: 'forbidden',
  404: 'deleted',
  410: 'deleted',
  [HTTP_TOO_LARGE]: 'tooLarge',
  [HTTP_UNSUPPORTED_TYPE]: 'unsupported',
  [HTTP_QUOTA_FULL]: 'boardFull',
}

/**
 * Sends one file to the board (`PUT /api/boards/<id>/assets/<assetId>`, docs/protocol.md) with
 * the link's token as a bearer token, never in the URL (proxies log URLs). Only a 4xx answer
 * other than 408 and 429 means "never": every other failure is worth trying again.
 */
/**
 * Longest one upload may take, in ms: beyond the server's own deadline (UPLOAD_TIMEOUT_MS,
 * 120 s), so a stalled connection gives up and is tried again instead of waiting for ever.
 */
export const UPLOAD_TIMEOUT_MS = 180_000

export async function uploadAsset(boardId: string, assetId: string, blob: Blob, token: string | null, signal?: AbortSignal): Promise<UploadOutcome> {
  let response: Response
  try {
    response = await fetch(assetPath(boardId, assetId), {
      method: 'PUT',
      body: blob,
      headers: { 'Content-Type': blob.type || 'application/octet-stream', ...(token ? tokenHeader(token) : {}) },
      signal: withTimeout(signal),
    })
  } catch {
    return { kind: 'later', retryAfterMs: null }
  }
  if (response.ok) return { kind: 'stored' }
  const status = response.status
  if (status === 408 || status === 429 || status >= 500 && status !== HTTP_QUOTA_FULL) {
    const seconds = Number(response.headers.get('Retry-After'))
    return { kind: 'later', retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null }
  }
  return { kind: 'refused', because: REFUSALS[status] ?? 'refused' }
}

/** The caller's signal plus UPLOAD_TIMEOUT_MS, where the browser can combine them (AbortSignal.any: Safari 17.4+, Chrome 116+); an older iPad keeps the caller's signal only. */
function withTimeout(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (typeof AbortSignal.timeout !== 'function') return signal
  const timeout = AbortSignal.timeout(UPLOAD_TIMEOUT_MS)
  if (!signal) return timeout
  return typeof AbortSignal.any === 'function' ? AbortSignal.any([signal, timeout]) : signal
}
