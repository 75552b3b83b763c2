import * as Y from 'yjs'
import { SqliteBoardStore } from '../../server/store/sqliteStore'
import { geoShape } from '../lib/harness/tlStore'
import { endFrame, joinAsParticipant, leave, type Participant } from '../lib/boardSeed'
import { FRAMES_PER_DRAG, FULL_MEETING, MEETING_MINUTES, runMeeting, type MeetingPlan } from './meeting'
import { sqliteFileOf, startOursSqlite, type Peer } from '../lib/peers'
import { formatBytes, formatTable, type Section } from '../lib/stats'

/** So high that nothing is compacted while clients are connected: the log shows every update. */
const NO_COMPACTION_WHILE_OPEN = '1000000000'
/** Longest wait for the server's log to take in every update, or for the compaction. */
const STORE_WAIT_MS = Number(process.env.BENCH_STORE_WAIT_MS ?? 120_000)
const QUICK_MEETING: MeetingPlan = { notes: 30, textEdits: 12, drags: 40, deletes: 4 }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function waitFor(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + STORE_WAIT_MS
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Waits until the server's log of a board has stopped growing at ≥ `minEntries` entries. */
async function settledLog(store: SqliteBoardStore, boardId: string, minEntries: number): Promise<number> {
  let last = -1
  await waitFor(`${minEntries} log entries (${store.logLength(boardId)} now)`, () => {
    const n = store.logLength(boardId)
    const settled = n >= minEntries && n === last
    last = n
    return settled
  })
  return last
}

interface Growth {
  what: string
  updates: number
  logEntries: number
  logBytes: number
  compactedBytes: number
  clientStateBytes: number
}

/** Measures the log while everyone is on, then lets everyone leave and measures the merged state. */
async function measureBoard(
  store: SqliteBoardStore,
  boardId: string,
  people: Participant[],
  what: string,
  updates: number,
): Promise<Growth> {
  const logEntries = await settledLog(store, boardId, updates)
  const logBytes = store.byteSize(boardId)
  const clientStateBytes = Y.encodeStateAsUpdate(people[0].doc).byteLength
  for (const p of people) await leave(p)
  await waitFor('compaction after the last client left', () => store.logLength(boardId) === 1)
  return { what, updates, logEntries, logBytes, compactedBytes: store.byteSize(boardId), clientStateBytes }
}

/** 10,000 moves of one shape by one participant, through the real binding. */
async function moves(peer: Peer, store: SqliteBoardStore, count: number): Promise<Growth> {
  const board = await peer.newBoard()
  const p = await joinAsParticipant(peer.urls[0], board)
  const shape = geoShape(0, 0)
  p.store.put([shape])
  await endFrame(p.store)
  for (let i = 1; i <= count; i++) {
    p.store.update(shape.id, (s) => ({ ...s, x: i % 1000, y: Math.floor(i / 1000) * 10 }))
    await endFrame(p.store) // one move per frame: one update each
  }
  return measureBoard(store, board.boardId, [p], `${count.toLocaleString('en')} moves of one shape`, count)
}

/** The scripted meeting with `participants` Node participants. */
async function meeting(peer: Peer, store: SqliteBoardStore, participants: number, plan: MeetingPlan): Promise<Growth> {
  const board = await peer.newBoard()
  const people: Participant[] = []
  for (let i = 0; i < participants; i++) people.push(await joinAsParticipant(peer.urls[0], board))
  const { changes } = await runMeeting(people, plan)
  const shapes = (p: Participant) => p.store.allRecords().filter((r) => r.typeName === 'shape').length
  await waitFor('all participants to converge', () => people.every((p) => shapes(p) === shapes(people[0])))
  const what =
    `${MEETING_MINUTES}-min meeting, ${participants} people: ${plan.notes} notes, ${plan.textEdits} text edits, ` +
    `${plan.drags} drags, ${plan.deletes} deletes (${shapes(people[0])} notes left)`
  return measureBoard(store, board.boardId, people, what, changes)
}

/**
 * Stored bytes of a board in our SQLite store: the update log while participants are on (with
 * compaction while open switched off, so the log holds every update), and the merged state the
 * server writes when the last one leaves.
 */
export async function runGrowthGroup(quick: boolean): Promise<Section> {
  const moveCount = quick ? 2_000 : 10_000
  const plan = quick ? QUICK_MEETING : FULL_MEETING
  const participants = 8
  // Rate limits off: a compressed meeting sends far more than the 300 messages/s a real client may.
  const peer = await startOursSqlite({
    COMPACT_AFTER_UPDATES: NO_COMPACTION_WHILE_OPEN,
    MAX_MESSAGES_PER_SECOND: '1000000',
    MAX_BYTES_PER_SECOND: '1073741824',
  })
  const store = new SqliteBoardStore(sqliteFileOf(peer.dataDir!))
  const rows: Growth[] = []
  try {
    rows.push(await moves(peer, store, moveCount))
    console.log(`growth: ${rows[0].what} measured`)
    const started = Date.now()
    rows.push(await meeting(peer, store, participants, plan))
    console.log(`growth: meeting measured (${((Date.now() - started) / 1000).toFixed(0)} s)`)
  } finally {
    await store.close()
    await peer.stop()
  }
  const table = formatTable(
    ['scenario', 'updates sent', 'log entries', 'stored before compaction', 'stored after compaction', 'client state'],
    rows.map((r) => [r.what, r.updates, r.logEntries, formatBytes(r.logBytes), formatBytes(r.compactedBytes), formatBytes(r.clientStateBytes)]),
  )
  const method =
    `Our server in SQLite mode with COMPACT_AFTER_UPDATES=${NO_COMPACTION_WHILE_OPEN} (nothing is compacted while ` +
    `anyone is connected, so "before" is the full log of updates; with the default of 500 the server merges the ` +
    `log every 500 updates while the board is open) and its rate limits raised (the scripted load is compressed ` +
    `in time). Stored bytes: the sum of the board's rows in the SQLite file (SqliteBoardStore.byteSize), read ` +
    `from the benchmark process. "After": when the last client leaves, the server merges the log into one state. ` +
    `Client state: Y.encodeStateAsUpdate of a participant's doc just before leaving. Moves: one Node ` +
    `participant (tldraw store + bindStoreToDoc + y-websocket) moves one rectangle ${moveCount.toLocaleString('en')} ` +
    `times, one store change each. Meeting: ${participants} such participants; a seeded script spreads the actions over ` +
    `${MEETING_MINUTES} simulated minutes and runs them in order as fast as the relay takes them; typing is one ` +
    `change per character, a drag ${FRAMES_PER_DRAG} changes.`
  return { title: 'Document growth', method, tables: [table] }
}
