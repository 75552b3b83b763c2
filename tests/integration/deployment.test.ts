import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { CloseCode } from '../../protocol/closeCodes'
import { DEFAULT_MAX_ASSET_BYTES } from '../../protocol/assets'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../protocol/limits'
import { PAGE_CONFIG_ELEMENT_ID } from '../../protocol/pageConfig'
import { SYNC_SUBPROTOCOL, tokenSubprotocols } from '../../protocol/roles'
import { closeClient } from '../../bench/lib/harness/clients'
import { createBoard, rawSocket, tempDataDir, whenSynced } from '../../bench/lib/harness/server'
import { useTeardown } from '../support/lifecycle'

const { server, serverProcess, defer } = useTeardown()

/** A built client of one line, to see what the server puts into index.html. */
function staticDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-static-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
  return dir
}

/** The server's limits the page is told besides (it splits its updates and checks files with them). */
const LIMITS = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, maxAssetBytes: DEFAULT_MAX_ASSET_BYTES }

function pageConfigOf(html: string): unknown {
  const match = new RegExp(`<script id="${PAGE_CONFIG_ELEMENT_ID}" type="application/json">(.*?)</script>`).exec(html)
  return match ? JSON.parse(match[1]) : null
}

describe('a school deployment', () => {
  it('takes the websocket token as a subprotocol (out of the URL that proxies log) and answers with ours', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(url, board.boardId, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true, protocols: tokenSubprotocols(board.tokens.participant) })
    defer(() => closeClient({ doc, provider }))
    await whenSynced(provider)
    expect(provider.ws?.protocol).toBe(SYNC_SUBPROTOCOL)
    const other = await createBoard(port)
    const foreign = new WebSocket(`${url}/${board.boardId}`, tokenSubprotocols(other.tokens.facilitator))
    const code = await new Promise<number>((resolve) => foreign.on('close', (c) => resolve(c)))
    expect(code).toBe(CloseCode.Forbidden)
  })

  it('takes the API token from the Authorization header', async () => {
    const { port } = await server()
    const board = await createBoard(port)
    const role = (token: string) => fetch(`http://127.0.0.1:${port}/api/boards/${board.boardId}/role`, { headers: { Authorization: `Bearer ${token}` } })
    expect(await (await role(board.tokens.viewer)).json()).toEqual({ role: 'viewer' })
    expect((await role('A'.repeat(22))).status).toBe(403)
  })

  it('PUBLIC_URL: the page is told the address and the licence key; its origin is allowed behind a proxy that passes another Host', async () => {
    const { port, url } = await server({ STATIC_DIR: staticDir(), PUBLIC_URL: 'https://bord.school.test', TLDRAW_LICENSE_KEY: 'tldraw-key-of-the-school' })
    const html = await (await fetch(`http://127.0.0.1:${port}/b/${'A'.repeat(22)}`)).text()
    expect(pageConfigOf(html)).toEqual({ publicUrl: 'https://bord.school.test', tldrawLicenseKey: 'tldraw-key-of-the-school', ...LIMITS })
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { tldrawLicenseKey: unknown; publicUrl: unknown }
    expect(health.tldrawLicenseKey).toBe(true) // whether one is set, never the key
    expect(health.publicUrl).toBe('https://bord.school.test')
    // The proxy passes Host 127.0.0.1:port; the browser's Origin is the public address.
    const created = await fetch(`http://127.0.0.1:${port}/api/boards`, { method: 'POST', headers: { Origin: 'https://bord.school.test' } })
    expect(created.status).toBe(201)
    const board = (await created.json()) as Awaited<ReturnType<typeof createBoard>>
    const ws = new WebSocket(`${url}/${board.boardId}`, tokenSubprotocols(board.tokens.participant), { headers: { Origin: 'https://bord.school.test' } })
    defer(() => ws.terminate())
    await new Promise((resolve, reject) => {
      ws.once('message', resolve)
      ws.once('close', (code) => reject(new Error(`closed ${code}`)))
    })
    const evil = await fetch(`http://127.0.0.1:${port}/api/boards`, { method: 'POST', headers: { Origin: 'https://elders.example' } })
    expect(evil.status).toBe(403)
  })

  it('without a licence key the page is told none is set, and a JSON value cannot close the script tag', async () => {
    const { port } = await server({ STATIC_DIR: staticDir(), PUBLIC_URL: 'http://bord.school.test:8080' })
    const html = await (await fetch(`http://127.0.0.1:${port}/`)).text()
    expect(pageConfigOf(html)).toEqual({ publicUrl: 'http://bord.school.test:8080', tldrawLicenseKey: null, ...LIMITS })
    const tricky = await server({ STATIC_DIR: staticDir(), TLDRAW_LICENSE_KEY: '</script><script>alert(1)</script>' })
    const trickyHtml = await (await fetch(`http://127.0.0.1:${tricky.port}/`)).text()
    expect(trickyHtml).not.toContain('<script>alert(1)')
    expect(pageConfigOf(trickyHtml)).toEqual({ publicUrl: null, tldrawLicenseKey: '</script><script>alert(1)</script>', ...LIMITS })
  })

  it('warns at start when PUBLIC_URL is https and no licence key is set, and not when one is', async () => {
    const output = async (env: Record<string, string>) => {
      const proc = await serverProcess(tempDataDir(), env)
      await fetch(`http://127.0.0.1:${proc.port}/healthz`) // the start-up lines are out by now
      // The warning comes before the line that says the server runs.
      await vi.waitFor(() => expect(proc.output()).toContain('"message":"Samenbord is running"'))
      proc.child.kill('SIGKILL')
      return proc.output()
    }
    expect(await output({ PUBLIC_URL: 'https://bord.school.test' })).toContain('WARNING: no TLDRAW_LICENSE_KEY')
    expect(await output({ PUBLIC_URL: 'https://bord.school.test', TLDRAW_LICENSE_KEY: 'key' })).not.toContain('WARNING')
  })

  it('refuses a PUBLIC_URL that is not a site address', async () => {
    await expect(server({ PUBLIC_URL: 'bord.school.nl' })).rejects.toThrow(/PUBLIC_URL/)
    await expect(server({ PUBLIC_URL: 'https://bord.school.nl/samenbord' })).rejects.toThrow(/PUBLIC_URL/)
  })

  it('writes no token and no board content to its log, whatever happens', async () => {
    const proc = await serverProcess(tempDataDir(), { PUBLIC_URL: 'https://bord.school.test' })
    let log = ''
    proc.child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()))
    proc.child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()))
    const board = await createBoard(proc.port)
    const secretNote = 'geheime notitie van de intervisie'
    // Joins by subprotocol and by ?t=, a write, a refused write, a wrong token, a bad frame, API calls.
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(proc.url, board.boardId, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true, protocols: tokenSubprotocols(board.tokens.participant) })
    defer(() => closeClient({ doc, provider }))
    await whenSynced(provider)
    doc.getMap('m').set('note', secretNote)
    const viewer = rawSocket(`${proc.url}/${board.boardId}?t=${board.tokens.viewer}`)
    await viewer.opened
    const change = new Y.Doc()
    change.getMap('m').set('x', secretNote)
    viewer.ws.send(Uint8Array.from([0, 2, ...lengthPrefixed(Y.encodeStateAsUpdate(change))]))
    await viewer.closed
    await rawSocket(`${proc.url}/${board.boardId}?t=${'B'.repeat(22)}`).closed
    const bad = rawSocket(`${proc.url}/${board.boardId}?t=${board.tokens.facilitator}`)
    await bad.opened
    bad.ws.send(Uint8Array.from([0xff, 0xff, 0xff]))
    await bad.closed
    const auth = { headers: { Authorization: `Bearer ${board.tokens.facilitator}` } }
    await fetch(`http://127.0.0.1:${proc.port}/api/boards/${board.boardId}/snapshots`, { method: 'POST', body: JSON.stringify({ name: secretNote }), ...auth })
    await fetch(`http://127.0.0.1:${proc.port}/api/boards/${board.boardId}/snapshots?t=${board.tokens.facilitator}`)
    await fetch(`http://127.0.0.1:${proc.port}/api/boards?copyFrom=${board.boardId}`, { method: 'POST', ...auth })
    closeClient({ doc, provider })
    await new Promise((resolve) => setTimeout(resolve, 200)) // the unload's log lines
    expect(log).toContain('closing connection after bad message') // the log is on
    for (const token of Object.values(board.tokens)) expect(log).not.toContain(token)
    expect(log).not.toContain(secretNote)
  })
})

function lengthPrefixed(bytes: Uint8Array): number[] {
  const out: number[] = []
  let n = bytes.length
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  out.push(n)
  return [...out, ...bytes]
}
