import { describe, expect, it, vi } from 'vitest'
import { newBoardId } from '../../protocol/boardId'
import { CloseCode } from '../../protocol/closeCodes'
import { useTeardown } from '../support/lifecycle'
import { createBoard, roomUrl, whenSynced } from '../../bench/lib/harness/server'

const { server, client, raw } = useTeardown()
/** A sync step 1 with an empty state vector: harmless, answered by the server. */
const SYNC_STEP_1 = new Uint8Array([0, 0, 1, 0])

describe('relay limits', () => {
  it('closes a connection that floods messages (4430) and keeps serving the others', async () => {
    const { url, port } = await server({ MAX_MESSAGES_PER_SECOND: '20' })
    const board = await createBoard(port)
    const honest = client(url, board)
    await whenSynced(honest.provider)
    const flood = raw(roomUrl(url, board))
    await flood.admitted
    for (let i = 0; i < 200; i++) flood.ws.send(SYNC_STEP_1)
    expect((await flood.closed).code).toBe(CloseCode.RateLimited)
    const other = client(url, board)
    await whenSynced(other.provider)
    honest.doc.getMap('m').set('ok', 1)
    await vi.waitFor(() => expect(other.doc.getMap('m').get('ok')).toBe(1))
  })

  it('holds back a client over its bytes per second instead of closing it: a backlog of 3 × the budget arrives whole', async () => {
    const budget = 64 * 1024
    const { url, port } = await server({ MAX_BYTES_PER_SECOND: String(budget), MAX_MESSAGE_BYTES: String(budget) })
    const board = await createBoard(port)
    const sender = client(url, board)
    const watcher = client(url, board)
    await Promise.all([whenSynced(sender.provider), whenSynced(watcher.provider)])
    const closes: number[] = []
    sender.provider.on('connection-close', (event: { code: number } | null) => closes.push(event?.code ?? 0))
    // A page back online with its edits: several messages of nearly the largest size, back to back.
    const pieces = 6
    const piece = 'x'.repeat(budget / 2 - 1024)
    const start = performance.now()
    for (let i = 0; i < pieces; i++) sender.doc.getMap('m').set(`piece${i}`, `${i}${piece}`)
    await vi.waitFor(() => expect(watcher.doc.getMap('m').size).toBe(pieces), { timeout: 15_000 })
    // Beyond its burst (one budget), the rest came at the budget's pace, no faster.
    const paced = ((pieces * piece.length - budget) / budget) * 1000
    expect(performance.now() - start).toBeGreaterThan(paced * 0.8)
    expect(closes).toEqual([])
    expect(sender.provider.wsconnected).toBe(true)
    for (let i = 0; i < pieces; i++) expect(watcher.doc.getMap('m').get(`piece${i}`)).toBe(`${i}${piece}`)
    const reader = client(url, board) // and it is stored: a newcomer gets it from the server
    await whenSynced(reader.provider)
    expect(reader.doc.getMap('m').size).toBe(pieces)
  })

  it('refuses connections past the cap per board with "try again later" (1013)', async () => {
    const { url, port } = await server({ MAX_CONNECTIONS_PER_BOARD: '2' })
    const board = await createBoard(port)
    const a = raw(roomUrl(url, board))
    const b = raw(roomUrl(url, board))
    await Promise.all([a.admitted, b.admitted])
    const c = raw(roomUrl(url, board))
    expect((await c.closed).code).toBe(CloseCode.TryAgainLater)
    // Another board is not affected, and a freed place can be taken again.
    const elsewhere = raw(roomUrl(url, await createBoard(port)))
    await elsewhere.admitted
    a.ws.close()
    await a.closed
    await vi.waitFor(async () => {
      const d = raw(roomUrl(url, board))
      const result = await Promise.race([d.closed, d.admitted.then(() => 'admitted')])
      d.ws.close()
      expect(result).toBe('admitted')
    })
  })

  it('refuses connections past the cap per address with "try again later" (1013)', async () => {
    const { url, port } = await server({ MAX_CONNECTIONS_PER_IP: '1' })
    const [one, two] = [await createBoard(port), await createBoard(port)]
    const a = raw(roomUrl(url, one))
    await a.admitted
    const b = raw(roomUrl(url, two))
    expect((await b.closed).code).toBe(CloseCode.TryAgainLater)
  })

  it('refuses a write that would pass the board size limit (4414) and keeps the stored board', async () => {
    const { url, port } = await server({ MAX_BOARD_BYTES: '20000' })
    const board = await createBoard(port)
    const writer = client(url, board)
    await whenSynced(writer.provider)
    writer.doc.getMap('m').set('small', 'kept')
    const closed = new Promise<number>((resolve) => writer.provider.on('closed', (e: { code: number }) => resolve(e.code)))
    writer.doc.getMap('m').set('big', 'x'.repeat(30_000))
    expect(await closed).toBe(CloseCode.BoardTooBig)
    writer.provider.destroy()
    const reader = client(url, board)
    await whenSynced(reader.provider)
    expect(reader.doc.getMap('m').get('small')).toBe('kept')
    expect(reader.doc.getMap('m').has('big')).toBe(false)
  })

  it('sends security headers on every page', async () => {
    const { port } = await server({ STATIC_DIR: 'dist' })
    for (const path of ['/', '/healthz', '/b/' + newBoardId(), '/nope.js']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`)
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    }
  })

  it('serves no file outside the client folder', async () => {
    const { port } = await server({ STATIC_DIR: 'dist' })
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`)
      const body = await res.text()
      expect(body).not.toContain('"name": "samenbord"')
    }
  })
})
