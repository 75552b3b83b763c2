import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import { RECORDS_ARRAY } from '../../client/sync/yRecords'
import { SqliteBoardStore } from '../../server/store/sqliteStore'
import { geoShape } from '../lib/harness/tlStore'
import { formatTable, percentile } from '../lib/stats'

/** Updates measured per step (moves of one shape, as a drag sends them). */
const UPDATES = 20_000

/**
 * A board with one tldraw rectangle (as one update) and `count` moves of it, each an update as
 * YKeyValue writes it.
 */
function moveUpdates(count: number): { initial: Uint8Array; moves: Uint8Array[] } {
  const doc = new Y.Doc()
  const records = new YKeyValue<ReturnType<typeof geoShape>>(doc.getArray(RECORDS_ARRAY))
  const shape = geoShape(0, 0)
  records.set(shape.id, shape)
  const initial = Y.encodeStateAsUpdate(doc)
  const moves: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => moves.push(u))
  for (let i = 1; i <= count; i++) records.set(shape.id, { ...shape, x: i })
  return { initial, moves }
}

function timeEach(updates: Uint8Array[], step: (u: Uint8Array) => void): number[] {
  return updates.map((u) => {
    const t = performance.now()
    step(u)
    return (performance.now() - t) * 1000
  })
}

/** Appends committed together in the batched measurement: a busy turn of the event loop. */
const BATCH = 20
/** The quiet-server measurement: appends spaced like one room's edits (PACED_INTERVAL_MS in the relay rows). */
const QUIET_APPENDS = 250
const QUIET_SPACING_MS = 20

/**
 * Appends one every QUIET_SPACING_MS, as in a small room: each is committed at once, but by a
 * process that was idle in between, which on this machine makes the same commit several times
 * slower than back to back (cold caches; every commit is several system calls).
 */
async function timeQuietAppends(store: SqliteBoardStore, updates: Uint8Array[]): Promise<number[]> {
  const times: number[] = []
  for (const u of updates.slice(0, QUIET_APPENDS)) {
    await new Promise((resolve) => setTimeout(resolve, QUIET_SPACING_MS))
    const t = performance.now()
    await store.append('board', u) // nothing to await on a quiet server: committed when it returns
    times.push((performance.now() - t) * 1000)
  }
  return times
}

/**
 * What our server does per incoming update besides what the anchor does, timed in this process:
 * the SQLite append (WAL, synchronous=NORMAL; the WAL
 * is checkpointed by a worker thread, beside these commits), once with one
 * commit per update and once as a busy server does it, all appends of a turn in one commit (here
 * BATCH at a time), and spaced out as a quiet server does it (committed at once), next to the
 * Y.applyUpdate both servers do; and the Y.decodeUpdate that it
 * did for every update until the facilitation state got a room of its own (now only for a
 * view-only connection's sync step 2). Returns a markdown table.
 */
export async function measureServerCosts(): Promise<string> {
  const { initial, moves: updates } = moveUpdates(UPDATES)
  const bytes = updates.reduce((s, u) => s + u.byteLength, 0) / updates.length
  const doc = new Y.Doc()
  Y.applyUpdate(doc, initial)
  const apply = timeEach(updates, (u) => Y.applyUpdate(doc, u))
  const decode = timeEach(updates, (u) => Y.decodeUpdate(u))
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-bench-'))
  const single = new SqliteBoardStore(join(dir, 'single.sqlite'))
  const appendEach = timeEach(updates, (u) => {
    void single.append('board', u)
    single.flush()
  })
  await single.close()
  const batched = new SqliteBoardStore(join(dir, 'batched.sqlite'))
  const appendBatched: number[] = []
  for (let i = 0; i < updates.length; i += BATCH) {
    const chunk = updates.slice(i, i + BATCH)
    const t = performance.now()
    for (const u of chunk) void batched.append('board', u)
    batched.flush()
    const perUpdate = ((performance.now() - t) * 1000) / chunk.length
    for (let k = 0; k < chunk.length; k++) appendBatched.push(perUpdate)
  }
  await batched.close()
  const quiet = new SqliteBoardStore(join(dir, 'quiet.sqlite'))
  const appendQuiet = await timeQuietAppends(quiet, updates)
  await quiet.close()
  rmSync(dir, { recursive: true, force: true })
  const row = (name: string, t: number[], both: string) => [
    name,
    both,
    t.reduce((s, x) => s + x, 0) / t.length,
    percentile(t, 99),
    Math.max(...t) / 1000,
  ]
  return formatTable(
    [`per update (${UPDATES.toLocaleString('en')} moves, ${bytes.toFixed(0)} B each)`, 'done by', 'mean µs', 'p99 µs', 'max ms'],
    [
      row('Y.applyUpdate', apply, 'both servers'),
      row('Y.decodeUpdate (which roots? is it empty?)', decode, 'ours before the facilitation room'),
      row('SQLite append, one commit per update, back to back', appendEach, 'ours before batching'),
      row(`SQLite append, ${BATCH} per commit (per update)`, appendBatched, 'ours, SQLite mode, busy server'),
      row(`SQLite append, one every ${QUIET_SPACING_MS} ms (${QUIET_APPENDS}), committed at once`, appendQuiet, 'ours, SQLite mode, quiet server'),
    ],
  )
}
