import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/*
 * Launching Debian's headless Chromium, shared by the end-to-end tests (tests/support/browser.ts,
 * which adds the vitest hooks and page helpers) and the client benchmark (bench/perf/clientApp.ts).
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

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
