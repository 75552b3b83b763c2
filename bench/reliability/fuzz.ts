import { DEFAULT_MAX_MESSAGE_BYTES } from '../../server/config'
import { FRAME_KINDS } from '../lib/harness/fuzzFrames'
import { runFuzz, type FuzzResult } from '../lib/harness/fuzzRun'
import { mib } from '../lib/harness/processStats'
import { startServerProcess, tempDataDir } from '../lib/harness/server'
import { formatTable } from '../lib/stats'
import { envNumber, isMain, runContext, writeSection } from './reliabilityReport'

/**
 * Fuzzing: FUZZ_FRAMES (100,000) seeded malformed and hostile frames on short-lived raw sockets to
 * a server child process, while two honest stock clients keep editing the same board.
 */
const CONCURRENCY = 8

/** "close 4400 × 12, answered × 3", most frequent first. */
export function outcomeList(outcomes: Record<string, number>): string {
  return Object.entries(outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([outcome, n]) => `${outcome} × ${n}`)
    .join(', ')
}

export function fuzzTable(result: FuzzResult): string {
  return formatTable(
    ['frame kind', 'frames', 'connections', 'how each connection ended'],
    FRAME_KINDS.map((k) => {
      const s = result.byKind[k]
      return [k, String(s.frames), String(s.connections), outcomeList(s.outcomes)]
    }),
  )
}

export async function fuzz(): Promise<FuzzResult> {
  const frames = envNumber('FUZZ_FRAMES', 100_000)
  const seed = envNumber('SEED', 1)
  const server = await startServerProcess(tempDataDir())
  let result: FuzzResult
  let alive: boolean
  try {
    result = await runFuzz({
      url: server.url,
      port: server.port,
      pid: server.child.pid!,
      frames,
      seed,
      concurrency: CONCURRENCY,
      maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    })
    alive = server.child.exitCode === null
  } finally {
    server.child.kill('SIGTERM')
  }
  const table = fuzzTable(result)
  const summary = formatTable(
    ['frames', 'connections', 'seconds', 'server alive, /healthz ok', 'honest clients converged (+ fresh client)', 'presence spoofed', 'honest clients closed', 'unusable bytes served to a fresh client', 'RSS before → after (peak)'],
    [
      [
        String(result.frames),
        String(result.connections),
        (result.durationMs / 1000).toFixed(0),
        alive && result.healthOk ? 'yes' : 'NO',
        result.converged ? 'yes' : 'NO',
        String(result.spoofedPresence),
        result.honestCloseCodes.length ? result.honestCloseCodes.join(' ') : 'none',
        String(result.pendingBytesServed),
        `${mib(result.rssBeforeBytes)} → ${mib(result.rssAfterBytes)} MiB (${mib(result.peakRssBytes)})`,
      ],
    ],
  )
  console.log(`\n${table}\n\n${summary}\n`)
  writeSection(
    'fuzz',
    '## Fuzzing the websocket protocol\n\n' +
      `Last run: ${runContext()}. Command: \`npx tsx bench/reliability/fuzz.ts\` (FUZZ_FRAMES=${frames}, SEED=${seed}).\n\n` +
      'A server child process (default limits) gets seeded hostile frames on short-lived raw websockets, ' +
      `${CONCURRENCY} at a time, all on one board where two honest stock clients keep editing (map, array, text) ` +
      'and show their presence. Each connection sends a few frames of one kind, then a sync step 1 as a probe: ' +
      '*answered* means the server processed every frame, tolerated it and still served the connection; ' +
      '`close <code>` is the close code the server sent (see docs/protocol.md; 1006 = socket dropped, 1009 = ' +
      'frame past the hard limit of the websocket library). Kinds: random bytes; real messages cut short; ' +
      'broken or overlong varuints and lengths past the end; sync step 2 / update with garbage; sync step 1 with a ' +
      'garbage state vector; valid updates whose items hang off structs the server never saw (*danglingUpdate*) ' +
      "or that start past a gap in their sender's clock (*clockGapUpdate*); awareness states " +
      'past 64 KiB or with more than 16 entries (some just under the limit); presence sent for an honest ' +
      "client's id; presence with invalid JSON; floods of query-awareness; text frames; values nested past " +
      'the depth limit (*nestedValue*, up to 20,000 deep) and nested shared types (*nestedType*); more small map ' +
      'entries in one change than one message may bring (*manySmallItems*); one connection introducing presence id ' +
      'after presence id (*presenceFlood*) or presence nested past 32 (*deepPresence*); frames past ' +
      'MAX_MESSAGE_BYTES. Afterwards the server must answer /healthz, and the honest clients must agree with ' +
      'each other and with a fresh client. RSS is VmRSS of the server process (from /proc) after the honest ' +
      'clients joined and at the end; peak is VmHWM. *Unusable bytes served*: the changes a fresh client got ' +
      'in its sync step 2 that it can never integrate (Yjs keeps them as pending).\n\n' +
      table +
      '\n\n' +
      summary +
      '\n',
  )
  return result
}

if (isMain(import.meta.url)) await fuzz()
