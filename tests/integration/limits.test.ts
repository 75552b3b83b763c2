import { afterEach, describe, expect, it, vi } from 'vitest'
import { newBoardId } from '../../protocol/boardId'
import { CloseCode } from '../../protocol/closeCodes'
import { connectClient, rawSocket, startServer, whenSynced } from '../support/server'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
async function server(env: Record<string, string>) {
  const s = await startServer(env)
  cleanups.push(() => s.server.close())
  return s
}
function client(url: string, board: string) {
  const c = connectClient(url, board)
  cleanups.push(() => c.provider.destroy())
  return c
}
/** A sync step 1 with an empty state vector: harmless, answered by the server. */
const SYNC_STEP_1 = new Uint8Array([0, 0, 1, 0])

describe('relay limits', () => {
  it('closes a connection that floods messages (4430) and keeps serving the others', async () => {
    const { url } = await server({ MAX_MESSAGES_PER_SECOND: '20' })
    const board = newBoardId()
    const honest = client(url, board)
    await whenSynced(honest.provider)
    const flood = rawSocket(`${url}/${board}`)
    await flood.opened
    for (let i = 0; i < 200; i++) flood.ws.send(SYNC_STEP_1)
    expect((await flood.closed).code).toBe(CloseCode.RateLimited)
    const other = client(url, board)
    await whenSynced(other.provider)
    honest.doc.getMap('m').set('ok', 1)
    await vi.waitFor(() => expect(other.doc.getMap('m').get('ok')).toBe(1))
  })

  it('refuses connections past the cap per board (4429)', async () => {
    const { url } = await server({ MAX_CONNECTIONS_PER_BOARD: '2' })
    const board = newBoardId()
    const a = rawSocket(`${url}/${board}`)
    const b = rawSocket(`${url}/${board}`)
    await Promise.all([a.opened, b.opened])
    const c = rawSocket(`${url}/${board}`)
    expect((await c.closed).code).toBe(CloseCode.TryAgainLater)
    // Another board is not affected, and a freed place can be taken again.
    const elsewhere = rawSocket(`${url}/${newBoardId()}`)
    await elsewhere.opened
    a.ws.close()
    await a.closed
    await vi.waitFor(async () => {
      const d = rawSocket(`${url}/${board}`)
      await d.opened
      const result = await Promise.race([d.closed, new Promise((r) => setTimeout(() => r('open'), 200))])
      d.ws.close()
      expect(result).toBe('open')
    })
    for (const s of [b, elsewhere]) s.ws.close()
  })

  it('refuses connections past the cap per address (4429)', async () => {
    const { url } = await server({ MAX_CONNECTIONS_PER_IP: '1' })
    const a = rawSocket(`${url}/${newBoardId()}`)
    await a.opened
    const b = rawSocket(`${url}/${newBoardId()}`)
    expect((await b.closed).code).toBe(CloseCode.TryAgainLater)
    a.ws.close()
  })

  it('refuses a write that would pass the board size limit (4414) and keeps the stored board', async () => {
    const { url } = await server({ MAX_BOARD_BYTES: '20000' })
    const board = newBoardId()
    const writer = connectClient(url, board)
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
