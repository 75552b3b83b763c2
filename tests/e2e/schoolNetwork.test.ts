import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, get as httpGet, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { boardLink, tokensFromFacilitator } from '../../protocol/roles'
import type { SamenbordServer } from '../../server/app'
import { freePort } from '../../bench/lib/harness/redis'
import { startServer } from '../../bench/lib/harness/server'
import {
  collectErrors,
  contextAs,
  launchBrowserWithArgs,
  openBoard,
  recordRequests,
  requireBuiltClient,
  screenshot,
  waitForConnection,
} from '../support/browser'
import { startNginx, type RunningNginx, type SiteContext } from '../support/nginx'

/*
 * Samenbord at a real school: plain http on the school network (an insecure context: no
 * crypto.subtle, no service worker, no clipboard), and https behind a real nginx under a host
 * name (a secure context, where tldraw also checks its licence). Chromium resolves the school's
 * host name to this machine and accepts nginx's self-signed certificate.
 */

const HOST = 'bord.school.test'
/** How long a poll waits: generous on a busy 2-core machine, and no longer than needed. */
const POLL = { timeout: 10_000 }

let browser: Browser
let server: SamenbordServer
let serverPort: number
let nginx: RunningNginx

beforeAll(async () => {
  requireBuiltClient()
  const started = await startServer({ STATIC_DIR: 'dist' })
  server = started.server
  serverPort = started.port
  nginx = await startNginx({ upstreamPort: serverPort, serverName: HOST })
  browser = await launchBrowserWithArgs([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`, '--ignore-certificate-errors'])
})

afterAll(async () => {
  await browser?.close()
  await nginx?.stop()
  await server?.close()
})

/** Contexts a test opened, closed after it (also when it failed). */
const contexts: BrowserContext[] = []
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close().catch(() => {})
})
async function newContext(name: string) {
  const context = await contextAs(browser, name)
  contexts.push(context)
  return context
}
const pageAs = async (name: string) => (await newContext(name)).newPage()
/** A page whose requests and websockets are recorded (from before it opens anything). */
async function recordedPageAs(name: string) {
  const context = await newContext(name)
  const requested = recordRequests(context)
  return { page: await context.newPage(), requested }
}
const httpsOrigin = () => `https://${HOST}:${nginx.httpsPort}`

/** Note texts on a page's board, read through the editor. */
const noteTexts = (page: Page) =>
  page.evaluate(() =>
    window
      .editor!.getCurrentPageShapes()
      .filter((s) => s.type === 'note')
      .map((s) => JSON.stringify((s.props as { richText: unknown }).richText).match(/"text":"([^"]*)"/)?.[1] ?? '')
      .sort(),
  )

const addNote = (page: Page, text: string, x: number) =>
  page.evaluate(
    ([t, px]) => {
      const richText = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: t }] }] }
      window.editor!.createShape({ type: 'note', x: px, y: 100, props: { richText } })
    },
    [text, x] as const,
  )

/** Facilitator and participant links of the board a facilitator page shows, as its share dialog makes them. */
function linksOf(facilitatorUrl: string) {
  const url = new URL(facilitatorUrl)
  const boardId = url.pathname.split('/')[2]
  const tokens = tokensFromFacilitator(new URLSearchParams(url.hash.slice(1)).get('t')!)
  return { boardId, participant: boardLink(url.origin, boardId, tokens.participant) }
}

describe('the test nginx: configured as docs/deploy.md says', () => {
  it('passes Host and X-Forwarded-*, upgrades websockets with their subprotocol, takes 25 MB and logs no query strings', async () => {
    // An upstream that answers with what it received, and echoes websocket messages.
    const seen: Array<{ url: string; headers: IncomingMessage['headers']; bytes: number }> = []
    const upstream = createServer((req, res) => {
      let bytes = 0
      req.on('data', (chunk: Buffer) => (bytes += chunk.length))
      req.on('end', () => {
        seen.push({ url: req.url!, headers: req.headers, bytes })
        res.end('ok')
      })
    })
    const wss = new WebSocketServer({ server: upstream, handleProtocols: (offered) => (offered.has('samenbord') ? 'samenbord' : false) })
    wss.on('connection', (ws, req) => {
      seen.push({ url: req.url!, headers: req.headers, bytes: 0 })
      ws.on('message', (data) => ws.send(data))
    })
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    const proxy = await startNginx({ upstreamPort: (upstream.address() as { port: number }).port })
    try {
      const host = `${HOST}:${proxy.httpsPort}`
      const send = (path: string, body?: Buffer) =>
        new Promise<{ status: number; altName?: string }>((resolve, reject) => {
          const req = httpsRequest(
            {
              host: '127.0.0.1',
              port: proxy.httpsPort,
              servername: HOST,
              path,
              method: body ? 'POST' : 'GET',
              headers: { Host: host, 'X-Forwarded-For': '203.0.113.9', ...(body ? { 'Content-Length': body.length } : {}) },
              rejectUnauthorized: false,
            },
            (res) => {
              const altName = (res.socket as TLSSocket).getPeerCertificate().subjectaltname
              res.resume()
              res.on('end', () => resolve({ status: res.statusCode!, altName }))
            },
          )
          req.on('error', reject)
          req.end(body)
        })

      const get = await send('/api/boards/x?t=SECRET-IN-QUERY')
      expect(get).toEqual({ status: 200, altName: `DNS:${HOST}` })
      expect(seen[0].url).toBe('/api/boards/x?t=SECRET-IN-QUERY')
      expect(seen[0].headers.host).toBe(host)
      expect(seen[0].headers['x-forwarded-proto']).toBe('https')
      // nginx appends the address it saw to what the client sent (TRUST_PROXY=on takes the last).
      expect(seen[0].headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1')

      // A phone photo of 20 MB passes; more than 25 MB is refused by nginx (413).
      expect((await send('/api/upload', Buffer.alloc(20 * 1024 * 1024))).status).toBe(200)
      expect(seen.at(-1)!.bytes).toBe(20 * 1024 * 1024)
      expect((await send('/api/upload', Buffer.alloc(26 * 1024 * 1024))).status).toBe(413)

      // A websocket through the proxy: upgraded, the subprotocol (our token's way) passes both ways.
      const ws = new WebSocket(`wss://127.0.0.1:${proxy.httpsPort}/sync/board?t=SECRET-IN-QUERY`, ['samenbord', 't.SECRET-IN-HEADER'], {
        headers: { Host: host },
        rejectUnauthorized: false,
      })
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve())
        ws.once('error', reject)
      })
      expect(ws.protocol).toBe('samenbord')
      const upgraded = seen.at(-1)!
      expect(upgraded.headers['sec-websocket-protocol']?.split(/, */)).toEqual(['samenbord', 't.SECRET-IN-HEADER'])
      expect(upgraded.headers['x-forwarded-proto']).toBe('https')
      const echoed = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))))
      ws.send('hallo')
      expect(await echoed).toBe('hallo')
      ws.close()
      await new Promise((resolve) => ws.once('close', resolve))

      // The access log has every request, and no token. nginx writes a line when the connection
      // is done with: the websocket's once it closed, the refused upload's once nginx stopped
      // reading what the client still sent.
      await expect.poll(() => readFileSync(proxy.accessLog, 'utf8'), POLL).toMatch(/"GET https:\/\/bord\.school\.test\/sync\/board HTTP\/1\.1" 101 /)
      await expect.poll(() => readFileSync(proxy.accessLog, 'utf8'), POLL).toContain('"POST https://bord.school.test/api/upload HTTP/1.1" 413 ')
      const log = readFileSync(proxy.accessLog, 'utf8')
      expect(log).toContain('"GET https://bord.school.test/api/boards/x HTTP/1.1" 200 ')
      expect(log).not.toContain('SECRET')
      expect(log).not.toContain('?')
      expect(proxy.errorLog()).not.toMatch(/\[(emerg|alert|crit)\]/)
    } finally {
      await proxy.stop()
      wss.close()
      await new Promise((resolve) => upstream.close(resolve))
    }
  }, 30_000)
})

describe('plain http on the school network (an insecure context)', () => {
  const ways = [
    ['through nginx', 'http-proxy', () => `http://${HOST}:${nginx.httpPort}`],
    ['directly at the server', 'http-direct', () => `http://${HOST}:${serverPort}`],
  ] as const

  it.each(ways)('%s: share links and QR code, a participant, notes both ways, a snapshot, a copy and "Mijn borden"', async (_way, tag, originOf) => {
    const origin = originOf()
    const facilitator = await pageAs('Gespreksleider')
    const errors = collectErrors(facilitator)
    await facilitator.goto(origin + '/')
    // What a browser withholds on plain http: no crypto.subtle (tokens use lib0's SHA-256), no
    // service worker (no offline reload), no clipboard (links are copied by hand).
    expect(
      await facilitator.evaluate(() => ({
        secure: window.isSecureContext,
        subtle: typeof crypto.subtle,
        serviceWorker: 'serviceWorker' in navigator,
        clipboard: typeof navigator.clipboard,
      })),
    ).toEqual({ secure: false, subtle: 'undefined', serviceWorker: false, clipboard: 'undefined' })

    await facilitator.getByTestId('new-board').click()
    await facilitator.waitForURL(/#t=/)
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await waitForConnection(facilitator, 'connected')
    await facilitator.getByTestId('board-title-input').fill('Leerteam rekenen')
    await facilitator.getByTestId('board-title-input').press('Enter')

    // "Delen": three links on the school's own address, and the QR code of the participant link.
    await facilitator.getByTestId('share').click()
    await facilitator.getByTestId('share-qr').waitFor()
    const links = {
      facilitator: await facilitator.getByTestId('link-facilitator').inputValue(),
      participant: await facilitator.getByTestId('link-participant').inputValue(),
      viewer: await facilitator.getByTestId('link-viewer').inputValue(),
    }
    const boardPath = new URL(facilitator.url()).pathname
    for (const link of Object.values(links)) expect(link).toMatch(new RegExp(`^${origin}${boardPath}#t=[A-Za-z0-9_-]{22}$`))
    expect(links.facilitator).toBe(facilitator.url())
    expect(new Set(Object.values(links)).size).toBe(3)
    // "Kopieer" cannot reach the clipboard here: it selects the link to copy by hand.
    await facilitator.locator('.share-link', { has: facilitator.getByTestId('link-participant') }).getByRole('button').click()
    expect(
      await facilitator.getByTestId('link-participant').evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd, input.value.length]),
    ).toEqual([0, links.participant.length, links.participant.length])
    await screenshot(facilitator, `school-${tag}-share-dialog`)
    await facilitator.keyboard.press('Escape')

    // A colleague joins with the participant link; notes travel both ways.
    const participant = await pageAs('Deelnemer')
    const participantErrors = collectErrors(participant)
    await openBoard(participant, links.participant)
    expect(await participant.evaluate(() => window.editor!.getIsReadonly())).toBe(false)
    await addNote(participant, 'Toetsdata groep 5', 0)
    await expect.poll(() => noteTexts(facilitator), POLL).toEqual(['Toetsdata groep 5'])
    await addNote(facilitator, 'Lesobservatie', 300)
    await expect.poll(() => noteTexts(participant), POLL).toEqual(['Lesobservatie', 'Toetsdata groep 5'])

    // Exports (canvas, blob downloads) need no secure context.
    const download = async (testId: string) => {
      await facilitator.getByTestId('export-menu').click()
      const [file] = await Promise.all([facilitator.waitForEvent('download'), facilitator.getByTestId(testId).click()])
      return readFileSync(await file.path())
    }
    expect((await download('export-png')).subarray(1, 4).toString()).toBe('PNG')
    expect((await download('export-report-md')).toString('utf8')).toContain('Lesobservatie')

    // "Bijeenkomst": a snapshot on the server, then a copy for the next meeting.
    await facilitator.getByTestId('meeting-menu').click()
    await facilitator.getByTestId('snapshot-name').fill('Na bijeenkomst 1')
    await facilitator.getByTestId('snapshot-save').click()
    await facilitator.getByTestId('restore-Na bijeenkomst 1').waitFor()
    const oldUrl = facilitator.url()
    await facilitator.getByTestId('copy-board').click()
    await facilitator.waitForURL((url) => url.toString() !== oldUrl && url.hash.startsWith('#t='))
    expect(facilitator.url().startsWith(`${origin}/b/`)).toBe(true)
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await waitForConnection(facilitator, 'connected')
    await expect.poll(() => noteTexts(facilitator), POLL).toEqual(['Lesobservatie', 'Toetsdata groep 5'])
    expect(await facilitator.getByTestId('board-title-input').inputValue()).toBe('Leerteam rekenen')

    // "Mijn borden" on the facilitator's device: the board and its copy.
    await facilitator.goto(origin + '/')
    await facilitator.getByTestId('my-boards').waitFor()
    await expect.poll(() => facilitator.locator('[data-testid="my-boards"] li').count(), POLL).toBe(2)
    expect(await facilitator.getByTestId('my-boards').textContent()).toContain('Leerteam rekenen')

    expect(errors).toEqual([])
    expect(participantErrors).toEqual([])
    await participant.context().close()
    await facilitator.context().close()
  }, 60_000)
})

describe('https through nginx under a host name (a secure context)', () => {
  it('the service worker registers, and a board works over websockets through the proxy', async () => {
    const { page: facilitator, requested } = await recordedPageAs('Gespreksleider')
    const errors = collectErrors(facilitator)
    await facilitator.goto(httpsOrigin() + '/')
    expect(await facilitator.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle }))).toEqual({
      secure: true,
      subtle: 'object',
    })
    // The service worker (offline reload) installs, and controls the page after a reload.
    expect(
      await facilitator.evaluate(async () => {
        const worker = (await navigator.serviceWorker.ready).active!
        if (worker.state !== 'activated') {
          await new Promise<void>((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()))
        }
        return worker.state
      }),
    ).toBe('activated')
    await facilitator.reload()
    await facilitator.waitForFunction(() => navigator.serviceWorker.controller !== null)

    // A board over https: the facilitator's page connects through nginx's websocket upgrade.
    // (tldraw hides the editor 5 s after the board opens without a licence key: see the next test.)
    await facilitator.getByTestId('new-board').click()
    await facilitator.waitForURL(/#t=/)
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await waitForConnection(facilitator, 'connected')
    await addNote(facilitator, 'Via https', 0)
    await screenshot(facilitator, 'school-https-board')

    // A participant joins through the proxy and gets the note. Read from the board's Y.Doc, which
    // stays live when tldraw hides its editor.
    const { boardId, participant: participantLink } = linksOf(facilitator.url())
    const participant = await pageAs('Deelnemer')
    const participantErrors = collectErrors(participant)
    await openBoard(participant, participantLink)
    // A note of its own right away, while its editor is shown (tldraw's 5 s run from its load).
    await addNote(participant, 'Terug via wss', 300)
    await expect.poll(() => participant.evaluate(() => JSON.stringify(window.samenbordDoc!.toJSON())), POLL).toContain('Via https')
    // …and the other way round.
    await expect.poll(() => facilitator.evaluate(() => JSON.stringify(window.samenbordDoc!.toJSON())), POLL).toContain('Terug via wss')

    // Every websocket went through nginx, to our host name, as wss.
    const sockets = requested.filter((url) => url.includes('/sync/'))
    expect(sockets.length).toBeGreaterThan(0)
    for (const url of sockets) expect(url.startsWith(`wss://${HOST}:${nginx.httpsPort}/sync/${boardId}`)).toBe(true)

    await participant.context().close()
    await facilitator.context().close()
    // nginx writes a websocket's line when it closes: the board's /sync/ lines, upgraded (101).
    await expect.poll(() => readFileSync(nginx.accessLog, 'utf8'), POLL).toMatch(new RegExp(`"GET https://${HOST}/sync/${boardId} HTTP/1.1" 101 `))
    const log = readFileSync(nginx.accessLog, 'utf8')
    expect(log).toContain(`"POST https://${HOST}/api/boards HTTP/1.1" 201 `)
    // No token values: page links carry them in the #fragment (never sent), and the log format
    // leaves out query strings, where websocket and API URLs might still carry one.
    expect(log).not.toMatch(/[?&]t=/)
    expect(log).not.toContain('?')
    const tokens = Object.values(tokensFromFacilitator(new URLSearchParams(new URL(participantLink).hash.slice(1)).get('t')!))
    for (const token of tokens) expect(log).not.toContain(token)

    // tldraw's licence check on a production host without a key tries to report to tldraw's CDN
    // (its "watermark track" fetch, with the page's whole URL, #fragment and token included); our
    // Content-Security-Policy (connect-src 'self') refuses it. Those refusals are expected here and
    // are the only errors tolerated: with a licence key set they do not happen.
    const licencePing = /cdn\.tldraw\.com|tldraw\.com\/watermarks|Failed to fetch|violates the following Content Security Policy directive: "connect-src 'self'"/
    expect(errors.filter((e) => !licencePing.test(e))).toEqual([])
    expect(participantErrors.filter((e) => !licencePing.test(e))).toEqual([])
  }, 60_000)

  it('the pages send no token in any URL: websocket and API calls carry it in a header', async () => {
    // The tokens are moving out of URLs (websocket subprotocol, Authorization header); until
    // that lands in the client, this test fails and names the URLs.
    const { page: facilitator, requested } = await recordedPageAs('Gespreksleider')
    await facilitator.goto(httpsOrigin() + '/')
    await facilitator.getByTestId('new-board').click()
    await facilitator.waitForURL(/#t=/)
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await waitForConnection(facilitator, 'connected')
    const token = new URLSearchParams(new URL(facilitator.url()).hash.slice(1)).get('t')!
    const tokens = Object.values(tokensFromFacilitator(token))
    const withToken = requested.filter((url) => tokens.some((t) => url.split('#')[0].includes(t)))
    await facilitator.context().close()
    expect(withToken).toEqual([])
  }, 30_000)

  // Fails until the product part lands: the page shows its own message (data-testid
  // "licence-message") when tldraw hides the editor for want of a licence key. Not skipped on
  // purpose: it is the test of that work.
  it('without a licence key the page says so instead of going blank', async () => {
    const page = await pageAs('Gespreksleider')
    await page.goto(httpsOrigin() + '/')
    await page.getByTestId('new-board').click()
    await page.waitForURL(/#t=/)
    await page.waitForFunction(() => Boolean(window.editor))
    // tldraw's own timer: the editor is hidden 5 s after the licence check found no key.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="tl-license-expired"], [data-testid="licence-message"]') !== null,
      null,
      { timeout: 15_000, polling: 250 },
    )
    const message = page.getByTestId('licence-message')
    await message.waitFor({ state: 'visible', timeout: 5_000 })
    expect(await message.textContent()).toMatch(/licentie/i)
    await screenshot(page, 'school-https-licence-message')
    await page.context().close()
  }, 30_000)
})

/**
 * The nginx site of docs/deploy.md as written, with only what must differ in a test swapped:
 * loopback ports, the test certificate, the temp dir's log and certbot folder, the upstream's port
 * and the host name. Each swap must find its text, so a changed doc fails here, loudly.
 */
function deployDocSite(c: SiteContext): string {
  const doc = readFileSync(join(process.cwd(), 'docs', 'deploy.md'), 'utf8')
  const block = doc.match(/```nginx\n(# \/etc\/nginx\/sites-available\/samenbord\n[\s\S]*?)```/)
  if (!block) throw new Error('docs/deploy.md has no ```nginx block starting with "# /etc/nginx/sites-available/samenbord"')
  let site = block[1]
  const swap = (from: string, to: string) => {
    if (!site.includes(from)) throw new Error(`the nginx site in docs/deploy.md no longer contains "${from}"`)
    site = site.replaceAll(from, to)
  }
  swap('/etc/letsencrypt/live/bord.school.nl/fullchain.pem', c.cert)
  swap('/etc/letsencrypt/live/bord.school.nl/privkey.pem', c.key)
  swap('/var/log/nginx/samenbord.access.log', c.accessLog)
  const webroot = join(c.dir, 'www')
  mkdirSync(join(webroot, '.well-known', 'acme-challenge'), { recursive: true })
  writeFileSync(join(webroot, '.well-known', 'acme-challenge', 'probe'), 'certbot-probe')
  swap('root /var/www/html;', `root ${webroot};`)
  swap('proxy_pass http://127.0.0.1:1234;', `proxy_pass http://127.0.0.1:${c.upstreamPort};`)
  swap('listen 443 ssl;', `listen 127.0.0.1:${c.httpsPort} ssl;`)
  swap('listen [::]:443 ssl;', '')
  swap('listen 80;', `listen 127.0.0.1:${c.httpPort};`)
  swap('listen [::]:80;', '')
  swap('bord.school.nl', c.serverName)
  return site
}

/** A plain-http GET to nginx's port-80 listener under our host name. */
function plainGet(port: number, path: string) {
  return new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path, headers: { Host: HOST } }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, body }))
    }).on('error', reject)
  })
}

describe('the nginx site of docs/deploy.md, run as written, with PUBLIC_URL and TRUST_PROXY=on', () => {
  it('redirects http to https, serves certbot\'s folder, and a board works through it with links on PUBLIC_URL', async () => {
    // The server's port first, so that nginx's address can be its PUBLIC_URL.
    const port = await freePort()
    const proxy = await startNginx({ upstreamPort: port, serverName: HOST, site: deployDocSite })
    const origin = `https://${HOST}:${proxy.httpsPort}`
    const started = await startServer({ STATIC_DIR: 'dist', PORT: String(port), PUBLIC_URL: origin, TRUST_PROXY: 'on' })
    try {
      expect(await plainGet(proxy.httpPort, '/b/abc?x=1')).toMatchObject({ status: 301, location: `https://${HOST}/b/abc?x=1` })
      expect(await plainGet(proxy.httpPort, '/.well-known/acme-challenge/probe')).toMatchObject({ status: 200, body: 'certbot-probe' })

      const facilitator = await pageAs('Gespreksleider')
      const errors = collectErrors(facilitator)
      await facilitator.goto(origin + '/')
      // Host reaches the server without the port; the origin checks (creating a board, opening
      // its websockets) pass because PUBLIC_URL names the address.
      await facilitator.getByTestId('new-board').click()
      await facilitator.waitForURL(/#t=/)
      await facilitator.waitForFunction(() => Boolean(window.editor))
      await waitForConnection(facilitator, 'connected')
      await addNote(facilitator, 'Via de site uit deploy.md', 0)
      await facilitator.getByTestId('share').click()
      await facilitator.getByTestId('share-qr').waitFor()
      const participantLink = await facilitator.getByTestId('link-participant').inputValue()
      expect(participantLink.startsWith(`${origin}/b/`)).toBe(true)
      const health = await facilitator.evaluate(async () => (await fetch('/healthz')).json())
      expect(health).toMatchObject({ ok: true, publicUrl: origin, tldrawLicenseKey: false })
      const participant = await pageAs('Deelnemer')
      await openBoard(participant, participantLink)
      await expect.poll(() => participant.evaluate(() => JSON.stringify(window.samenbordDoc!.toJSON())), POLL).toContain('Via de site uit deploy.md')

      for (const context of contexts.splice(0)) await context.close()
      const boardId = new URL(participantLink).pathname.split('/')[2]
      await expect.poll(() => readFileSync(proxy.accessLog, 'utf8'), POLL).toMatch(new RegExp(`"GET https://${HOST}/sync/${boardId} HTTP/1.1" 101 `))
      const log = readFileSync(proxy.accessLog, 'utf8')
      expect(log).toContain(`"GET http://${HOST}/b/abc HTTP/1.1" 301 `)
      expect(log).not.toContain('?')
      expect(log).not.toContain(new URL(participantLink).hash.slice(3))
      // tldraw's licence ping to its CDN, refused by our CSP (see above), is all there is.
      const licencePing = /cdn\.tldraw\.com|Failed to fetch/
      expect(errors.filter((e) => !licencePing.test(e))).toEqual([])
    } finally {
      await proxy.stop()
      await started.server.close()
    }
  }, 40_000)
})
