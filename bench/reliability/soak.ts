import { fetchHealth, mib, readRssParts } from '../lib/harness/processStats'
import { runSoak, type SoakResult } from '../lib/harness/soakRun'
import { startServerProcess, tempDataDir } from '../lib/harness/server'
import { formatTable } from '../lib/stats'
import { envNumber, isMain, runContext, writeSection } from './reliabilityReport'

/**
 * Load and soak: SOAK_CLIENTS (200) stock clients over SOAK_BOARDS (20) boards for SOAK_MINUTES
 * (10), editing, moving their cursors and reconnecting now and then.
 */
const EDIT_INTERVAL_MS = 500
const PRESENCE_INTERVAL_MS = 2000
const CHURN_INTERVAL_MS = 2000
const IDLE_PAUSE_MS = 5000
const MS_PER_MINUTE = 60_000
/** Goal: RSS idle after the GC (second reading) at most this fraction above its warm-up level. */
export const SOAK_IDLE_RSS_TOLERANCE = 0.1

export async function soak(): Promise<SoakResult> {
  const clients = envNumber('SOAK_CLIENTS', 200)
  const boards = envNumber('SOAK_BOARDS', 20)
  const minutes = envNumber('SOAK_MINUTES', 10)
  const seed = envNumber('SEED', 1)
  // --expose-gc: the server collects garbage when its last board unloads, so idle RSS is after a GC.
  const server = await startServerProcess(tempDataDir(), { NODE_OPTIONS: '--expose-gc' })
  let result: SoakResult
  try {
    result = await runSoak({
      url: server.url,
      port: server.port,
      pid: server.child.pid!,
      clients,
      boards,
      durationMs: minutes * MS_PER_MINUTE,
      seed,
      editIntervalMs: EDIT_INTERVAL_MS,
      presenceIntervalMs: PRESENCE_INTERVAL_MS,
      churnIntervalMs: CHURN_INTERVAL_MS,
      idlePauseMs: IDLE_PAUSE_MS,
      onSample: ({ atMs, rssBytes }) => {
        const parts = readRssParts(server.child.pid!)
        void fetchHealth(server.port).then(({ memory: m, loadedBoards }) =>
          console.log(
            `${(atMs / 1000).toFixed(0)} s: server RSS ${mib(rssBytes)} MiB (anon ${mib(parts.anonBytes)}, file ${mib(parts.fileBytes)}; ` +
              `V8 heap ${mib(m.heapUsedBytes)} used / ${mib(m.heapTotalBytes)} total, external ${mib(m.externalBytes)}, ` +
              `array buffers ${mib(m.arrayBuffersBytes)}; ${loadedBoards} boards)`,
          ),
        )
      },
    })
  } finally {
    server.child.kill('SIGTERM')
  }
  const table = formatTable(
    ['clients', 'boards', 'minutes', 'edits', 'reconnects', 'boards converged', 'RSS after warm-up', 'RSS at end', 'peak', 'RSS idle after GC (2 readings)', 'JS heap after warm-up → idle after GC', 'loaded boards after all left', 'close codes seen'],
    [
      [
        String(clients),
        String(boards),
        String(minutes),
        String(result.edits),
        String(result.reconnects),
        `${result.convergedBoards} / ${boards}`,
        `${mib(result.rssAfterWarmupBytes)} MiB`,
        `${mib(result.rssEndBytes)} MiB`,
        `${mib(result.peakRssBytes)} MiB`,
        result.rssIdleBytes.map((b) => `${mib(b)}`).join(', ') + ' MiB',
        `${mib(result.heapAfterWarmupBytes)} → ${mib(result.heapIdleBytes)} MiB`,
        String(result.loadedBoardsAfterLeave),
        result.closeCodes.length ? result.closeCodes.join(' ') : 'none',
      ],
    ],
  )
  // About one RSS reading per minute and the last one (every sample for runs under two minutes).
  const step = minutes >= 2 ? MS_PER_MINUTE : 0
  let next = 0
  const timeline = result.samples
    .filter((s, i, all) => (s.atMs >= next || i === all.length - 1 ? ((next = s.atMs + step), true) : false))
    .map((s) => `${(s.atMs / 1000).toFixed(0)} s: ${mib(s.rssBytes)}`)
    .join(' · ')
  const m = result.idleMemory
  const idleParts =
    `Idle, after the GC: RSS ${mib(m.rssBytes)} MiB = ${mib(m.anonBytes)} MiB anonymous (V8 heap ${mib(m.heapTotalBytes)} MiB ` +
    `reserved of which ${mib(m.heapUsedBytes)} MiB in use, buffers ${mib(m.externalBytes)} MiB, the rest native: ` +
    `SQLite, the allocator, thread stacks) + ${mib(m.fileBytes)} MiB mapped files (node binary, libraries).`
  const idleChange = result.rssIdleBytes[1] / result.rssAfterWarmupBytes - 1
  const verdict =
    `Goal "RSS after a forced GC within ${SOAK_IDLE_RSS_TOLERANCE * 100} % of its level after warm-up": ` +
    `${idleChange <= SOAK_IDLE_RSS_TOLERANCE ? 'met' : 'NOT met'} (${idleChange >= 0 ? '+' : ''}${(idleChange * 100).toFixed(1)} %).`
  console.log(`\n${table}\n\nRSS (MiB) over time: ${timeline}\n\n${idleParts} ${verdict}\n`)
  writeSection(
    'soak',
    '## Load and soak\n\n' +
      `Last run: ${runContext()}. Command: \`SOAK_MINUTES=${minutes} npx tsx bench/reliability/soak.ts\` ` +
      `(SOAK_CLIENTS=${clients}, SOAK_BOARDS=${boards}, SEED=${seed}; the full run is 10 minutes).\n\n` +
      `${clients} stock clients spread evenly over ${boards} boards of a server child process. Each client edits ` +
      `every ${EDIT_INTERVAL_MS} ms (staggered): moves one of its 20 records in a map, adds or removes an item of a ` +
      'shared array, types or deletes text; the array and text keep a steady size, so memory should level off. ' +
      `Each client moves its cursor (presence) every ${PRESENCE_INTERVAL_MS} ms, and every ${CHURN_INTERVAL_MS} ms a ` +
      `random client drops its connection and comes back ${200} ms later. At the end every board's replicas must ` +
      'equal a fresh client\'s copy of the server state; then all clients leave and /healthz must report 0 loaded ' +
      `boards. RSS is VmRSS of the server process: after warm-up (a quarter of the run, at most a minute), at the ` +
      `end with all clients connected, and twice ${IDLE_PAUSE_MS / 1000} s apart after everyone left (the server runs with --expose-gc and, 1 s after its last board unloads, runs a compacting full collection: Relay.scheduleIdleGc). The first idle reading comes as soon as /healthz reports no loaded board, before that collection; the second one, 5 s later, is the one to compare with the warm-up level (goal: within 10 %). The JS heap in use (from /healthz) shows what the server still holds.\n\n` +
      table +
      `\n\nRSS (MiB) over time: ${timeline}\n\n${idleParts} ${verdict}\n`,
  )
  return result
}

if (isMain(import.meta.url)) await soak()
