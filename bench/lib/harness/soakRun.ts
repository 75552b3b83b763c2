import { closeClient } from './clients'
import { converged, startEditing } from './editing'
import { delay, fetchHealth, pollUntil, readMemory, readRssParts, type Health } from './processStats'
import { seededRandom } from './random'
import { connectClient, createBoard, whenSynced } from './server'

export interface SoakOptions {
  url: string
  port: number
  /** The server child process, for its RSS. */
  pid: number
  clients: number
  boards: number
  durationMs: number
  seed: number
  /** Each client edits this often (staggered). */
  editIntervalMs: number
  /** Each client moves its cursor (presence) this often. */
  presenceIntervalMs: number
  /** One random client drops its connection and comes back this often. */
  churnIntervalMs: number
  /** Pause between the two idle RSS readings at the end. */
  idlePauseMs: number
  /** Called with each RSS sample (for progress output). */
  onSample?: (sample: RssSample) => void
}

export interface RssSample {
  atMs: number
  rssBytes: number
}

export interface SoakResult {
  boards: number
  edits: number
  reconnects: number
  samples: RssSample[]
  rssAfterWarmupBytes: number
  /** The server's JS heap in use after warm-up, and after everyone left and it collected garbage. */
  heapAfterWarmupBytes: number
  heapIdleBytes: number
  /** The server's own memory breakdown (/healthz) and RssAnon/RssFile at the second idle reading. */
  idleMemory: Health['memory'] & { anonBytes: number; fileBytes: number }
  rssEndBytes: number
  peakRssBytes: number
  /** RSS after every client left and the boards were unloaded, read twice with a pause. */
  rssIdleBytes: [number, number]
  convergedBoards: number
  loadedBoardsAfterLeave: number
  connectionsAfterLeave: number
  /** Close codes the server sent to clients (none expected). */
  closeCodes: number[]
}

const SAMPLE_EVERY_MS = 5_000
/** Memory after the first quarter of the run (at most a minute) counts as "after warm-up". */
const MAX_WARMUP_MS = 60_000
const CHURN_PAUSE_MS = 200
const CONVERGE_TIMEOUT_MS = 60_000
const UNLOAD_TIMEOUT_MS = 30_000

/**
 * Load and soak: `clients` stock clients spread over `boards` boards edit, move their cursors and
 * now and then reconnect for `durationMs`; then every board must converge to the server's state
 * (a fresh client) and, once all have left, the server must unload every board.
 */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const rng = seededRandom(o.seed)
  const boards = await Promise.all(Array.from({ length: o.boards }, () => createBoard(o.port)))
  const clients = Array.from({ length: o.clients }, (_, i) => ({
    board: i % o.boards,
    ...connectClient(o.url, boards[i % o.boards]),
  }))
  const closeCodes: number[] = []
  for (const c of clients) c.provider.on('connection-close', (event) => event && closeCodes.push(event.code))
  await Promise.all(clients.map((c) => whenSynced(c.provider)))

  const stops: Array<() => number> = []
  const timers: NodeJS.Timeout[] = []
  clients.forEach((c, i) => {
    // Staggered, so that the edits of a board do not all arrive in the same millisecond.
    timers.push(setTimeout(() => stops.push(startEditing(c.doc, rng, `c${i}`, o.editIntervalMs)), rng.int(o.editIntervalMs)))
    timers.push(
      setInterval(() => c.provider.awareness.setLocalStateField('cursor', { x: rng.int(2000), y: rng.int(2000) }), o.presenceIntervalMs),
    )
  })
  let reconnects = 0
  timers.push(
    setInterval(() => {
      const c = rng.pick(clients)
      if (!c.provider.wsconnected) return
      c.provider.disconnect()
      reconnects++
      setTimeout(() => c.provider.connect(), CHURN_PAUSE_MS)
    }, o.churnIntervalMs),
  )

  const started = Date.now()
  const samples: RssSample[] = []
  const warmupMs = Math.min(MAX_WARMUP_MS, o.durationMs / 4)
  let rssAfterWarmupBytes = 0
  let heapAfterWarmupBytes = 0
  while (Date.now() - started < o.durationMs) {
    await delay(Math.min(SAMPLE_EVERY_MS, o.durationMs - (Date.now() - started)))
    const sample = { atMs: Date.now() - started, rssBytes: readMemory(o.pid).rssBytes }
    samples.push(sample)
    if (!rssAfterWarmupBytes && sample.atMs >= warmupMs) {
      rssAfterWarmupBytes = sample.rssBytes
      heapAfterWarmupBytes = (await fetchHealth(o.port)).heapUsedBytes
    }
    o.onSample?.(sample)
  }
  for (const timer of timers) clearInterval(timer)
  const edits = stops.reduce((sum, stop) => sum + stop(), 0)
  for (const c of clients) if (!c.provider.shouldConnect) c.provider.connect()

  let convergedBoards = 0
  for (const [b, board] of boards.entries()) {
    const fresh = connectClient(o.url, board)
    await whenSynced(fresh.provider)
    const docs = [...clients.filter((c) => c.board === b), fresh].map((c) => c.doc)
    const ok = await pollUntil(() => converged(docs), { timeoutMs: CONVERGE_TIMEOUT_MS }).then(() => true, () => false)
    if (ok) convergedBoards++
    closeClient(fresh)
  }
  const memory = readMemory(o.pid)

  for (const c of clients) closeClient(c)
  const idle = await pollUntil(async () => {
    const health = await fetchHealth(o.port)
    return health.loadedBoards === 0 && health.connections === 0
  }, { timeoutMs: UNLOAD_TIMEOUT_MS, what: 'every board to be unloaded' }).then(() => true, () => false)
  const health = await fetchHealth(o.port)
  const firstIdle = readMemory(o.pid).rssBytes
  await delay(o.idlePauseMs)
  const secondIdle = readMemory(o.pid).rssBytes
  const idleHealth = await fetchHealth(o.port)
  if (!idle) console.warn('soak: boards still loaded after every client left', health)
  return {
    boards: o.boards,
    edits,
    reconnects,
    samples,
    rssAfterWarmupBytes,
    heapAfterWarmupBytes,
    heapIdleBytes: idleHealth.heapUsedBytes,
    idleMemory: { ...idleHealth.memory, ...readRssParts(o.pid) },
    rssEndBytes: memory.rssBytes,
    peakRssBytes: readMemory(o.pid).peakRssBytes,
    rssIdleBytes: [firstIdle, secondIdle],
    convergedBoards,
    loadedBoardsAfterLeave: health.loadedBoards,
    connectionsAfterLeave: health.connections,
    closeCodes,
  }
}
