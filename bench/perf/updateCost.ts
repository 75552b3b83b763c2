import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import { inspectUpdate } from '../../protocol/inspectUpdate'
import { splitUpdate } from '../../protocol/splitUpdate'
import { formatBytes, formatTable, type Section } from '../lib/stats'

/**
 * What holding an update costs, for the relay's cost estimate (protocol/inspectUpdate.ts):
 * for updates of several shapes, the heap a Y.Doc takes once it is applied (measured after forced
 * collections, in a child process started with --expose-gc), the time to apply it whole and in
 * pieces (splitUpdate), and what inspectUpdate estimates. Group `cost` of `npm run bench`.
 */
interface Row {
  name: string
  bytes: number
  structs: number
  heapBytes: number
  estimateBytes: number
  applyMs: number
  inspectMs: number
  largestPieceMs: number
}

const SHAPES: Record<string, (doc: Y.Doc, n: number) => void> = {
  'small map entries': (doc, n) => doc.transact(() => { for (let i = 0; i < n; i++) doc.getMap('m').set(`k${i}`, i) }),
  'array entries, one client each': (doc, n) => {
    for (let i = 0; i < n / 6; i++) {
      doc.clientID = i + 1
      doc.getArray('a').push([{ x: i }])
    }
  },
  'nested values in map entries': (doc, n) => doc.transact(() => { for (let i = 0; i < n / 6; i++) doc.getMap('m').set(`k${i}`, { a: [1, 2, { b: 'x' }], c: 'hello' }) }),
  'tldraw-like records with history': (doc, n) => {
    const records = new YKeyValue<Record<string, unknown>>(doc.getArray('tl_records'))
    const shapes = Math.max(1, Math.round(n / 60))
    for (let i = 0; i < shapes; i++) {
      doc.clientID = (i % 50) + 1
      records.set(`shape:${i}`, { id: `shape:${i}`, typeName: 'shape', type: 'note', x: i, y: i, props: { richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: `Notitie ${i}` }] }] } } })
    }
    for (let j = 0; j < shapes * 10; j++) {
      doc.clientID = (j % 50) + 1
      const key = `shape:${j % shapes}`
      records.set(key, { ...records.get(key)!, x: j })
    }
  },
  'long strings': (doc, n) => doc.transact(() => { for (let i = 0; i < n / 1200; i++) doc.getMap('m').set(`k${i}`, 'x'.repeat(20_000)) }),
  'one item of many empty objects': (doc, n) => doc.getArray('a').push(Array.from({ length: n }, () => ({}))),
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc!
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/** Runs in the child (with --expose-gc): one row per shape. */
function measure(n: number): Row[] {
  return Object.entries(SHAPES).map(([name, build]) => {
    const source = new Y.Doc()
    build(source, n)
    const update = Y.encodeStateAsUpdate(source)
    source.destroy()
    let t = performance.now()
    const facts = inspectUpdate(update)
    const inspectMs = performance.now() - t
    const before = heapUsed()
    t = performance.now()
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    const applyMs = performance.now() - t
    const heapBytes = heapUsed() - before
    let largestPieceMs = 0
    const pieces = new Y.Doc()
    for (const piece of splitUpdate(update, 1_000).pieces) {
      t = performance.now()
      Y.applyUpdate(pieces, piece)
      largestPieceMs = Math.max(largestPieceMs, performance.now() - t)
    }
    doc.destroy()
    pieces.destroy()
    return { name, bytes: update.byteLength, structs: facts.structs, heapBytes, estimateBytes: facts.cost, applyMs, inspectMs, largestPieceMs }
  })
}

export async function runCostGroup(quick: boolean): Promise<Section> {
  const n = quick ? 12_000 : 120_000
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), 'child', String(n)], { maxBuffer: 1 << 24 })
  const rows = JSON.parse(out.toString().trim().split('\n').pop()!) as Row[]
  const table = formatTable(
    ['update', 'bytes', 'structs', 'heap once applied', 'estimate', 'estimate / heap', 'apply whole', 'largest 1,000-struct piece', 'inspect'],
    rows.map((r) => [
      r.name,
      formatBytes(r.bytes),
      String(r.structs),
      formatBytes(r.heapBytes),
      formatBytes(r.estimateBytes),
      (r.estimateBytes / r.heapBytes).toFixed(2),
      `${r.applyMs.toFixed(0)} ms`,
      `${r.largestPieceMs.toFixed(1)} ms`,
      `${r.inspectMs.toFixed(1)} ms`,
    ]),
  )
  return {
    title: '## What an update costs the relay',
    method:
      `Updates of about ${n.toLocaleString('en')} values each, in several shapes, encoded from a doc and applied to a fresh Y.Doc in a child ` +
      'process started with --expose-gc: *heap* is `heapUsed` after two forced collections, minus before; *estimate* is what ' +
      "`inspectUpdate` (the relay's admission check) says the update will cost, which the per-board and server-wide memory " +
      'budgets count (it should never be far below the heap: below 1 would let boards take more than their budget); *apply ' +
      'whole* is one `Y.applyUpdate`; *largest piece* is the longest of the same update applied in causally ordered pieces ' +
      'of 1,000 structs (`splitUpdate`), as a stored board is loaded; *inspect* is the admission check itself.',
    tables: [table],
  }
}

if (process.argv[2] === 'child') console.log(JSON.stringify(measure(Number(process.argv[3]))))
