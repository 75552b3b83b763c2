import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { closeClient } from './clients'
import { converged, startEditing } from './editing'
import { FRAME_KINDS, fuzzBatches, type FrameKind, type FuzzBatch } from './fuzzFrames'
import { fetchHealth, pollUntil, readMemory } from './processStats'
import { seededRandom } from './random'
import { isSyncStep2, syncStep1Frame } from './rawFrames'
import { connectClient, createBoard, rawSocket, roomUrl, whenSynced } from './server'

export interface FuzzOptions {
  /** ws://host:port/sync of a server child process. */
  url: string
  port: number
  pid: number
  frames: number
  seed: number
  /** Hostile connections open at the same time. */
  concurrency: number
  maxMessageBytes: number
}

export interface KindStats {
  frames: number
  connections: number
  /** How each connection ended: `close <code>`, or `answered` when the server still served it. */
  outcomes: Record<string, number>
}

export interface FuzzResult {
  frames: number
  connections: number
  byKind: Record<FrameKind, KindStats>
  rssBeforeBytes: number
  rssAfterBytes: number
  peakRssBytes: number
  durationMs: number
  healthOk: boolean
  /** Honest clients agree with each other and with a fresh client. */
  converged: boolean
  /** Times an honest client saw another honest client's presence changed by someone else. */
  spoofedPresence: number
  /** Bytes of changes the fresh client got that it can never integrate (Yjs "pending"; 0 expected). */
  pendingBytesServed: number
  /** Close codes of honest clients' connections (none expected). */
  honestCloseCodes: number[]
}

const HONEST_CLIENTS = 2
const HONEST_EDIT_INTERVAL_MS = 50
/** A hostile connection that neither answers the probe nor closes by then counts as `no answer`. */
const PROBE_TIMEOUT_MS = 15_000
const CONVERGE_TIMEOUT_MS = 30_000

/**
 * Sends one batch on a new raw socket, then a sync step 1 as a probe: the server answers it with a
 * step 2 only if it processed (and tolerated) every frame before it.
 */
async function hostileConnection(url: string, batch: FuzzBatch, probe: () => Uint8Array): Promise<string> {
  const socket = rawSocket(url)
  const answered = new Promise<string>((resolve) =>
    socket.ws.on('message', (data: Buffer) => isSyncStep2(data) && resolve('answered')),
  )
  try {
    await socket.opened
  } catch (error) {
    return `refused (${(error as Error).message})`
  }
  for (const frame of batch.frames) {
    if (socket.ws.readyState !== WebSocket.OPEN) break
    socket.ws.send(frame)
  }
  if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send(probe())
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    socket.closed.then(({ code }) => `close ${code}`),
    answered,
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer'), PROBE_TIMEOUT_MS))),
  ])
  clearTimeout(timer)
  if (socket.ws.readyState !== WebSocket.CLOSED) {
    socket.ws.close(1000)
    await socket.closed
  }
  return outcome
}

/**
 * Fuzzes one board of a running server: hostile raw connections send `frames` seeded malformed
 * and hostile frames while honest stock clients keep editing; afterwards the server must be
 * healthy and the honest replicas converged.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  // Hostile and honest connections alike hold the board's participant link: what a stranger
  // without one can do is refused before anything is decoded (tests/integration/hostileInput.test.ts).
  const board = await createBoard(options.port)
  const honest = Array.from({ length: HONEST_CLIENTS }, () => connectClient(options.url, board))
  const honestCloseCodes: number[] = []
  let spoofedPresence = 0
  honest.forEach((c, i) => {
    c.provider.awareness.setLocalState({ user: { name: `honest ${i}` } })
    c.provider.on('connection-close', (event) => event && honestCloseCodes.push(event.code))
    c.provider.awareness.on('change', () => {
      honest.forEach((other, j) => {
        const seen = c.provider.awareness.getStates().get(other.doc.clientID) as { user?: { name?: string } } | undefined
        if (j !== i && seen && seen.user?.name !== `honest ${j}`) spoofedPresence++
      })
    })
  })
  await Promise.all(honest.map((c) => whenSynced(c.provider)))
  const rng = seededRandom(options.seed)
  const stops = honest.map((c, i) => startEditing(c.doc, rng, `h${i}`, HONEST_EDIT_INTERVAL_MS))
  const rssBeforeBytes = readMemory(options.pid).rssBytes
  const next = fuzzBatches(options.seed, {
    honestClientIds: honest.map((c) => c.doc.clientID),
    maxMessageBytes: options.maxMessageBytes,
  })
  const byKind = Object.fromEntries(FRAME_KINDS.map((k) => [k, { frames: 0, connections: 0, outcomes: {} }])) as Record<FrameKind, KindStats>
  let frames = 0
  let connections = 0
  const probe = () => syncStep1Frame(Y.encodeStateVector(honest[0].doc))
  const started = performance.now()
  const worker = async () => {
    while (frames < options.frames) {
      const batch = next()
      const stats = byKind[batch.kind]
      frames += batch.frames.length
      connections++
      stats.frames += batch.frames.length
      stats.connections++
      const outcome = await hostileConnection(roomUrl(options.url, board), batch, probe)
      stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  const durationMs = performance.now() - started
  for (const stop of stops) stop()

  const healthOk = (await fetchHealth(options.port)).ok
  const fresh = connectClient(options.url, board)
  await whenSynced(fresh.provider)
  const isConverged = await pollUntil(() => converged([...honest, fresh].map((c) => c.doc)), {
    timeoutMs: CONVERGE_TIMEOUT_MS,
    what: 'honest clients and a fresh client to converge',
  }).then(
    () => true,
    () => false,
  )
  const memory = readMemory(options.pid)
  const { pendingStructs, pendingDs } = fresh.doc.store
  const pendingBytesServed = (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0)
  for (const c of [...honest, fresh]) closeClient(c)
  return {
    frames,
    connections,
    byKind,
    rssBeforeBytes,
    rssAfterBytes: memory.rssBytes,
    peakRssBytes: memory.peakRssBytes,
    durationMs,
    healthOk,
    converged: isConverged,
    spoofedPresence,
    pendingBytesServed,
    honestCloseCodes,
  }
}
