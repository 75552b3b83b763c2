import type { IncomingMessage, ServerResponse } from 'node:http'
import { HTTP_TOO_LARGE } from '../../protocol/assets'
import { HTTP_TOO_MANY_REQUESTS } from '../../protocol/api'

/**
 * Upload bodies read at once by the whole server. Each may hold up to MAX_ASSET_BYTES in memory
 * until it is stored, so this bounds that memory (8 × 20 MiB), and a crowd of slow uploads cannot
 * take more than this many sockets' worth of work.
 */
export const MAX_PARALLEL_UPLOADS = 8
/** Upload bodies read at once from one client address: one address cannot take every slot. */
export const MAX_PARALLEL_UPLOADS_PER_ADDRESS = 4
/**
 * Longest an upload body may take to arrive, in milliseconds: 20 MiB in 120 s is ~1.4 Mbit/s, a
 * slow school line; a body that trickles slower holds a slot for nothing (slow loris) and is cut.
 */
export const UPLOAD_TIMEOUT_MS = 120_000
/**
 * How long the rest of a refused body is read and thrown away before the socket is cut, in
 * milliseconds: a client still sending when the answer comes would otherwise get a reset instead
 * of the answer (TCP drops unread data on a reset), and never learn why.
 */
export const DISCARD_GRACE_MS = 1_000
/** HTTP status of a body that did not arrive within UPLOAD_TIMEOUT_MS. */
export const HTTP_REQUEST_TIMEOUT = 408

/** Counts the upload bodies being read, in all and per client address. */
export class UploadSlots {
  private total = 0
  private readonly perAddress = new Map<string, number>()

  constructor(
    private readonly max = MAX_PARALLEL_UPLOADS,
    private readonly maxPerAddress = MAX_PARALLEL_UPLOADS_PER_ADDRESS,
  ) {}

  /** A slot for one upload from `address`, released by calling the returned function (once); null when none is free. */
  acquire(address: string): (() => void) | null {
    const mine = this.perAddress.get(address) ?? 0
    if (this.total >= this.max || mine >= this.maxPerAddress) return null
    this.total++
    this.perAddress.set(address, mine + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      this.total--
      const left = (this.perAddress.get(address) ?? 1) - 1
      if (left > 0) this.perAddress.set(address, left)
      else this.perAddress.delete(address)
    }
  }
}

export type UploadBody =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; status: number; error: string }

export interface UploadBodyLimits {
  maxBytes: number
  timeoutMs: number
  /** Called for every chunk with its size; false stops the upload (the address's byte budget is used up). */
  charge: (bytes: number) => boolean
}

/**
 * Reads a request body while counting its bytes: stopped at `maxBytes` (a chunked body, which
 * declares no length, gets no further than an honest one), at `timeoutMs`, or when `charge`
 * refuses. Never holds more than `maxBytes` in memory.
 */
export function readUploadBody(req: IncomingMessage, { maxBytes, timeoutMs, charge }: UploadBodyLimits): Promise<UploadBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (result: UploadBody) => {
      if (done) return
      done = true
      clearTimeout(timer)
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort)
      resolve(result)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) return finish({ ok: false, status: HTTP_TOO_LARGE, error: `a file may have at most ${maxBytes} bytes` })
      if (!charge(chunk.length)) return finish({ ok: false, status: HTTP_TOO_MANY_REQUESTS, error: 'too many bytes uploaded from this address; try again later' })
      chunks.push(chunk)
    }
    const onEnd = () => finish({ ok: true, bytes: new Uint8Array(Buffer.concat(chunks, size)) })
    // The client went away mid-body: nobody reads the answer, but the slot must be freed.
    const onAbort = () => finish({ ok: false, status: 400, error: 'the upload was cut off' })
    const timer = setTimeout(
      () => finish({ ok: false, status: HTTP_REQUEST_TIMEOUT, error: `the file did not arrive within ${Math.round(timeoutMs / 1000)} s` }),
      timeoutMs,
    )
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort)
    // Gone while its token was checked: its 'close' has been and will not come again.
    if (req.destroyed) onAbort()
  })
}

/**
 * For an answer given before the body was read to its end: the connection is not reused (its
 * rest is no request), what still comes is thrown away for DISCARD_GRACE_MS so the client reads
 * the answer, and then the socket is cut, so a client that keeps sending costs nothing more.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close')
  req.resume()
  res.once('finish', () => setTimeout(() => req.socket.destroy(), DISCARD_GRACE_MS).unref())
}
