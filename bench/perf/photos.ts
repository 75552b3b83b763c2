import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { assetIdOfSrc, assetPath } from '../../protocol/assets'
import { boardLink } from '../../protocol/roles'
import { launchBrowser } from '../lib/harness/chromium'
import { dropPhotoInPage, makePhotoInPage } from '../lib/harness/photo'
import { startOursSqlite } from '../lib/peers'
import { formatBytes, formatTable, median, type Section } from '../lib/stats'
import { namedPage } from './pageProbes'

/** Photos dropped per run (QUICK=1: 2); each on a new board, with two fresh pages. */
const RUNS = 5
const QUICK_RUNS = 2
/** Longest a photo may take to show before the run counts as failed, in ms. */
const SHOW_TIMEOUT_MS = 60_000

/** Resolves when the page shows a loaded picture (checked every animation frame). */
function pictureShown(page: Page): Promise<unknown> {
  return page.waitForFunction(
    () => [...document.querySelectorAll<HTMLImageElement>('img.tl-image')].some((img) => img.complete && img.naturalWidth > 0),
    null,
    { polling: 'raf', timeout: SHOW_TIMEOUT_MS },
  )
}

async function openedBoard(browser: Browser, url: string): Promise<Page> {
  const page = await namedPage(browser)
  await page.goto(url)
  await page.locator('[data-testid="connection"][data-state="connected"]').waitFor({ timeout: SHOW_TIMEOUT_MS })
  return page
}

/**
 * A phone photo (4032×3024 JPEG with grain, 3–5 MB, bench/lib/harness/photo.ts) dropped on one
 * page of the built app, through tldraw's own drop path: how long until the dropping page
 * shows it, and until a second page shows it (downscaling, upload, the reference through the
 * relay, the download); and how many bytes the server keeps of it.
 */
export async function runPhotoGroup(quick: boolean): Promise<Section> {
  if (!existsSync('dist/index.html')) execSync('npm run build', { stdio: 'ignore' })
  const peer = await startOursSqlite({ STATIC_DIR: 'dist' })
  const base = peer.urls[0].replace(/^ws/, 'http').replace(/\/sync$/, '')
  const browser = await launchBrowser()
  const rows: Array<{ original: number; stored: number; sender: number; other: number }> = []
  try {
    for (let run = 0; run < (quick ? QUICK_RUNS : RUNS); run++) {
      const board = await peer.newBoard()
      const url = boardLink(base, board.boardId, board.token!)
      const sender = await openedBoard(browser, url)
      const other = await openedBoard(browser, url)
      const original = await makePhotoInPage(sender)
      const start = performance.now()
      const shownBySender = pictureShown(sender).then(() => performance.now() - start)
      const shownByOther = pictureShown(other).then(() => performance.now() - start)
      await dropPhotoInPage(sender)
      const [senderMs, otherMs] = await Promise.all([shownBySender, shownByOther])
      const src = await other.evaluate(() => {
        const asset = window.editor!.getAssets()[0]
        return asset && 'src' in asset.props ? asset.props.src : null
      })
      const head = await fetch(base + assetPath(board.boardId, assetIdOfSrc(src)!), { method: 'HEAD' })
      rows.push({ original, stored: Number(head.headers.get('content-length')), sender: senderMs, other: otherMs })
      console.log(`photos: ${formatBytes(original)} → ${formatBytes(rows.at(-1)!.stored)}, shown ${senderMs.toFixed(0)} / ${otherMs.toFixed(0)} ms`)
      await sender.context().close()
      await other.context().close()
    }
  } finally {
    await browser.close()
    await peer.stop()
  }
  const table = formatTable(
    ['photo', 'original', 'stored on the server', 'drop → shown on the dropping page (ms)', 'drop → shown on the other page (ms)'],
    [
      ...rows.map((r, i) => [String(i + 1), formatBytes(r.original), formatBytes(r.stored), r.sender, r.other]),
      ['median', formatBytes(median(rows.map((r) => r.original))), formatBytes(median(rows.map((r) => r.stored))), median(rows.map((r) => r.sender)), median(rows.map((r) => r.other))],
    ],
  )
  return {
    title: 'Photos: drop to visible, and bytes kept',
    method:
      'Per run a new board and two fresh pages of the built app in headless Chromium against the SQLite server on this machine (no network between them: on a school network add the upload time of the stored bytes). ' +
      'A 12-megapixel JPEG (4032×3024, lined paper with grain, 3–5 MB, with an EXIF block) is made in the first page and dropped through `editor.putExternalContent`, as a drop or paste does. ' +
      'Timed from the drop until each page shows a loaded `<img>` (checked every animation frame). The browser downscales it to 2,560 px and encodes it again (client/assets/prepareImage.ts); "stored" is what the server then serves.',
    tables: [table],
  }
}
