import { randomBytes } from 'node:crypto'
import { request, type OutgoingHttpHeaders } from 'node:http'
import { describe, expect, it, vi } from 'vitest'
import { assetPath, ASSET_ID_BYTES } from '../../protocol/assets'
import { newBoardId, toBase64Url } from '../../protocol/boardId'
import { tokenHeader, type CreatedBoard } from '../../protocol/roles'
import { createSamenbordServer } from '../../server/app'
import { readConfig } from '../../server/config'
import { ASSET_CONTENT_SECURITY_POLICY } from '../../server/http/assetResponse'
import { MAX_PARALLEL_UPLOADS, MAX_PARALLEL_UPLOADS_PER_ADDRESS } from '../../server/http/uploadBody'
import { createBoard, tempDataDir } from '../../bench/lib/harness/server'
import { startRedis } from '../../bench/lib/harness/redis'
import { useTeardown } from '../support/lifecycle'
import { redisContents, redisKeysWith } from '../support/storeContents'

const { server, defer } = useTeardown()

const KIB = 1024
const newAssetId = () => toBase64Url(randomBytes(ASSET_ID_BYTES))
/** Distinct bytes after a header, so that no two tests' files are the same blob. */
const tail = (n = 32) => randomBytes(n)
const bytesOf = (...parts: Array<number[] | string | Buffer>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p))))

/** Tiny files with the right magic numbers, and what the server must call them. */
const FILES = {
  'image/jpeg': () => bytesOf([0xff, 0xd8, 0xff, 0xe0], tail()),
  'image/png': () => bytesOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], tail()),
  'image/gif': () => bytesOf('GIF89a', tail()),
  'image/webp': () => bytesOf('RIFF', [0x20, 0, 0, 0], 'WEBPVP8 ', tail()),
  'image/svg+xml': () => bytesOf(`<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script><!-- ${tail().toString('hex')} --></svg>`),
  'video/mp4': () => bytesOf([0, 0, 0, 0x18], 'ftypisom', [0, 0, 2, 0], 'isomiso2', tail()),
}
const png = FILES['image/png']

async function setup(env: Record<string, string> = {}) {
  const s = await server(env)
  const base = `http://127.0.0.1:${s.port}`
  const board = await createBoard(s.port)
  const put = (boardId: string, id: string, body: Uint8Array, token: string | null = board.tokens.participant, headers: Record<string, string> = {}) =>
    fetch(base + assetPath(boardId, id), { method: 'PUT', body: new Uint8Array(body), headers: { ...(token ? tokenHeader(token) : {}), ...headers } })
  const get = (boardId: string, id: string, headers: Record<string, string> = {}, method = 'GET') => fetch(base + assetPath(boardId, id), { headers, method })
  const copy = async (of: CreatedBoard) => {
    const res = await fetch(`${base}/api/boards?copyFrom=${of.boardId}`, { method: 'POST', headers: tokenHeader(of.tokens.facilitator) })
    expect(res.status).toBe(201)
    return (await res.json()) as CreatedBoard
  }
  const remove = (of: CreatedBoard) => fetch(`${base}/api/boards/${of.boardId}`, { method: 'DELETE', headers: tokenHeader(of.tokens.facilitator) })
  return { ...s, base, board, put, get, copy, remove }
}

interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A PUT through node:http, which (unlike fetch) can send a body chunked, slowly, or longer than
 * the server wants. Resolves with the answer as soon as it has come, whatever is left to send;
 * `hold` keeps the body open after its chunks until `release` is called.
 */
function rawPut(port: number, path: string, headers: OutgoingHttpHeaders, chunks: Buffer[], { hold = false } = {}) {
  let release!: (last?: Buffer) => void
  let abort!: () => void
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    let answered = false
    const req = request({ host: '127.0.0.1', port, path, method: 'PUT', headers }, (res) => {
      answered = true
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    let next = 0
    const pump = () => {
      while (next < chunks.length && !answered) {
        if (!req.write(chunks[next++])) return void req.once('drain', pump)
      }
      if (!hold && !answered) req.end()
    }
    release = (last) => {
      if (last) req.write(last)
      req.end()
    }
    abort = () => req.destroy()
    pump()
    defer(() => req.destroy())
  })
  answer.catch(() => undefined) // an aborted upload has no answer
  return { answer, release: (last?: Buffer) => release(last), abort: () => abort() }
}

describe('board assets: uploading and serving', () => {
  it('stores each kind of picture and video and serves the same bytes, with the sniffed type and the safe headers', async () => {
    const { board, put, get } = await setup()
    for (const [type, make] of Object.entries(FILES)) {
      const id = newAssetId()
      const bytes = make()
      const res = await put(board.boardId, id, bytes, board.tokens.participant, { 'Content-Type': 'application/octet-stream' })
      expect(res.status, type).toBe(201)
      expect(await res.json()).toEqual({ id, contentType: type, size: bytes.length })

      const served = await get(board.boardId, id)
      expect(served.status).toBe(200)
      expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true)
      const h = served.headers
      expect(h.get('content-type')).toBe(type)
      expect(h.get('content-length')).toBe(String(bytes.length))
      expect(h.get('x-content-type-options')).toBe('nosniff')
      expect(h.get('cache-control')).toBe('private, max-age=31536000, immutable')
      expect(h.get('etag')).toMatch(/^"[0-9a-f]{64}"$/)
      expect(h.get('content-security-policy')).toBe(ASSET_CONTENT_SECURITY_POLICY)
      expect(h.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/)
      expect(h.get('cross-origin-resource-policy')).toBe('same-origin')
      expect(h.get('content-disposition')).toBe('inline')
      expect(h.get('accept-ranges')).toBe('bytes')
      const head = await get(board.boardId, id, {}, 'HEAD')
      expect(head.status).toBe(200)
      expect(head.headers.get('content-length')).toBe(String(bytes.length))
    }
  })

  it('decides the type from the bytes only: HTML, ZIP, HEIC and a "photo.jpg" that is HTML are refused (415), an empty body too (400)', async () => {
    const { board, put } = await setup()
    const html = bytesOf('<!DOCTYPE html><html><script>fetch("/api")</script></html>')
    expect((await put(board.boardId, newAssetId(), html)).status).toBe(415)
    expect((await put(board.boardId, newAssetId(), bytesOf('PK', [3, 4, 20, 0], tail()))).status).toBe(415)
    // An iPhone's HEIC photo shares MP4's box format; it is not a video, and most browsers cannot show it.
    expect((await put(board.boardId, newAssetId(), bytesOf([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0], 'mif1heic', tail()))).status).toBe(415)
    const disguised = await put(board.boardId, newAssetId(), html, board.tokens.participant, {
      'Content-Type': 'image/jpeg',
      'Content-Disposition': 'attachment; filename="photo.jpg"',
    })
    expect(disguised.status).toBe(415)
    expect(await disguised.json()).toEqual({ error: expect.any(String) })
    expect((await put(board.boardId, newAssetId(), new Uint8Array(0))).status).toBe(400)
  })

  it('refuses a file over MAX_ASSET_BYTES (413), with an honest Content-Length and when sent chunked', async () => {
    const { board, port, put, get } = await setup({ MAX_ASSET_BYTES: String(64 * KIB) })
    const path = assetPath(board.boardId, newAssetId())
    const big = bytesOf([0xff, 0xd8, 0xff, 0xe0], randomBytes(64 * KIB))
    const honest = rawPut(port, path, { ...tokenHeader(board.tokens.participant), 'Content-Length': big.length }, [big])
    expect((await honest.answer).status).toBe(413)
    // Chunked: no length is declared, the server counts what comes and stops at the limit.
    const chunk = randomBytes(16 * KIB)
    const chunked = rawPut(port, path, { ...tokenHeader(board.tokens.participant), 'Transfer-Encoding': 'chunked' }, [bytesOf([0xff, 0xd8, 0xff]), ...Array(64).fill(chunk)])
    const answer = await chunked.answer
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining(String(64 * KIB)) })
    // Exactly at the limit is fine.
    const fits = bytesOf([0xff, 0xd8, 0xff, 0xe0], randomBytes(64 * KIB - 4))
    const id = newAssetId()
    expect((await put(board.boardId, id, fits)).status).toBe(201)
    expect((await get(board.boardId, id)).status).toBe(200)
  })

  it('keeps a board under MAX_BOARD_ASSET_BYTES (507); a retry of a stored file still succeeds', async () => {
    const { board, put } = await setup({ MAX_BOARD_ASSET_BYTES: String(2 * KIB) })
    const first = bytesOf([0xff, 0xd8, 0xff, 0xe0], randomBytes(1200))
    const id = newAssetId()
    expect((await put(board.boardId, id, first)).status).toBe(201)
    expect((await put(board.boardId, newAssetId(), bytesOf([0xff, 0xd8, 0xff, 0xe0], randomBytes(1200)))).status).toBe(507)
    expect((await put(board.boardId, id, first)).status).toBe(200)
  })

  it('takes uploads only from a writing link of the board itself, and only from our own pages', async () => {
    const { board, port, put } = await setup()
    const other = await createBoard(port)
    expect((await put(board.boardId, newAssetId(), png(), board.tokens.viewer)).status).toBe(403)
    expect((await put(board.boardId, newAssetId(), png(), 'x'.repeat(22))).status).toBe(403)
    expect((await put(board.boardId, newAssetId(), png(), null)).status).toBe(403)
    expect((await put(board.boardId, newAssetId(), png(), other.tokens.facilitator)).status).toBe(403)
    expect((await put(board.boardId, newAssetId(), png(), board.tokens.facilitator)).status).toBe(201)
    const crossSite = { 'Sec-Fetch-Site': 'cross-site' }
    expect((await put(board.boardId, newAssetId(), png(), board.tokens.participant, crossSite)).status).toBe(403)
    const foreign = { Origin: 'https://elders.example' }
    expect((await put(board.boardId, newAssetId(), png(), board.tokens.participant, foreign)).status).toBe(403)
    expect((await put(newBoardId(), newAssetId(), png())).status).toBe(404)
    expect((await put('not-a-board', newAssetId(), png())).status).toBe(404)
    expect((await put(board.boardId, 'not-an-asset-id', png())).status).toBe(400)
    // The token may also come as ?t= (stock tools).
    const res = await fetch(`http://127.0.0.1:${port}${assetPath(board.boardId, newAssetId())}?t=${board.tokens.participant}`, { method: 'PUT', body: new Uint8Array(png()) })
    expect(res.status).toBe(201)
  })

  it('serves an asset only under its own board; unknown boards and assets are 404', async () => {
    const { board, port, put, get } = await setup()
    const other = await createBoard(port)
    const id = newAssetId()
    expect((await put(board.boardId, id, png())).status).toBe(201)
    expect((await get(other.boardId, id)).status).toBe(404)
    expect((await get(newBoardId(), id)).status).toBe(404)
    expect((await get(board.boardId, newAssetId())).status).toBe(404)
    expect((await get(board.boardId, 'nope')).status).toBe(404)
  })

  it('answers a retry with the same bytes 200 and refuses other bytes under a taken id (409)', async () => {
    const { board, put, get } = await setup()
    const id = newAssetId()
    const bytes = png()
    expect((await put(board.boardId, id, bytes)).status).toBe(201)
    const again = await put(board.boardId, id, bytes)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ id, contentType: 'image/png', size: bytes.length })
    expect((await put(board.boardId, id, png())).status).toBe(409)
    expect(Buffer.from(await (await get(board.boardId, id)).arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('a copy serves the same asset ids under its own id; deleting the original leaves the copy\'s pictures and removes the rest (410)', async () => {
    const s = await setup()
    const { board, put, get } = s
    const [shared, own, later] = [newAssetId(), newAssetId(), newAssetId()]
    const sharedBytes = png()
    const ownBytes = FILES['image/gif']()
    expect((await put(board.boardId, shared, sharedBytes)).status).toBe(201)
    const copy = await s.copy(board)
    expect((await put(board.boardId, own, ownBytes)).status).toBe(201) // after the copy: the original's only
    expect((await put(copy.boardId, later, FILES['image/jpeg'](), copy.tokens.participant)).status).toBe(201)
    const served = await get(copy.boardId, shared)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(sharedBytes)).toBe(true)
    expect((await get(copy.boardId, own)).status).toBe(404)

    const store = s.server.store
    const before = await store.storedAssetBytes()
    expect((await s.remove(board)).status).toBe(204)
    for (const id of [shared, own]) expect((await get(board.boardId, id)).status).toBe(410)
    expect((await put(board.boardId, newAssetId(), png(), board.tokens.participant)).status).toBe(410)
    expect(await store.storedAssetBytes()).toBe(before - ownBytes.length)
    expect(await store.loadAsset(copy.boardId, shared)).not.toBeNull()
    expect(Buffer.from(await (await get(copy.boardId, shared)).arrayBuffer()).equals(sharedBytes)).toBe(true)
  })

  it('serves an SVG sandboxed and never sniffed, so a script in it cannot run as our page', async () => {
    const { board, put, get } = await setup()
    const id = newAssetId()
    expect((await put(board.boardId, id, FILES['image/svg+xml']())).status).toBe(201)
    const res = await get(board.boardId, id)
    expect(res.headers.get('content-type')).toBe('image/svg+xml')
    expect(res.headers.get('content-security-policy')!.split('; ')).toEqual(expect.arrayContaining(['sandbox', "default-src 'none'"]))
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('answers one byte range with 206 and anything else with the whole file; If-None-Match with 304', async () => {
    const { board, put, get } = await setup()
    const id = newAssetId()
    const video = FILES['video/mp4']()
    await put(board.boardId, id, video)
    const part = await get(board.boardId, id, { Range: 'bytes=4-11' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 4-11/${video.length}`)
    expect(part.headers.get('content-length')).toBe('8')
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1')).toBe('ftypisom')
    const rest = await get(board.boardId, id, { Range: `bytes=${video.length - 4}-` })
    expect(rest.status).toBe(206)
    expect(Buffer.from(await rest.arrayBuffer()).equals(video.subarray(-4))).toBe(true)
    const lastBytes = await get(board.boardId, id, { Range: 'bytes=-2' })
    expect(Buffer.from(await lastBytes.arrayBuffer()).equals(video.subarray(-2))).toBe(true)
    for (const range of ['bytes=0-1,4-5', 'items=0-1', `bytes=${video.length}-`, 'bytes=9-3']) {
      const whole = await get(board.boardId, id, { Range: range })
      expect(whole.status, range).toBe(200)
      expect(Number(whole.headers.get('content-length'))).toBe(video.length)
      await whole.arrayBuffer()
    }
    const etag = (await get(board.boardId, id)).headers.get('etag')!
    const cached = await get(board.boardId, id, { 'If-None-Match': etag })
    expect(cached.status).toBe(304)
    expect(cached.headers.get('etag')).toBe(etag)
    expect((await get(board.boardId, id, { 'If-None-Match': '"other"' })).status).toBe(200)
  })
})

describe('board assets on Redis', () => {
  it('stores, serves, copies and deletes as with SQLite', async () => {
    const redis = await startRedis()
    defer(() => redis.child.kill('SIGKILL'))
    const s = await setup({ REDIS_URL: redis.url })
    const { board, put, get } = s
    const [shared, own] = [newAssetId(), newAssetId()]
    const sharedBytes = FILES['video/mp4']()
    expect((await put(board.boardId, shared, sharedBytes)).status).toBe(201)
    expect((await put(board.boardId, shared, sharedBytes)).status).toBe(200)
    expect((await put(board.boardId, shared, png())).status).toBe(409)
    const copy = await s.copy(board)
    const ownBytes = png()
    expect((await put(board.boardId, own, ownBytes)).status).toBe(201)
    const part = await get(copy.boardId, shared, { Range: 'bytes=4-11' })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1')).toBe('ftypisom')
    const before = await s.server.store.storedAssetBytes()
    expect((await s.remove(board)).status).toBe(204)
    expect((await get(board.boardId, shared)).status).toBe(410)
    expect(await s.server.store.storedAssetBytes()).toBe(before - ownBytes.length)
    expect(Buffer.from(await (await get(copy.boardId, shared)).arrayBuffer()).equals(sharedBytes)).toBe(true)
    expect(await redisKeysWith(redis.url, board.boardId)).toEqual([])
    expect(await redisContents(redis.url)).not.toContain(board.boardId)
  })
})

describe('board assets: memory', () => {
  it('thirty participants asking for the same video at once make one read of the store', async () => {
    const first = await setup()
    const id = newAssetId()
    const video = bytesOf([0, 0, 0, 0x18], 'ftypisom', randomBytes(512 * KIB))
    expect((await first.put(first.board.boardId, id, video)).status).toBe(201)
    await first.server.close()
    // A server started afresh on the same data: nothing of the video in its memory.
    const { server: again, port } = await server({ DATA_DIR: first.dataDir })
    const store = again.store
    const load = store.loadAsset.bind(store)
    let reads = 0
    store.loadAsset = (boardId: string, assetId: string) => {
      reads++
      return load(boardId, assetId)
    }
    const url = `http://127.0.0.1:${port}${assetPath(first.board.boardId, id)}`
    const answers = await Promise.all(Array.from({ length: 30 }, async () => Buffer.from(await (await fetch(url)).arrayBuffer())))
    expect(answers.every((a) => a.equals(video))).toBe(true)
    expect(reads).toBe(1)
  })
})

describe('board assets: what an attacker cannot do', () => {
  it(`reads at most ${MAX_PARALLEL_UPLOADS_PER_ADDRESS} bodies per address and ${MAX_PARALLEL_UPLOADS} in all at once (429 with Retry-After)`, async () => {
    const { board, port, put } = await setup({ TRUST_PROXY: '1' })
    const open = (address: string) =>
      rawPut(port, assetPath(board.boardId, newAssetId()), { ...tokenHeader(board.tokens.participant), 'X-Forwarded-For': address, 'Transfer-Encoding': 'chunked' }, [bytesOf([0x89, 0x50, 0x4e, 0x47])], { hold: true })
    const tryOne = (address: string) => put(board.boardId, newAssetId(), png(), board.tokens.participant, { 'X-Forwarded-For': address })
    const first = Array.from({ length: MAX_PARALLEL_UPLOADS_PER_ADDRESS }, () => open('10.0.0.1'))
    await vi.waitFor(async () => {
      const res = await tryOne('10.0.0.1')
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    })
    expect((await tryOne('10.0.0.2')).status).toBe(201) // another address still may
    const second = Array.from({ length: MAX_PARALLEL_UPLOADS - MAX_PARALLEL_UPLOADS_PER_ADDRESS }, (_, i) => open(`10.0.1.${i}`))
    await vi.waitFor(async () => expect((await tryOne('10.0.0.3')).status).toBe(429))
    // Once the bodies have arrived, the slots are free again.
    for (const upload of [...first, ...second]) upload.release(bytesOf([0x0d, 0x0a, 0x1a, 0x0a], tail()))
    for (const upload of [...first, ...second]) expect((await upload.answer).status).toBe(201)
    expect((await tryOne('10.0.0.3')).status).toBe(201)
  })

  it('frees the slots of uploads whose clients went away', async () => {
    const { board, port, put } = await setup()
    const hanging = Array.from({ length: MAX_PARALLEL_UPLOADS_PER_ADDRESS }, () =>
      rawPut(port, assetPath(board.boardId, newAssetId()), { ...tokenHeader(board.tokens.participant), 'Transfer-Encoding': 'chunked' }, [bytesOf([0x89, 0x50])], { hold: true }),
    )
    await vi.waitFor(async () => expect((await put(board.boardId, newAssetId(), png())).status).toBe(429))
    for (const upload of hanging) upload.abort()
    await vi.waitFor(async () => expect((await put(board.boardId, newAssetId(), png())).status).toBe(201))
  })

  it('cuts an upload whose body does not arrive in time (408)', async () => {
    const server = createSamenbordServer(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDataDir() }), undefined, { uploadTimeoutMs: 300 })
    const port = await server.listen()
    defer(() => server.close())
    const board = await createBoard(port)
    const slow = rawPut(port, assetPath(board.boardId, newAssetId()), { ...tokenHeader(board.tokens.participant), 'Content-Length': 1000 }, [bytesOf([0x89, 0x50, 0x4e, 0x47])], { hold: true })
    expect((await slow.answer).status).toBe(408)
  })

  it('charges the bytes an address uploads against MAX_UPLOAD_BYTES_PER_IP_PER_HOUR (429), declared or chunked', async () => {
    const { board, port, put } = await setup({ MAX_UPLOAD_BYTES_PER_IP_PER_HOUR: String(8 * KIB) })
    const photo = () => bytesOf([0xff, 0xd8, 0xff, 0xe0], randomBytes(3 * KIB))
    expect((await put(board.boardId, newAssetId(), photo())).status).toBe(201)
    expect((await put(board.boardId, newAssetId(), photo())).status).toBe(201)
    const refused = await put(board.boardId, newAssetId(), photo())
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBeTruthy()
    const chunked = rawPut(port, assetPath(board.boardId, newAssetId()), { ...tokenHeader(board.tokens.participant), 'Transfer-Encoding': 'chunked' }, Array(8).fill(randomBytes(KIB)))
    expect((await chunked.answer).status).toBe(429)
  })
})
