import * as Y from 'yjs'
import { recordsOf } from '../../client/sync/yRecords'
import type { BenchBoard } from '../lib/benchBoard'
import { endFrame, joinAsParticipant, leave, realisticShapes, waitForRecords, type Participant } from '../lib/boardSeed'
import { ClientPool, roomSpecs } from '../lib/clientPool'
import { collectGarbage, jsHeapUsed } from '../lib/inspector'
import { newBoards, rssBytes, startAnchor, startOursSqlite, type Peer } from '../lib/peers'
import { formatBytes, formatTable, median, type Section } from '../lib/stats'

/** Wait after a load is in place before reading RSS, so that allocation spikes have passed. */
const SETTLE_MS = 1_000
/** RSS is read this many times, this far apart, and the median is used. */
const RSS_SAMPLES = 5
const RSS_SAMPLE_INTERVAL_MS = 200
const SHAPES_ON_BIG_BOARD = 2_000

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Reading {
  rss: number
  heap: number
}

/** RSS (median of several reads) and V8 heap in use, after settling and a full collection. */
async function settledReading(peer: Peer): Promise<Reading> {
  await sleep(SETTLE_MS)
  await collectGarbage(peer.inspectPort!)
  const samples: number[] = []
  for (let i = 0; i < RSS_SAMPLES; i++) {
    samples.push(peer.pids.reduce((sum, pid) => sum + rssBytes(pid), 0))
    await sleep(RSS_SAMPLE_INTERVAL_MS)
  }
  return { rss: median(samples), heap: await jsHeapUsed(peer.inspectPort!) }
}

/** What a load added: RSS and JS heap after minus before, divided by `per`. */
interface Added {
  start: Reading
  rss: number
  heap: number
}

/**
 * A fresh server process per measurement: `boards` boards created (through our API; the anchor
 * needs none), warmed up with one client on a throwaway board, read, the load applied to the
 * boards, read again. Creating them before the first reading keeps their access records out of
 * the figure: it is what loaded boards and connections cost.
 */
async function measureLoad(
  start: () => Promise<Peer>,
  pool: ClientPool,
  per: number,
  boards: number,
  load: (peer: Peer, boards: BenchBoard[]) => Promise<void>,
): Promise<Added> {
  const peer = await start()
  try {
    const [throwaway, ...forLoad] = await newBoards(peer, 1 + boards)
    await pool.connect(roomSpecs([throwaway], 1, peer.urls))
    await pool.close()
    const before = await settledReading(peer)
    await load(peer, forLoad)
    const after = await settledReading(peer)
    return { start: before, rss: (after.rss - before.rss) / per, heap: (after.heap - before.heap) / per }
  } finally {
    await pool.close().catch(() => undefined)
    await peer.stop()
  }
}

const cell = (a: Added) => `${formatBytes(a.rss)} (heap ${formatBytes(a.heap)})`

/**
 * Resident memory (VmRSS) of the server process per loaded board and per connection, for our
 * server (SQLite mode) and the anchor, each measured in a fresh process.
 */
export async function runMemoryGroup(quick: boolean): Promise<Section> {
  const emptyBoards = quick ? 50 : 200
  const idleConnections = quick ? 200 : 1_000
  const pool = new ClientPool(2)
  const starts: Array<[string, () => Promise<Peer>]> = [
    ['Samenbord (SQLite)', () => startOursSqlite({}, true)],
    ['@y/websocket-server 0.1.1', () => startAnchor(true)],
  ]
  const rows: Array<Array<string | number>> = []
  let docBytes = 0
  try {
    for (const [name, start] of starts) {
      // 1. Empty boards, one client (with presence) each.
      const empty = await measureLoad(start, pool, emptyBoards, emptyBoards, async (peer, boards) => {
        await pool.connect(roomSpecs(boards, 1, peer.urls))
      })
      // 2. One board with 2,000 realistic shapes, written through the binding by one client that stays.
      const writers: Participant[] = []
      const big = await measureLoad(start, pool, 1, 1, async (peer, [board]) => {
        const writer = await joinAsParticipant(peer.urls[0], board)
        writers.push(writer)
        writer.store.put(realisticShapes(SHAPES_ON_BIG_BOARD))
        await endFrame(writer.store)
        docBytes = Y.encodeStateAsUpdate(writer.doc).byteLength
        // The server holds the whole board once a fresh client sees every record; a second client stays.
        await waitForRecords(peer.urls[0], board, recordsOf(writer.doc).map.size)
        await pool.connect(roomSpecs([board], 1, peer.urls, false))
      })
      for (const writer of writers) await leave(writer)
      // 3. Idle connections on one empty board, without presence (see the method note).
      const idle = await measureLoad(start, pool, idleConnections, 1, async (peer, [board]) => {
        await pool.connect(roomSpecs([board], idleConnections, peer.urls, false))
      })
      console.log(`memory ${name}: measured`)
      rows.push([name, `${formatBytes(empty.start.rss)} (heap ${formatBytes(empty.start.heap)})`, cell(empty), cell(big), cell(idle)])
    }
  } finally {
    await pool.exit()
  }
  const table = formatTable(
    [
      'server',
      'at start',
      `per empty board (+1 client; ${emptyBoards} boards)`,
      `board with ${SHAPES_ON_BIG_BOARD.toLocaleString('en')} shapes (+2 clients)`,
      `per idle connection (${idleConnections.toLocaleString('en')} on one board)`,
    ],
    rows,
  )
  const method =
    `VmRSS of the server process (/proc/<pid>/status) and, in brackets, the part on the V8 heap (JS objects; ` +
    `the rest is buffers, sockets, SQLite's page cache and memory V8 has not given back). Each figure comes from a ` +
    `fresh server process: its boards created first (ours: through \`POST /api/boards\`, before the first read, so ` +
    `their access records are not counted; the anchor takes any room name), warmed up with one client on a throwaway ` +
    `board, read, load applied, read again; the ` +
    `table shows the difference. Each read: ${SETTLE_MS / 1000} s after the load settled, a full garbage collection ` +
    `(the server runs with --inspect on loopback; HeapProfiler.collectGarbage), the median of ${RSS_SAMPLES} RSS reads ` +
    `${RSS_SAMPLE_INTERVAL_MS} ms apart, and Runtime.getHeapUsage. ` +
    `Empty boards: ${emptyBoards} boards with one stock client each. ` +
    `Big board: one Node participant (tldraw store + our binding) writes ${SHAPES_ON_BIG_BOARD.toLocaleString('en')} shapes ` +
    `(70 % sticky notes with 3–12 words, 20 % labelled rectangles, 10 % texts; ` +
    `${formatBytes(docBytes)} as one Yjs update) and stays; a second client syncs it. Idle connections: stock ` +
    `clients on one empty board with presence switched off (with presence, 1,000 clients renewing it every 15 s ` +
    `would not be idle). Our server in SQLite mode runs under tsx, which adds to its start RSS but not to the ` +
    `differences. The anchor never ` +
    `frees a board when it has no persistence; ours frees it when the last client leaves.`
  return { title: 'Memory', method, tables: [table] }
}
