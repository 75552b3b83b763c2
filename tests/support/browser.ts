import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { boardLink, type CreatedBoard, type Role } from '../../protocol/roles'
import type { SamenbordServer } from '../../server/app'
import { CHROMIUM_PATH, launchBrowser } from '../../bench/lib/harness/chromium'
import { startServer } from '../../bench/lib/harness/server'

export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots')

export function requireBuiltClient(): void {
  if (!existsSync(join(process.cwd(), 'dist', 'index.html'))) {
    throw new Error('The client is not built: run "npm run build" before the end-to-end tests.')
  }
}

/** Records every request and websocket of a context, to prove nothing leaves our server. */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = []
  context.on('request', (request) => urls.push(request.url()))
  context.on('page', (page) => page.on('websocket', (ws) => urls.push(ws.url())))
  return urls
}

/** Collects console errors and page crashes of a page. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${msg.text()} @ ${msg.location().url}`)
  })
  page.on('pageerror', (error) => errors.push(String(error)))
  return errors
}

/**
 * The errors without the browser's own notes about calls to our server made while the test had
 * switched the network off: API calls (the page handles those: role and server clock come back
 * once online) and websocket dials. Chromium 150 keeps `navigator.onLine` true in a page reloaded
 * under `context.setOffline(true)` (a real offline browser says false and the page does not dial),
 * so after such a reload y-websocket dials and the browser notes each failure. Only
 * ERR_INTERNET_DISCONNECTED is forgiven: it happens only while the test has the network off.
 */
export function exceptOfflineNetworkCalls(errors: string[]): string[] {
  return errors.filter(
    (e) =>
      !/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED @ \S+\/api\//.test(e) &&
      !/^WebSocket connection to 'wss?:\/\/[^']+\/sync\/[^']+' failed: Error in connection establishment: net::ERR_INTERNET_DISCONNECTED @ /.test(e),
  )
}

/** Opens a board page, answers the name question and waits for the editor and the server. */
export async function openBoard(page: Page, url: string, name?: string) {
  await page.goto(url)
  if (name) {
    await page.getByTestId('name-input').fill(name)
    await page.getByTestId('name-submit').click()
  }
  await page.waitForFunction(() => Boolean(window.editor))
  await waitForConnection(page, 'connected')
}

export async function waitForConnection(page: Page, state: string) {
  await page.waitForFunction((s) => document.querySelector('[data-testid="connection"]')?.getAttribute('data-state') === s, state)
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) })
}

export interface AppInBrowser {
  browser: Browser
  server: SamenbordServer
  /** http://127.0.0.1:<port> of the server, which serves the built app. */
  base: string
}

/**
 * One real Chromium and one real server (serving dist/) for a test file: started before its tests,
 * stopped after them. The fields are filled in by the time the tests run.
 */
export function useAppInBrowser(): AppInBrowser {
  const app = {} as AppInBrowser
  beforeAll(async () => {
    requireBuiltClient()
    app.browser = await launchBrowser()
    const started = await startServer({ STATIC_DIR: 'dist' })
    app.server = started.server
    app.base = `http://127.0.0.1:${started.port}`
  })
  afterAll(async () => {
    await app.browser?.close()
    await app.server?.close()
  })
  return app
}

/** The three page links of a new board, made through the API as the home page makes them. */
export async function newBoardLinks(base: string): Promise<{ boardId: string; path: string } & Record<Role, string>> {
  const res = await fetch(`${base}/api/boards`, { method: 'POST' })
  if (res.status !== 201) throw new Error(`creating a board failed: ${res.status}`)
  const { boardId, tokens } = (await res.json()) as CreatedBoard
  const path = `${base}/b/${boardId}`
  const link = (role: Role) => boardLink(base, boardId, tokens[role])
  return { boardId, path, facilitator: link('facilitator'), participant: link('participant'), viewer: link('viewer') }
}

/** A fresh browser context (own storage) whose user has already told their name. */
export async function contextAs(
  browser: Browser,
  name: string,
  viewport = { width: 1400, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport })
  await context.addInitScript((n) => localStorage.setItem('samenbord:name', n), name)
  return context
}

/**
 * Real headless Chromium as `launchBrowser()` starts it (the same flags: keep both lists equal),
 * plus `extraArgs`, e.g. `--host-resolver-rules=MAP bord.school.test 127.0.0.1` to reach a
 * test server under a school's host name. A missing browser fails with the same message.
 */
export async function launchBrowserWithArgs(extraArgs: string[]): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) return launchBrowser() // throws its clear message
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  })
}
