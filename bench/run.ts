import { execSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { startServerProcess, tempDataDir } from '../tests/support/server'
import { measureRelay, type RelayResult } from './relayLatency'
import { formatTable } from './stats'

/**
 * `npm run bench`: starts our server as a separate process (SQLite mode, persisting every update
 * before relaying it) and measures it with stock y-websocket clients on loopback.
 * QUICK=1 runs smaller sizes.
 */
const quick = process.env.QUICK === '1'
const scenarios = quick
  ? [{ rooms: 1, clientsPerRoom: 10 }]
  : [
      { rooms: 1, clientsPerRoom: 10 },
      { rooms: 1, clientsPerRoom: 30 },
      { rooms: 1, clientsPerRoom: 100 },
      { rooms: 50, clientsPerRoom: 10 },
    ]

const server = await startServerProcess(tempDataDir())
const results: RelayResult[] = []
try {
  for (const s of scenarios) {
    const result = await measureRelay(server.url, {
      ...s,
      pacedEdits: quick ? 100 : 200,
      burstPerClient: Math.max(2, Math.round(200 / s.clientsPerRoom)),
    })
    results.push(result)
    console.log(`measured ${s.rooms} room(s) × ${s.clientsPerRoom} clients`)
  }
} finally {
  server.child.kill('SIGTERM')
}

const table = formatTable(
  ['rooms × clients', 'paced edits', 'p50 ms', 'p95 ms', 'p99 ms', 'remote applies/s (burst)'],
  results.map((r) => [`${r.rooms} × ${r.clients}`, r.edits, r.p50Ms, r.p95Ms, r.p99Ms, r.updatesPerSecond]),
)
console.log('\nRelay: edit-to-remote-apply latency and throughput (Samenbord, SQLite mode)\n')
console.log(table)

let commit = 'unknown'
try {
  commit = execSync('git rev-parse --short HEAD').toString().trim()
} catch {
  // not a git checkout
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
mkdirSync('docs', { recursive: true })
writeFileSync(
  'docs/performance.md',
  `# Performance\n\nLast run of \`npm run bench\`${quick ? ' (QUICK=1)' : ''}: ${new Date().toISOString()}, commit ${commit}, ${machine}.\n\n` +
    '## Relay latency and throughput\n\n' +
    'Stock y-websocket clients on loopback, all in one Node process; the server is a separate process ' +
    'in SQLite mode that writes every update to disk before relaying it. Latency: edit-to-remote-apply ' +
    `time of paced edits (one edit per room every ${20} ms). Throughput: every client sends a burst of ` +
    'edits at once; remote applies per second until the last one arrived.\n\n' +
    table +
    '\n',
)
console.log('\nwritten to docs/performance.md')
