import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { RECORDS_ARRAY } from '../../client/sync/yRecords'
import { tokenParams } from './benchBoard'

/**
 * A load-generator worker: a child process (forked by clientPool.ts) that hosts some of the
 * benchmark's stock y-websocket clients and obeys commands over IPC. Keeping the clients out of
 * the coordinating process lets several workers share the client-side CPU cost (every client
 * applies every remote update, just like a browser would).
 *
 * Times are `process.hrtime` milliseconds: CLOCK_MONOTONIC, the same clock in every process on
 * this machine, so an edit stamped in one worker can be timed when it lands in another.
 */

process.setMaxListeners(0)

/** Longest a command may wait for connections or deliveries before it gives up (env: for debugging). */
const COMMAND_TIMEOUT_MS = Number(process.env.BENCH_COMMAND_TIMEOUT_MS ?? 120_000)
/** How often a waiting command checks its counters. */
const POLL_INTERVAL_MS = 2
/** Edits are written in a Y.Map of this name, one key per edit. */
const BENCH_MAP = 'bench'

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6

export interface ClientSpec {
  url: string
  room: string
  /** The room's participant token (our server); none on the anchor. */
  token?: string
  /** Position of this client in its room and the room's size: decides who writes paced edits. */
  indexInRoom: number
  roomSize: number
  /** false: the client announces no presence (an idle connection for the memory benchmark). */
  presence: boolean
  /** A tldraw shape this client drags around on 'move' (the browser frame-time benchmark). */
  shapeId?: string
}

export type Command =
  | { cmd: 'connect'; clients: ClientSpec[] }
  | { cmd: 'paced'; edits: number; intervalMs: number }
  | { cmd: 'burst'; perClient: number }
  | { cmd: 'move'; durationMs: number; intervalMs: number }
  | { cmd: 'close' }
  | { cmd: 'exit' }

interface Client {
  spec: ClientSpec
  doc: Y.Doc
  provider: WebsocketProvider
}

/** An entry of the board's records array (see client/sync/yRecords.ts); only x matters here. */
interface ShapeEntry {
  key: string
  val: { x: number } & Record<string, unknown>
}

interface Edit {
  t: number
  paced: boolean
}

let clients: Client[] = []
/**
 * Counted by kind, and reset only on connect: another worker may start a phase (and its edits
 * may arrive here) before this worker has read the command for it.
 */
const latencies: number[] = []
const received = { paced: 0, burst: 0 }
/** Connection closes seen by this worker's clients, by close code (a healthy run has none). */
const closes = new Map<number, number>()

function connect(spec: ClientSpec): Client {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(spec.url, spec.room, doc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
    connect: false,
    params: tokenParams({ boardId: spec.room, token: spec.token }),
  })
  if (!spec.presence) provider.awareness.setLocalState(null)
  provider.on('connection-close', (event) => {
    if (clients.some((c) => c.provider === provider)) closes.set(event?.code ?? 0, (closes.get(event?.code ?? 0) ?? 0) + 1)
  })
  provider.connect()
  doc.getMap<Edit>(BENCH_MAP).observe((event) => {
    if (event.transaction.local) return
    const now = nowMs()
    for (const key of event.keysChanged) {
      const edit = event.target.get(key) as Edit | undefined
      if (!edit) continue
      if (edit.paced) latencies.push(now - edit.t)
      received[edit.paced ? 'paced' : 'burst']++
    }
  })
  return { spec, doc, provider }
}

async function waitUntil(done: () => boolean, what: string): Promise<void> {
  const deadline = nowMs() + COMMAND_TIMEOUT_MS
  while (!done()) {
    if (nowMs() > deadline) throw new Error(`timed out waiting for ${what}; connection closes ${closeSummary()} ${debugState()}`)
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS))
  }
}

/** The first clients' state, for the message of a timeout. */
function debugState(): string {
  return clients.slice(0, 20).map((c) => `${c.spec.indexInRoom}:${c.doc.getMap(BENCH_MAP).size}${c.provider.wsconnected ? '' : '!ws'}${c.provider.synced ? '' : '!sync'}`).join(' ')
}

function closeSummary(): string {
  return JSON.stringify(Object.fromEntries(closes))
}

function write(c: Client, key: string, paced: boolean): void {
  c.doc.getMap<Edit>(BENCH_MAP).set(key, { t: nowMs(), paced })
}

/**
 * Each client with a shapeId rewrites its shape's record once per `intervalMs`, swinging it left
 * and right; the clients take turns so the writes are spread out like those of independent
 * people. A write is what YKeyValue.set writes (delete the record's entry, append the new one, in
 * one transaction) but without a YKeyValue here: its observer copies the whole array on every
 * change, which would make 30 Node peers on a 2,000-record board the bottleneck instead of the
 * browser. Returns the number of moves written.
 */
async function move(durationMs: number, intervalMs: number): Promise<number> {
  const start = nowMs()
  const movers = clients
    .filter((c) => c.spec.shapeId)
    .map((c, i, all) => ({ c, origin: null as ShapeEntry | null, due: start + (i * intervalMs) / all.length }))
  let moves = 0
  while (movers.length > 0 && nowMs() < start + durationMs) {
    for (const m of movers) {
      if (m.due > nowMs()) continue
      m.due = Math.max(m.due + intervalMs, nowMs()) // a mover that fell behind does not catch up in a burst
      const records = m.c.doc.getArray<ShapeEntry>(RECORDS_ARRAY)
      let index = 0
      for (const entry of records) {
        if (entry.key === m.c.spec.shapeId) break
        index++
      }
      if (index >= records.length) continue
      const current = records.get(index)
      m.origin ??= current
      const x = m.origin.val.x + 150 * Math.sin(nowMs() / 300)
      m.c.doc.transact(() => {
        records.delete(index)
        records.push([{ key: current.key, val: { ...current.val, x } }])
      })
      moves++
    }
    await new Promise((r) => setTimeout(r, 1))
  }
  return moves
}

async function run(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case 'connect': {
      const started = nowMs()
      latencies.length = 0
      received.paced = received.burst = 0
      const fresh = command.clients.map(connect)
      clients.push(...fresh)
      await waitUntil(() => fresh.every((c) => c.provider.synced), 'sync')
      return { ms: nowMs() - started }
    }
    case 'paced': {
      // Step i of every room is written by the room's client i mod roomSize, wherever it lives.
      let expected = 0
      for (let i = 0; i < command.edits; i++) {
        for (const c of clients) {
          if (i % c.spec.roomSize === c.spec.indexInRoom) write(c, `p${c.doc.clientID}-${i}`, true)
          else expected++
        }
        await new Promise((r) => setTimeout(r, command.intervalMs))
      }
      await waitUntil(() => received.paced >= expected, `${expected} paced deliveries (got ${received.paced})`)
      return { latencies, expected }
    }
    case 'burst': {
      const startMs = nowMs()
      for (let i = 0; i < command.perClient; i++) {
        for (const c of clients) write(c, `b${c.doc.clientID}-${i}`, false)
      }
      const expected = clients.reduce((sum, c) => sum + command.perClient * (c.spec.roomSize - 1), 0)
      await waitUntil(() => received.burst >= expected, `${expected} burst deliveries (got ${received.burst})`)
      return { startMs, endMs: nowMs(), expected }
    }
    case 'move':
      return { moves: await move(command.durationMs, command.intervalMs) }
    case 'close': {
      const old = clients
      clients = [] // closes from here on are ours, not the server's
      for (const c of old) {
        c.provider.destroy()
        c.doc.destroy()
      }
      const summary = closeSummary()
      closes.clear()
      return { closes: summary }
    }
    case 'exit':
      setImmediate(() => process.exit(0))
      return {}
  }
}

process.on('message', (message: { id: number; command: Command }) => {
  run(message.command).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: String(error) }),
  )
})
// The coordinator gone means nothing more to do.
process.on('disconnect', () => process.exit(0))
