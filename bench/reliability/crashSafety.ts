import { runCrashTrial, type CrashTrialResult } from '../lib/harness/crashTrial'
import { formatTable } from '../lib/stats'
import { envNumber, isMain, runContext, writeSection } from './reliabilityReport'

/**
 * Crash safety: CRASH_TRIALS (50) trials of 10 stock y-websocket clients editing one board, the
 * server killed with SIGKILL at a seeded moment, restarted on the same DATA_DIR, and checked by a
 * fresh client. SEED (1) is the first trial's seed; trial n uses SEED + n.
 */
const CLIENTS = 10
const EDIT_INTERVAL_MS = 10
const KILL_AFTER_MS: [number, number] = [200, 2000]

export async function crashSafety(): Promise<CrashTrialResult[]> {
  const trials = envNumber('CRASH_TRIALS', 50)
  const firstSeed = envNumber('SEED', 1)
  const results: CrashTrialResult[] = []
  for (let n = 0; n < trials; n++) {
    const result = await runCrashTrial({
      seed: firstSeed + n,
      clients: CLIENTS,
      editIntervalMs: EDIT_INTERVAL_MS,
      killAfterMs: KILL_AFTER_MS,
    })
    results.push(result)
    console.log(
      `trial ${n + 1}/${trials} seed ${result.seed}: killed after ${result.killAfterMs} ms, ` +
        `sent ${result.sent}, relayed ${result.relayed}, lost ${result.lost}`,
    )
  }
  const sum = (key: keyof CrashTrialResult) => results.reduce((a, r) => a + r[key], 0)
  const table = formatTable(
    ['trials', 'updates sent', 'relayed (seen by another client)', 'lost after restart', 'stored, not yet relayed', 'out of order'],
    [[results.length, sum('sent'), sum('relayed'), sum('lost'), sum('storedNotRelayed'), sum('malformed')].map(String)],
  )
  const failed = results.filter((r) => r.lost > 0 || r.malformed > 0).map((r) => r.seed)
  console.log(`\n${table}\n`)
  writeSection(
    'crash-safety',
    '## Crash safety (kill -9)\n\n' +
      `Last run: ${runContext()}. Command: \`npx tsx bench/reliability/crashSafety.ts\` (CRASH_TRIALS=${trials}, SEED=${firstSeed}).\n\n` +
      `Each trial starts the server as a child process on a new DATA_DIR; ${CLIENTS} clients on one board each ` +
      `push a counter to their own Y.Array every ${EDIT_INTERVAL_MS} ms. At a seeded moment ` +
      `${KILL_AFTER_MS[0]}–${KILL_AFTER_MS[1]} ms after the first edit the server gets SIGKILL; the compaction ` +
      `threshold (COMPACT_AFTER_UPDATES) is drawn per trial from 20, 100 and 500 so that kills also land around ` +
      'compactions. An update counts as *relayed* when at least one other client had received it before its ' +
      'socket closed. The server is restarted on the same DATA_DIR and a fresh client checks that every relayed ' +
      'update is there, in order. Goal: 0 lost.\n\n' +
      table +
      '\n\n' +
      (failed.length ? `Failing seeds: ${failed.join(', ')}.\n` : 'No trial lost anything.\n'),
  )
  return results
}

if (isMain(import.meta.url)) await crashSafety()
