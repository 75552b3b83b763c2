import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { newBoardId } from '../protocol/boardId'
import { percentile } from './stats'

process.setMaxListeners(0)

export interface RelayResult {
  clients: number
  rooms: number
  edits: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  /** Remote applies per second while every client edits as fast as the relay allows. */
  updatesPerSecond: number
}

/** Longest a run may wait for the last delivery before it gives up (bounded benchmark). */
const DELIVERY_TIMEOUT_MS = 60_000
/** Pause between paced edits of one room, so latency is measured without a queue in front. */
const PACED_INTERVAL_MS = 20

interface Client {
  doc: Y.Doc
  provider: WebsocketProvider
}

function connect(url: string, room: string): Client {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, room, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true })
  return { doc, provider }
}

function synced(c: Client): Promise<void> {
  return c.provider.synced ? Promise.resolve() : new Promise((r) => c.provider.once('sync', () => r()))
}

/**
 * `rooms` rooms of `clientsPerRoom` stock y-websocket clients on loopback. Phase 1 (latency):
 * edits one at a time, spread over the clients, each carrying its send time; every other client
 * in the room records edit-to-remote-apply time. Phase 2 (throughput): every client sends
 * `burstPerClient` edits at once; remote applies per second until the last one arrives.
 */
export async function measureRelay(
  url: string,
  { rooms, clientsPerRoom, pacedEdits, burstPerClient }: { rooms: number; clientsPerRoom: number; pacedEdits: number; burstPerClient: number },
): Promise<RelayResult> {
  const roomClients: Client[][] = []
  for (let r = 0; r < rooms; r++) {
    const room = newBoardId()
    roomClients.push(Array.from({ length: clientsPerRoom }, () => connect(url, room)))
  }
  const all = roomClients.flat()
  await Promise.all(all.map(synced))

  const latencies: number[] = []
  let received = 0
  for (const c of all) {
    c.doc.getMap<{ t: number }>('bench').observe((event) => {
      if (event.transaction.local) return
      const now = performance.now()
      for (const key of event.keysChanged) {
        const value = c.doc.getMap<{ t: number; paced: boolean }>('bench').get(key)
        if (value?.paced) latencies.push(now - value.t)
        received++
      }
    })
  }
  const waitFor = async (target: number) => {
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS
    while (received < target) {
      if (Date.now() > deadline) throw new Error(`only ${received} of ${target} deliveries arrived`)
      await new Promise((r) => setTimeout(r, 2))
    }
  }

  // Phase 1: paced edits in every room at once.
  for (let i = 0; i < pacedEdits; i++) {
    for (const clients of roomClients) {
      const writer = clients[i % clients.length]
      writer.doc.getMap('bench').set(`p${writer.doc.clientID}-${i}`, { t: performance.now(), paced: true })
    }
    await new Promise((r) => setTimeout(r, PACED_INTERVAL_MS))
  }
  const pacedTarget = pacedEdits * rooms * (clientsPerRoom - 1)
  await waitFor(pacedTarget)

  // Phase 2: burst.
  received = 0
  const start = performance.now()
  for (let i = 0; i < burstPerClient; i++) {
    for (const c of all) c.doc.getMap('bench').set(`b${c.doc.clientID}-${i}`, { t: performance.now(), paced: false })
  }
  const burstTarget = burstPerClient * rooms * clientsPerRoom * (clientsPerRoom - 1)
  await waitFor(burstTarget)
  const seconds = (performance.now() - start) / 1000

  for (const c of all) c.provider.destroy()
  return {
    clients: clientsPerRoom,
    rooms,
    edits: pacedEdits * rooms,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    updatesPerSecond: burstTarget / seconds,
  }
}
