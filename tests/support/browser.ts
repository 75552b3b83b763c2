import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots')

/** Real headless Chromium. A missing browser is a failure with a clear message, never a skip. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install -y chromium) ` +
        'or set CHROMIUM_PATH. The end-to-end tests cannot run without it.',
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

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
    if (msg.type() === 'error') errors.push(msg.text())
  })
  page.on('pageerror', (error) => errors.push(String(error)))
  return errors
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
