import { readFileSync } from 'node:fs'
import { ClientPool, roomSpecs } from '../lib/clientPool'
import { newBoards, startAnchor, startOursNoDisk, startOursRedis, startOursSqlite, type Peer } from '../lib/peers'
import { measureServerCosts } from './serverCosts'
import { formatTable, percentile, type Section } from '../lib/stats'

/** Pause between paced edits of one room: 50 edits/s, like 10 people dragging at 5 changes/s each. */
export const PACED_INTERVAL_MS = 20
/**
 * The same for the 50-room scenario's main row: 50 rooms at 20 ms are 2,500 edits/s, which with
 * the load generator's own work runs this shared 2-core machine near its limit (kept as a second row).
 */
export const MANY_ROOMS_INTERVAL_MS = 100
/** Client-side worker processes (the load generator); see the method note. */
export const CLIENT_WORKERS = Number(process.env.CLIENT_WORKERS ?? 2)
/**
 * Full run: rounds, and paced edits per room in each (pooled: 5 × 60 edits per room). Many short
 * rounds spread a spell of load from elsewhere on the machine over all servers.
 */
const ROUNDS = 5
const PACED_EDITS_PER_ROUND = 60
/** Edits per room in the burst phase, spread over its clients (at least 2 each). */
const BURST_EDITS_PER_ROOM = 200
/** Linux clock ticks per second for /proc/<pid>/stat CPU times (CLK_TCK; 100 on Debian). */
const CLOCK_TICKS_PER_SECOND = 100

export interface Scenario {
  rooms: number
  clientsPerRoom: number
  /** Pause between paced edits of one room. */
  intervalMs: number
}

/** Raw result of one scenario against one peer; rounds are pooled before percentiles are taken. */
interface Sample {
  latencies: number[]
  deliveries: number
  burstSeconds: number
  /** Server CPU time during the burst, in milliseconds. */
  cpuMs: number
  /** Server CPU time, load-generator CPU time and wall time of the paced phase, in milliseconds. */
  pacedCpuMs: number
  pacedClientCpuMs: number
  pacedMs: number
}

const FULL: Scenario[] = [
  { rooms: 1, clientsPerRoom: 10, intervalMs: PACED_INTERVAL_MS },
  { rooms: 1, clientsPerRoom: 30, intervalMs: PACED_INTERVAL_MS },
  { rooms: 1, clientsPerRoom: 100, intervalMs: PACED_INTERVAL_MS },
  { rooms: 1, clientsPerRoom: 300, intervalMs: PACED_INTERVAL_MS },
  { rooms: 50, clientsPerRoom: 10, intervalMs: MANY_ROOMS_INTERVAL_MS },
  { rooms: 50, clientsPerRoom: 10, intervalMs: PACED_INTERVAL_MS },
]
const QUICK: Scenario[] = [
  { rooms: 1, clientsPerRoom: 10, intervalMs: PACED_INTERVAL_MS },
  { rooms: 1, clientsPerRoom: 30, intervalMs: PACED_INTERVAL_MS },
  { rooms: 10, clientsPerRoom: 10, intervalMs: MANY_ROOMS_INTERVAL_MS },
]

/**
 * BENCH_SCENARIOS=50x10@20,1x300@20 runs only those rows (for work on one of them; run.ts then
 * writes a partial report), BENCH_ROUNDS=2 fewer rounds, BENCH_SERVERS=sqlite,anchor only those
 * servers (sqlite, nodisk, redis, anchor).
 */
export const scenarioFilter = process.env.BENCH_SCENARIOS?.split(',').map((x) => x.trim()).filter(Boolean)
export const serverFilter = process.env.BENCH_SERVERS?.split(',').map((x) => x.trim()).filter(Boolean)
const wanted = (server: 'sqlite' | 'nodisk' | 'redis' | 'anchor') => !serverFilter || serverFilter.includes(server)
const scenarioKey = (s: Scenario) => `${s.rooms}x${s.clientsPerRoom}@${s.intervalMs}`
function selectScenarios(all: Scenario[]): Scenario[] {
  if (!scenarioFilter) return all
  const picked = all.filter((s) => scenarioFilter.includes(scenarioKey(s)))
  if (picked.length === 0) throw new Error(`BENCH_SCENARIOS matches none of ${all.map(scenarioKey).join(', ')}`)
  return picked
}

/** "min–max (median)" of per-round figures. */
const spread = (values: number[]) =>
  `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} (${percentile(values, 50).toFixed(0)})`
/** Paced edits per room in the warm-up. */
const WARM_UP_EDITS = 20
const label = (s: Scenario) => `${s.rooms} × ${s.clientsPerRoom}, ${s.intervalMs} ms`

/** User + system CPU time of processes, in milliseconds. */
function cpuMs(pids: number[]): number {
  let ticks = 0
  for (const pid of pids) {
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND
}

/**
 * One scenario against one peer. Phase 1 (latency): every room gets one edit per
 * `s.intervalMs`, written by its clients in turn, stamped with the send time; every other
 * client of the room records edit-to-remote-apply time. Phase 2 (throughput): every client sends
 * its share of BURST_EDITS_PER_ROOM at once; remote applies per second until the last arrived.
 */
export async function measure(pool: ClientPool, peer: Peer, s: Scenario, pacedEdits: number): Promise<Sample> {
  const rooms = await newBoards(peer, s.rooms)
  await pool.connect(roomSpecs(rooms, s.clientsPerRoom, peer.urls))
  const [serverBefore, clientsBefore, pacedStart] = [cpuMs(peer.pids), cpuMs(pool.pids), performance.now()]
  const paced = await pool.all<{ latencies: number[] }>({ cmd: 'paced', edits: pacedEdits, intervalMs: s.intervalMs })
  const pacedCpuMs = cpuMs(peer.pids) - serverBefore
  const pacedClientCpuMs = cpuMs(pool.pids) - clientsBefore
  const pacedMs = performance.now() - pacedStart
  const perClient = Math.max(2, Math.round(BURST_EDITS_PER_ROOM / s.clientsPerRoom))
  const cpuBefore = cpuMs(peer.pids)
  const burst = await pool.all<{ startMs: number; endMs: number; expected: number }>({ cmd: 'burst', perClient })
  const cpu = cpuMs(peer.pids) - cpuBefore
  const closed = await pool.close()
  if (closed.some((c) => c !== '{}')) console.log(`warning: connections closed during the run: ${closed.join(' ')}`)
  return {
    latencies: paced.flatMap((p) => p.latencies),
    deliveries: burst.reduce((sum, b) => sum + b.expected, 0),
    burstSeconds: (Math.max(...burst.map((b) => b.endMs)) - Math.min(...burst.map((b) => b.startMs))) / 1000,
    cpuMs: cpu,
    pacedCpuMs,
    pacedClientCpuMs,
    pacedMs,
  }
}

/**
 * Relay latency and throughput of every peer. Each round runs every scenario against every
 * peer, one after another (the order rotates), so that a burst of load from elsewhere on the
 * machine hits all peers alike; the rounds' samples are pooled.
 */
export async function runRelayGroup(quick: boolean): Promise<Section> {
  const scenarios = selectScenarios(quick ? QUICK : FULL)
  const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : ROUNDS))
  const pacedEdits = quick ? 50 : PACED_EDITS_PER_ROUND
  const peers: Peer[] = []
  let redis: Peer | null = null
  const pool = new ClientPool(CLIENT_WORKERS)
  const samples = new Map<string, Sample[]>()
  const key = (s: Scenario, peer: Peer) => `${label(s)} ${peer.name}`
  try {
    if (wanted('sqlite')) peers.push(await startOursSqlite())
    redis = wanted('redis') ? await startOursRedis() : null
    if (redis) peers.push(redis)
    else if (wanted('redis')) console.log('Redis mode: not available')
    if (wanted('nodisk')) peers.push(await startOursNoDisk())
    if (wanted('anchor')) peers.push(await startAnchor())
    if (peers.length === 0) throw new Error('BENCH_SERVERS matches none of sqlite, nodisk, redis, anchor')
    // Warm-up, not reported: the largest selected scenario once per server, so that its JIT, heap
    // and (ours) SQLite file have seen that load before the first measured round.
    const largest = scenarios.reduce((a, b) => (b.rooms * b.clientsPerRoom > a.rooms * a.clientsPerRoom ? b : a))
    for (const peer of peers) await measure(pool, peer, largest, WARM_UP_EDITS)
    for (let round = 0; round < rounds; round++) {
      for (const [i, s] of scenarios.entries()) {
        for (const peer of peers.map((_, k) => peers[(k + i + round) % peers.length])) {
          const sample = await measure(pool, peer, s, pacedEdits)
          samples.set(key(s, peer), [...(samples.get(key(s, peer)) ?? []), sample])
          console.log(`relay round ${round + 1}: ${key(s, peer)}: p99 ${percentile(sample.latencies, 99).toFixed(1)} ms`)
        }
      }
    }
  } finally {
    await pool.exit()
    for (const peer of peers) await peer.stop()
  }
  const rows = scenarios.flatMap((s) =>
    peers.map((peer) => {
      const all = samples.get(key(s, peer)) ?? []
      const latencies = all.flatMap((a) => a.latencies)
      const deliveries = all.reduce((sum, a) => sum + a.deliveries, 0)
      return [
        label(s),
        peer.name,
        percentile(latencies, 50),
        percentile(latencies, 95),
        percentile(latencies, 99),
        spread(all.map((a) => percentile(a.latencies, 99))),
        deliveries / all.reduce((sum, a) => sum + a.burstSeconds, 0),
        (all.reduce((sum, a) => sum + a.cpuMs, 0) * 1000) / deliveries,
        (100 * all.reduce((sum, a) => sum + a.pacedCpuMs, 0)) / all.reduce((sum, a) => sum + a.pacedMs, 0),
        (100 * all.reduce((sum, a) => sum + a.pacedClientCpuMs, 0)) / all.reduce((sum, a) => sum + a.pacedMs, 0),
      ]
    }),
  )
  const table = formatTable(
    ['rooms × clients, edit every', 'server', 'p50 ms', 'p95 ms', 'p99 ms', 'p99 by round ms: min–max (median)', 'remote applies/s', 'server CPU µs / apply', 'server CPU % (paced)', 'clients CPU % (paced)'],
    rows,
  )
  const method =
    `Stock y-websocket 3 clients (Node, \`ws\`), spread over ${CLIENT_WORKERS} load-generator processes ` +
    `(bench/lib/loadClients.ts; with one, the clients' own work — every client applies every update — ` +
    `dominated the 300-client figures); each server is a separate process on loopback. ` +
    `${rounds} round(s); each runs every scenario against every server in turn (the order rotates), after a ` +
    `warm-up (the largest scenario once per server, ${WARM_UP_EDITS} paced edits per room, not reported); the rounds' samples are pooled (the p99 of each round alone is shown as a range with its median, to show the noise). Latency: ${pacedEdits} paced edits per room per round, one every ` +
    `${PACED_INTERVAL_MS} ms per room (${MANY_ROOMS_INTERVAL_MS} ms in the first many-room row: see its note), written by the room's clients in turn; the time from the edit to its arrival in each ` +
    `other client's Y.Doc (process.hrtime: one monotonic clock for all processes). It includes the load ` +
    `generator's own time to apply the update, which grows with the number of clients. Throughput: every ` +
    `client sends its share of ${BURST_EDITS_PER_ROOM} edits per room at once (at least 2 each); remote applies per ` +
    `second until the last one arrived. Server CPU: user + system time of the server processes ` +
    `(/proc/<pid>/stat, 10 ms ticks) during the burst, per remote apply — less sensitive to the shared ` +
    `machine than the times — and during the paced phase as a share of one core (100 % = one core busy), ` +
    `next to the same for the load-generator processes. 50 rooms with an edit every ${PACED_INTERVAL_MS} ms are ${(50 * 1000) / PACED_INTERVAL_MS} edits/s ` +
    `and ${(50 * 9 * 1000) / PACED_INTERVAL_MS} remote applies/s: server and load generator alone then keep one to one and a ` +
    `half of the 2 cores busy (last two columns), so with the other work on this shared machine that row runs ` +
    `near the machine's limit and its tail changes from run to run; the ${MANY_ROOMS_INTERVAL_MS} ms row is the many-room comparison. Our server runs with its default rate limits and ` +
    `MAX_CONNECTIONS_PER_BOARD/MAX_CONNECTIONS_PER_IP/MAX_CREATIONS_PER_IP_PER_HOUR raised (every client comes from 127.0.0.1); ` +
    `its boards are created through \`POST /api/boards\` before a scenario's clients connect, and they join with the participant token (the anchor takes any room name). ` +
    (wanted('nodisk')
      ? '"No disk" is our same server with its store in memory (server/store/memoryStore.ts, not a product mode): it relays at once, like the anchor, so the difference to our SQLite row is what writing each update to disk before relaying it costs. '
      : '') +
    (redis
      ? 'Redis mode: two instances of our server and one redis-server; the clients of a room alternate between the instances; its CPU columns include redis-server.'
      : 'Redis mode: not available in this build (no `"store":"redis"` on /healthz), so it is absent.')
  const costs =
    'The second table times, inside the benchmark process (bench/perf/serverCosts.ts), the steps our server ' +
    'takes for every incoming update besides the Y.applyUpdate and the sends that the anchor does too.'
  return { title: 'Relay latency and throughput', method: `${method}\n\n${costs}`, tables: [table, await measureServerCosts()] }
}
