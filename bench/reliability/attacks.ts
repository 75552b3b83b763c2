import { createTLStore, defaultBindingUtils, defaultShapeUtils } from 'tldraw'
import * as Y from 'yjs'
import { escapeText } from '../../client/facilitation/report/markdown'
import { bindStoreToDoc } from '../../client/sync/storeBinding'
import { META_MAP, RECORDS_ARRAY, SCHEMA_KEY } from '../../client/sync/yRecords'
import { newBoardId } from '../../protocol/boardId'
import { CloseCode } from '../../protocol/closeCodes'
import { facilitationRoomName, privateRoomName } from '../../protocol/paths'
import type { CreatedBoard } from '../../protocol/roles'
import { closeClient } from '../lib/harness/clients'
import { manyEntriesUpdate, nestedValueUpdate } from '../lib/harness/hostileUpdates'
import { mib, readMemory } from '../lib/harness/processStats'
import { awarenessFrame, QUERY_AWARENESS_FRAME, syncStep1Frame, updateFrame } from '../lib/harness/rawFrames'
import { connectClient, createBoard, rawSocket, roomUrl, startServerProcess, tempDataDir, whenSynced } from '../lib/harness/server'
import { exitOf } from '../lib/harness/storedBoard'
import { geoShape } from '../lib/harness/tlStore'
import { isMain, runContext, writeSection } from './reliabilityReport'
import { formatTable } from '../lib/stats'

/**
 * The attack run: what a hostile pupil on the school network would try, against a real server
 * child process started with `--max-old-space-size=512`. Each attack names what it should get;
 * afterwards every board must still hold its honest content, for a fresh client and after a
 * kill -9 and restart, and the server must not have died. `npx tsx bench/reliability/attacks.ts`.
 */
const HEAP_MB = 512
// tldraw's store schedules its listeners on animation frames; Node has none.
globalThis.requestAnimationFrame ??= (callback) => setImmediate(() => callback(performance.now())) as unknown as number
/** How long an attack waits for the server's answer before it counts the connection as served. */
const ANSWER_WAIT_MS = 3_000

type Server = Awaited<ReturnType<typeof startServerProcess>>

interface Ctx {
  server: Server
  /** A board with honest content that every attack may aim at. */
  board: CreatedBoard
}

interface Attack {
  name: string
  /** What the server (or the page) should do. */
  expect: string
  /** Runs the attack; true when it got what `expect` says. */
  run(ctx: Ctx): Promise<boolean>
}

/** Opens a raw socket, sends the frames, and resolves with its close code (0: still open after the wait). */
async function send(url: string, frames: Uint8Array[], waitMs = ANSWER_WAIT_MS): Promise<number> {
  const socket = rawSocket(url)
  try {
    await socket.opened
  } catch {
    return -1
  }
  for (const frame of frames) socket.ws.send(frame)
  const code = await Promise.race([socket.closed.then((c) => c.code), new Promise<number>((r) => setTimeout(() => r(0), waitMs))])
  socket.ws.terminate()
  return code
}

/** Writes with a stock client what any participant may write (valid Yjs, hostile content). */
async function writeAsParticipant(ctx: Ctx, board: CreatedBoard, write: (doc: Y.Doc) => void): Promise<void> {
  const c = connectClient(ctx.server.url, board)
  await whenSynced(c.provider)
  write(c.doc)
  await new Promise((r) => setTimeout(r, 300))
  closeClient(c)
}

/** Whether a fresh page would open the board (the store binding in Node) with its honest shapes. */
async function opensInPage(url: string, board: CreatedBoard, shapes: number): Promise<boolean> {
  const c = connectClient(url, board, new Y.Doc(), 'viewer')
  await whenSynced(c.provider)
  try {
    const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
    bindStoreToDoc(store, c.doc, { readOnly: true })
    return store.allRecords().filter((r) => r.typeName === 'shape').length === shapes
  } catch {
    return false
  } finally {
    closeClient(c)
  }
}

const HONEST_SHAPES = 3

async function honestBoard(server: Server): Promise<CreatedBoard> {
  const board = await createBoard(server.port)
  const c = connectClient(server.url, board)
  await whenSynced(c.provider)
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  bindStoreToDoc(store, c.doc).seedIfEmpty()
  store.put(Array.from({ length: HONEST_SHAPES }, (_, i) => geoShape(100 * i, 50)))
  await new Promise((r) => setTimeout(r, 300))
  closeClient(c)
  return board
}

const poisonBoards: CreatedBoard[] = []

const ATTACKS: Attack[] = [
  ...[300, 1_000, 4_500, 7_000, 8_000].map((depth) => ({
    name: `value nested ${depth} deep (${nestedValueUpdate(depth).byteLength} bytes)`,
    expect: 'close 4422',
    run: async ({ server, board }: Ctx) => (await send(roomUrl(server.url, board), [updateFrame(nestedValueUpdate(depth))])) === CloseCode.UpdateRefused,
  })),
  {
    name: 'nested shared type as a value',
    expect: 'close 4422',
    run: async ({ server, board }) => {
      const doc = new Y.Doc()
      doc.getMap('m').set('inner', new Y.Map())
      return (await send(roomUrl(server.url, board), [updateFrame(Y.encodeStateAsUpdate(doc))])) === CloseCode.UpdateRefused
    },
  },
  {
    name: '120,000 small map entries in one update (1.9 MB)',
    expect: 'close 4422',
    run: async ({ server, board }) => (await send(roomUrl(server.url, board), [updateFrame(manyEntriesUpdate(120_000))])) === CloseCode.UpdateRefused,
  },
  {
    name: 'a board filled with small entries past its memory limit',
    expect: 'close 4414',
    run: async ({ server }) => {
      const board = await createBoard(server.port)
      const frames = Array.from({ length: 40 }, (_, i) => updateFrame(manyEntriesUpdate(4_500, { client: 500 + i, firstKey: 4_500 * i })))
      return (await send(roomUrl(server.url, board), frames, 30_000)) === CloseCode.BoardTooBig
    },
  },
  {
    name: 'the same flood on 5 never-created ids, no link',
    expect: 'close 4404 each',
    run: async ({ server }) => {
      const codes = await Promise.all(Array.from({ length: 5 }, () => send(`${server.url}/${newBoardId()}`, [updateFrame(manyEntriesUpdate(9_000))])))
      return codes.every((c) => c === CloseCode.UnknownBoard)
    },
  },
  {
    name: 'the flood on 6 boards of one school (participant links)',
    expect: 'close 4414 or 1013 each, server alive',
    run: async ({ server }) => {
      const boards = await Promise.all(Array.from({ length: 6 }, () => createBoard(server.port)))
      const holders = boards.map((b) => rawSocket(roomUrl(server.url, b, 'viewer')))
      await Promise.all(holders.map((h) => h.opened))
      const codes: number[] = []
      for (const [i, b] of boards.entries()) {
        const frames = Array.from({ length: 40 }, (_, r) => updateFrame(manyEntriesUpdate(4_500, { client: 10_000 + 100 * i + r, firstKey: 4_500 * r })))
        codes.push(await send(roomUrl(server.url, b), frames, 30_000))
      }
      for (const h of holders) h.ws.terminate()
      return codes.every((c) => c === CloseCode.BoardTooBig || c === CloseCode.TryAgainLater) && server.child.exitCode === null
    },
  },
  ...(
    [
      ['tl_meta.schema set to a future version', (doc: Y.Doc) => doc.getMap(META_MAP).set(SCHEMA_KEY, { schemaVersion: 99, sequences: {} })],
      ['tl_meta.schema set to "x"', (doc: Y.Doc) => doc.getMap(META_MAP).set(SCHEMA_KEY, 'x')],
      ['a null entry in tl_records', (doc: Y.Doc) => doc.getArray(RECORDS_ARRAY).push([null])],
      ['a tl_records entry whose value is null', (doc: Y.Doc) => doc.getArray(RECORDS_ARRAY).push([{ key: 'shape:x', val: null }])],
    ] as const
  ).map(([name, write]) => ({
    name,
    expect: 'the board still opens with its shapes, for viewers too',
    run: async (ctx: Ctx) => {
      const board = await honestBoard(ctx.server)
      poisonBoards.push(board)
      await writeAsParticipant(ctx, board, write)
      return opensInPage(ctx.server.url, board, HONEST_SHAPES)
    },
  })),
  {
    name: '200 token-less upgrades to a board, never reading',
    expect: 'no place taken: an honest participant joins',
    run: async ({ server, board }) => {
      const sockets = Array.from({ length: 200 }, () => rawSocket(`${server.url}/${board.boardId}`))
      const codes = await Promise.all(sockets.map((s) => s.closed.then((c) => c.code)))
      const honest = connectClient(server.url, board)
      await whenSynced(honest.provider)
      closeClient(honest)
      return codes.every((c) => c === CloseCode.Forbidden)
    },
  },
  {
    name: 'a viewer introduces 405 presence ids of 60 KB',
    expect: 'close 4432',
    run: async ({ server, board }) => {
      const json = JSON.stringify({ junk: 'x'.repeat(60_000) })
      const frames = Array.from({ length: 405 }, (_, i) => awarenessFrame([{ clientId: 50_000 + i, clock: 1, json }]))
      return (await send(roomUrl(server.url, board, 'viewer'), frames)) === CloseCode.TooMuchPresence
    },
  },
  {
    name: 'presence nested 10,000 deep',
    expect: 'close 4400',
    run: async ({ server, board }) =>
      (await send(roomUrl(server.url, board), [awarenessFrame([{ clientId: 77, clock: 1, json: '['.repeat(10_000) + ']'.repeat(10_000) }])])) === CloseCode.MalformedMessage,
  },
  {
    name: '300 POST /api/boards from another website',
    expect: '403 each, nothing created',
    run: async ({ server }) => {
      const statuses = await Promise.all(
        Array.from({ length: 300 }, () => fetch(`http://127.0.0.1:${server.port}/api/boards`, { method: 'POST', headers: { Origin: 'http://kwaad.example' } }).then((r) => r.status)),
      )
      return statuses.every((s) => s === 403)
    },
  },
  {
    name: 'a note with HTML and a javascript: link, in the Markdown report',
    expect: 'escaped: shown as text',
    run: async () => !/(^|[^\\])(<img|\]\(javascript:)/.test(escapeText('<img src=x onerror=alert(1)> [klik](javascript:alert(1))')),
  },
  {
    name: '100 viewers each send one frame of 1.5 × MAX_MESSAGE_BYTES',
    expect: 'close 1009 each, before being buffered whole',
    run: async ({ server, board }) => {
      const frame = new Uint8Array(3 * 1024 * 1024)
      const codes = await Promise.all(Array.from({ length: 100 }, () => send(roomUrl(server.url, board, 'viewer'), [frame])))
      return codes.every((c) => c === CloseCode.MessageTooBig)
    },
  },
  {
    name: 'a viewer sends 4,500 entries',
    expect: 'close 4403',
    run: async ({ server, board }) => (await send(roomUrl(server.url, board, 'viewer'), [updateFrame(manyEntriesUpdate(4_500))])) === CloseCode.Forbidden,
  },
  {
    name: 'a flood of sync step 1 (each makes the server encode the board)',
    expect: 'close 4430',
    run: async ({ server, board }) => (await send(roomUrl(server.url, board, 'viewer'), Array.from({ length: 50 }, () => syncStep1Frame()))) === CloseCode.RateLimited,
  },
  {
    name: 'a flood of presence queries',
    expect: 'close 4430',
    run: async ({ server, board }) => (await send(roomUrl(server.url, board, 'viewer'), Array.from({ length: 50 }, () => QUERY_AWARENESS_FRAME))) === CloseCode.RateLimited,
  },
  {
    name: 'a participant writes the facilitation room',
    expect: 'close 4403',
    run: async ({ server, board }) => {
      const doc = new Y.Doc()
      doc.getMap('facilitation').set('title', 'overgenomen')
      return (await send(roomUrl(server.url, board, 'participant', facilitationRoomName(board.boardId)), [updateFrame(Y.encodeStateAsUpdate(doc))])) === CloseCode.Forbidden
    },
  },
  {
    name: 'a participant opens 250 private rooms with random keys',
    expect: 'close 4414 past MAX_PRIVATE_ROOMS_PER_BOARD (200)',
    run: async ({ server }) => {
      const board = await createBoard(server.port)
      let refused = 0
      for (let i = 0; i < 250; i++) {
        const doc = new Y.Doc()
        doc.getArray(RECORDS_ARRAY).push([{ key: `shape:${i}`, val: { id: `shape:${i}` } }])
        const code = await send(roomUrl(server.url, board, 'participant', privateRoomName(board.boardId, newBoardId())), [updateFrame(Y.encodeStateAsUpdate(doc))], 150)
        if (code === CloseCode.BoardTooBig) refused++
      }
      return refused === 50
    },
  },
]

export interface AttackRun {
  rows: { name: string; expect: string; ok: boolean; loopDelayMs: number }[]
  boardsLost: number
  crashes: number
  maxLoopDelayMs: number
  loadLoopDelayMs: number
  peakRssBytes: number
}

export async function attacks(): Promise<AttackRun> {
  const dataDir = tempDataDir()
  const start = () => startServerProcess(dataDir, { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`, SAMENBORD_QUIET: '0' })
  let server = await start()
  let crashes = 0
  const board = await honestBoard(server)
  const ctx: Ctx = { server, board }
  const health = async (reset = false) =>
    (await (await fetch(`http://127.0.0.1:${server.port}/healthz${reset ? '?resetEventLoop=1' : ''}`)).json()) as { eventLoopDelayMs: { max: number } }
  await health(true)
  const rows: AttackRun['rows'] = []
  let maxLoopDelayMs = 0
  let peakRssBytes = 0
  for (const attack of ATTACKS) {
    await health(true)
    let ok = false
    try {
      ok = await attack.run(ctx)
    } catch (error) {
      console.error(`${attack.name}: ${String(error)}`)
    }
    if (server.child.exitCode !== null) {
      crashes++
      server = await start()
      ctx.server = server
    }
    const loopDelayMs = server.child.exitCode === null ? (await health()).eventLoopDelayMs.max : Number.NaN
    maxLoopDelayMs = Math.max(maxLoopDelayMs, loopDelayMs)
    rows.push({ name: attack.name, expect: attack.expect, ok, loopDelayMs })
    console.log(`${ok ? 'refused ' : 'GOT IN  '} ${attack.name}`)
  }
  peakRssBytes = readMemory(server.child.pid!).peakRssBytes

  // Every board keeps its honest content: for a fresh page now, and after kill -9 and a restart.
  const allBoards = [board, ...poisonBoards]
  const intact = async () => (await Promise.all(allBoards.map((b) => opensInPage(server.url, b, HONEST_SHAPES)))).filter((ok) => !ok).length
  const lostBefore = await intact()
  server.child.kill('SIGKILL')
  await exitOf(server.child)
  server = await start()
  ctx.server = server
  const lostAfter = await intact()
  // Loading a board at its memory limit after the restart: the largest delay of the event loop.
  const full = await createBoard(server.port)
  const frames = Array.from({ length: 40 }, (_, i) => updateFrame(manyEntriesUpdate(4_500, { client: 900 + i, firstKey: 4_500 * i })))
  await send(roomUrl(server.url, full), frames, 30_000)
  server.child.kill('SIGKILL')
  await exitOf(server.child)
  server = await start()
  await health(true)
  const reader = connectClient(server.url, full, new Y.Doc(), 'viewer')
  await whenSynced(reader.provider)
  const loadLoopDelayMs = (await health()).eventLoopDelayMs.max
  closeClient(reader)
  peakRssBytes = Math.max(peakRssBytes, readMemory(server.child.pid!).peakRssBytes)
  server.child.kill('SIGTERM')

  const result: AttackRun = { rows, boardsLost: Math.max(lostBefore, lostAfter), crashes, maxLoopDelayMs, loadLoopDelayMs, peakRssBytes }
  const table = formatTable(
    ['attack', 'should get', 'result', 'largest event-loop delay'],
    rows.map((r) => [r.name, r.expect, r.ok ? 'refused' : '**got through**', `${r.loopDelayMs.toFixed(0)} ms`]),
  )
  const summary = formatTable(
    ['attacks tried', 'refused', 'boards lost', 'server crashes', 'largest event-loop delay during the run', 'largest event-loop delay loading a board at its memory limit', 'peak RSS'],
    [[String(rows.length), String(rows.filter((r) => r.ok).length), String(result.boardsLost), String(crashes), `${maxLoopDelayMs.toFixed(0)} ms`, `${loadLoopDelayMs.toFixed(0)} ms`, `${mib(peakRssBytes)} MiB`]],
  )
  console.log(`\n${table}\n\n${summary}\n`)
  writeSection(
    'attacks',
    '## Attacks\n\n' +
      `Last run: ${runContext()}. Command: \`npx tsx bench/reliability/attacks.ts\` (also part of \`npm run bench:reliability\`).\n\n` +
      `What a hostile participant, or someone with no link at all, can send, against a server child process started with ` +
      `\`--max-old-space-size=${HEAP_MB}\` and default limits. *Refused* means the attack got what the second column says ` +
      '(close codes: docs/protocol.md). Afterwards every board the attacks aimed at must still open with its honest shapes ' +
      'in a fresh page (the tldraw store binding in Node, as a view-only page), now and after a kill -9 and restart: ' +
      '*boards lost* counts those that did not. The event-loop delay is the server\'s own figure (`/healthz`, ' +
      '`monitorEventLoopDelay`, 10 ms resolution): the longest any other board had to wait. The last column of the ' +
      'summary loads, in a fresh process, a board filled with small entries up to `MAX_BOARD_MEMORY_BYTES`. Peak RSS: ' +
      'VmHWM of the server process.\n\n' +
      table +
      '\n\n' +
      summary +
      '\n',
  )
  return result
}

if (isMain(import.meta.url)) {
  const result = await attacks()
  process.exit(result.rows.every((r) => r.ok) && result.boardsLost === 0 && result.crashes === 0 ? 0 : 1)
}
