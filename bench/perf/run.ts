import { execSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname } from 'node:path'
import { runClientGroup } from './clientApp'
import { runGrowthGroup } from './docGrowth'
import { runMemoryGroup } from './memory'
import { runPhotoGroup } from './photos'
import { runRelayGroup, scenarioFilter, serverFilter } from './relayLatency'
import { runCostGroup } from './updateCost'
import type { Section } from '../lib/stats'

/**
 * `npm run bench`: every group, each in this one run with its servers side by side, then
 * docs/performance.md. QUICK=1 runs small sizes (≈2 minutes) and BENCH_GROUPS=relay,memory only
 * those groups; both write to test-output/ (git-ignored) instead, leaving the full report alone.
 * A group that fails is reported as such; the others still run, and the exit code is 1.
 */
const quick = process.env.QUICK === '1'
const OBSERVATIONS_HEADING = '## Observations'
const groups: Record<string, (quick: boolean) => Promise<Section>> = {
  relay: runRelayGroup,
  memory: runMemoryGroup,
  growth: runGrowthGroup,
  client: runClientGroup,
  cost: runCostGroup,
  photos: runPhotoGroup,
}
const selected = (process.env.BENCH_GROUPS ?? Object.keys(groups).join(','))
  .split(',')
  .map((g) => g.trim())
  .filter(Boolean)
for (const name of selected) if (!groups[name]) throw new Error(`unknown group "${name}" (${Object.keys(groups).join(', ')})`)

const startedAt = Date.now()
const sections: Section[] = []
let failed = false
for (const name of selected) {
  const groupStart = Date.now()
  console.log(`\n=== ${name} ===`)
  try {
    const section = await groups[name](quick)
    sections.push(section)
    console.log(`\n${section.title}\n\n${section.tables.join('\n\n')}`)
  } catch (error) {
    failed = true
    console.error(error)
    sections.push({ title: `${name} (failed)`, method: `The group failed: \`${String(error).slice(0, 500)}\``, tables: [] })
  }
  console.log(`(${name}: ${((Date.now() - groupStart) / 1000).toFixed(0)} s)`)
}
const minutes = (Date.now() - startedAt) / 60_000

/**
 * The report's hand-written part: everything from OBSERVATIONS_HEADING on is kept from the
 * previous report, so a new run replaces the tables but not the analysis (re-read it after a run).
 */
function handWritten(file: string): string {
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const at = previous.indexOf(OBSERVATIONS_HEADING)
  return at < 0 ? '' : `\n${previous.slice(at)}`
}

function commit(): string {
  try {
    const hash = execSync('git rev-parse --short HEAD').toString().trim()
    const dirty = execSync('git status --porcelain').toString().trim() !== ''
    return dirty ? `${hash} (with uncommitted changes)` : hash
  } catch {
    return 'unknown'
  }
}

const cpu = cpus()
const machine =
  `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, ` +
  `Node ${process.version}, ${process.platform}`
const header =
  `# Performance\n\n` +
  `Written by \`${quick ? 'QUICK=1 ' : ''}npm run bench\` (bench/perf/run.ts) on ${new Date(startedAt).toISOString()}, ` +
  `commit ${commit()}; the run took ${minutes.toFixed(1)} minutes. \`QUICK=1 npm run bench\` runs small sizes in about ` +
  `2 minutes and writes test-output/performance-quick.md instead; \`BENCH_GROUPS=relay,memory,growth,client\` picks groups, \`BENCH_SCENARIOS=50x10@20\` relay rows, \`BENCH_SERVERS=sqlite,anchor\` relay servers (sqlite, nodisk, redis, anchor) and \`BENCH_ROUNDS=2\` relay rounds (those write test-output/performance-partial.md).\n\n` +
  `Machine: ${machine}. The machine is shared with other work running at the same time, so absolute ` +
  `figures are noisy; within a group the servers are measured in one run, one after another per ` +
  `scenario, so their ratios are the figures to trust.${quick ? ' QUICK=1: small sizes, not the full suite.' : ''}\n`
const body = sections
  .map((s) => `## ${s.title}\n\n${s.method}\n\n${s.tables.join('\n\n')}\n${s.notes ? `\n${s.notes}\n` : ''}`)
  .join('\n')
const partial =
  selected.length < Object.keys(groups).length || scenarioFilter !== undefined || serverFilter !== undefined || process.env.BENCH_ROUNDS !== undefined
const file = quick ? 'test-output/performance-quick.md' : partial ? 'test-output/performance-partial.md' : 'docs/performance.md'
mkdirSync(dirname(file), { recursive: true })
writeFileSync(file, `${header}\n${body}${handWritten(file)}`)
console.log(`\nwritten to ${file} (${minutes.toFixed(1)} min)`)
// tldraw, once imported, keeps the event loop alive.
process.exit(failed ? 1 : 0)
