import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import { RECORDS_ARRAY } from '../client/sync/yRecords'
import { SqliteBoardStore } from '../server/store/sqliteStore'
import { geoShape } from '../tests/support/tlStore'
import { formatTable, percentile } from './stats'

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

/**
 * What our server does per incoming update besides what the anchor does, timed in this process:
 * the emptiness check (Y.decodeUpdate) and the SQLite append (one transaction per update, WAL,
 * synchronous=NORMAL; a WAL checkpoint runs inside an append every ~1,000 pages and blocks the
 * event loop), next to the Y.applyUpdate both servers do. Returns a markdown table.
 */
export function measureServerCosts(): string {
  const { initial, moves: updates } = moveUpdates(UPDATES)
  const bytes = updates.reduce((s, u) => s + u.byteLength, 0) / updates.length
  const doc = new Y.Doc()
  Y.applyUpdate(doc, initial)
  const apply = timeEach(updates, (u) => Y.applyUpdate(doc, u))
  const decode = timeEach(updates, (u) => Y.decodeUpdate(u))
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-bench-'))
  const store = new SqliteBoardStore(join(dir, 'costs.sqlite'))
  const append = timeEach(updates, (u) => store.append('board', u))
  store.close()
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
      row('Y.decodeUpdate (is it empty?)', decode, 'ours'),
      row('SQLite append (WAL, NORMAL)', append, 'ours, SQLite mode'),
    ],
  )
}
