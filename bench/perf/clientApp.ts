import { execSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Browser } from 'playwright-core'
import { boardLink } from '../../protocol/roles'
import { launchBrowser } from '../lib/harness/chromium'
import { realisticShapes, seedBoard } from '../lib/boardSeed'
import { ClientPool, roomSpecs } from '../lib/clientPool'
import { frameDeltas, namedPage, remotePutCost, timeToInteractive } from './pageProbes'
import { startOursSqlite } from '../lib/peers'
import { formatBytes, formatTable, median, percentile, type Section } from '../lib/stats'

const SHAPES = 2_000
const REMOTE_PEERS = 30
/** Each remote peer moves its shape this often: 20 moves per second, a drag throttled to 20 fps. */
const PEER_MOVE_INTERVAL_MS = 50
/** How long requestAnimationFrame deltas are collected (QUICK=1: 3 s). */
const FRAME_SAMPLE_MS = 5_000
const QUICK_FRAME_SAMPLE_MS = 3_000
/** The peers start this long before frames are sampled, and go on this long after. */
const PEER_LEAD_MS = 500
/** Shapes per remote change when timing the page's store (see pageProbes.remotePutCost). */
const PUT_BATCHES = [1, 10, 30]
const ASSETS_DIR = 'dist/assets'

/** Built JS files: raw and gzip (level 9) bytes. */
function bundleSizes(): Array<{ file: string; raw: number; gzip: number }> {
  return readdirSync(ASSETS_DIR)
    .filter((f) => f.endsWith('.js'))
    .map((file) => {
      const bytes = readFileSync(join(ASSETS_DIR, file))
      return { file, raw: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength }
    })
    .sort((a, b) => b.raw - a.raw)
}

/**
 * The built app in headless Chromium: bundle size, cold and warm load of a 2,000-shape board,
 * and frame times while 30 remote peers move shapes.
 */
export async function runClientGroup(quick: boolean): Promise<Section> {
  const coldRuns = quick ? 1 : 3
  const sampleMs = quick ? QUICK_FRAME_SAMPLE_MS : FRAME_SAMPLE_MS
  const moveMs = sampleMs + 2 * PEER_LEAD_MS
  execSync('npm run build', { stdio: 'ignore' })
  const bundle = bundleSizes()
  const peer = await startOursSqlite({ STATIC_DIR: 'dist' })
  const base = peer.urls[0].replace(/^ws/, 'http').replace(/\/sync$/, '')
  // The page opens the board's participant link ("bewerken"), with the token in its #fragment.
  const board = await peer.newBoard()
  const shapes = realisticShapes(SHAPES)
  const url = boardLink(base, board.boardId, board.token!)
  let browser: Browser | null = null
  const pool = new ClientPool(2)
  const cold: Array<{ domReady: number; interactive: number }> = []
  const warm: Array<{ domReady: number; interactive: number }> = []
  let putCost: Record<number, number> = {}
  let idleFrames: number[] = []
  let busyFrames: number[] = []
  let moves = 0
  try {
    await seedBoard(peer.urls[0], board, shapes)
    browser = await launchBrowser()
    for (let i = 0; i < coldRuns; i++) {
      const page = await namedPage(browser)
      await page.goto(url)
      cold.push(await timeToInteractive(page, SHAPES))
      await page.reload()
      warm.push(await timeToInteractive(page, SHAPES))
      await page.context().close()
    }
    console.log(`client: cold ${cold.map((t) => t.interactive.toFixed(0)).join(', ')} ms`)
    // Frame times on a view of the 30 moving shapes (a 6 × 5 block of the grid, at 50 % zoom).
    const page = await namedPage(browser)
    await page.goto(url)
    await timeToInteractive(page, SHAPES)
    await page.evaluate(() => window.editor!.setCamera({ x: 0, y: 0, z: 0.5 }))
    idleFrames = await frameDeltas(page, sampleMs)
    const movers = shapes.filter((_, i) => i % 50 < 6 && Math.floor(i / 50) < 5).slice(0, REMOTE_PEERS)
    const specs = roomSpecs([board], movers.length, peer.urls, false).map((s, i) => ({ ...s, shapeId: movers[i].id }))
    await pool.connect(specs)
    const moving = pool.all<{ moves: number }>({ cmd: 'move', durationMs: moveMs, intervalMs: PEER_MOVE_INTERVAL_MS })
    await new Promise((r) => setTimeout(r, PEER_LEAD_MS))
    busyFrames = await frameDeltas(page, sampleMs)
    moves = (await moving).reduce((sum, m) => sum + m.moves, 0)
    await pool.close()
    putCost = await remotePutCost(page, PUT_BATCHES)
  } finally {
    await pool.exit()
    await browser?.close()
    await peer.stop()
  }
  const movesPerSecond = moves / (moveMs / 1000)
  const loads = (label: string, runs: typeof cold) => [
    label,
    median(runs.map((r) => r.domReady)),
    `${median(runs.map((r) => r.interactive)).toFixed(0)} (${runs.map((r) => r.interactive.toFixed(0)).join(', ')})`,
  ]
  const loadTable = formatTable(
    [`${SHAPES.toLocaleString('en')}-shape board`, 'DOMContentLoaded ms', `editor with all shapes ms (median of ${coldRuns})`],
    [loads('cold (fresh context)', cold), loads('warm (reload)', warm)],
  )
  const putTable = formatTable(
    ['shapes in one remote change', ...PUT_BATCHES.map(String)],
    [['page main thread, ms (median)', ...PUT_BATCHES.map((b) => putCost[b])]],
  )
  const frameTable = formatTable(
    ['while', 'frames', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    [
      ['idle (nobody else editing)', String(idleFrames.length), percentile(idleFrames, 50), percentile(idleFrames, 95), percentile(idleFrames, 99), Math.max(...idleFrames)],
      [
        `${REMOTE_PEERS} remote peers moving (${movesPerSecond.toFixed(0)} moves/s in all)`,
        String(busyFrames.length),
        percentile(busyFrames, 50),
        percentile(busyFrames, 95),
        percentile(busyFrames, 99),
        Math.max(...busyFrames),
      ],
    ],
  )
  const bundleTable = formatTable(
    ['JS file (dist/assets)', 'raw', 'gzip'],
    [
      ...bundle.map((b) => [b.file, formatBytes(b.raw), formatBytes(b.gzip)]),
      ['total', formatBytes(bundle.reduce((s, b) => s + b.raw, 0)), formatBytes(bundle.reduce((s, b) => s + b.gzip, 0))],
    ],
  )
  const method =
    `\`npm run build\`, then our server (SQLite mode, STATIC_DIR=dist) and Debian's Chromium, headless ` +
    `(bench/lib/harness/chromium.ts flags: --disable-gpu, so rendering is in software), viewport 1280 × 720. ` +
    `The board is seeded beforehand by a Node participant with ${SHAPES.toLocaleString('en')} shapes (as in the memory group). ` +
    `Cold: a fresh browser context (no cache, no IndexedDB copy), time from navigation start until ` +
    `\`window.editor\` exists and its page holds every shape (page-side performance.now(), polled each frame); ` +
    `warm: a reload in the same context (assets cached, board in IndexedDB). Frame time: ` +
    `requestAnimationFrame deltas over ${sampleMs / 1000} s at 50 % zoom on the ${REMOTE_PEERS} shapes the peers move, first with nobody ` +
    `editing, then while ${REMOTE_PEERS} stock y-websocket peers (in 2 load-generator processes) each write their shape's ` +
    `record every ${PEER_MOVE_INTERVAL_MS} ms (the entry writes of YKeyValue.set, see bench/lib/loadClients.ts), taking turns. Chromium, the peers and the server share the ` +
    `2 cores, so the frame times include that contention. Remote change cost: in the same page, ` +
    `store.mergeRemoteChanges(() => store.put(records)) timed for 1, 10 and 30 moved shapes at once — what the binding ` +
    `does once per animation frame with the remote changes that arrived in it (bench/perf/pageProbes.ts). Bundle: every JS file in dist/assets, gzip level 9 (zlib).`
  return { title: 'Client', method, tables: [loadTable, frameTable, putTable, bundleTable] }
}
