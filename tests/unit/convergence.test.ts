import type { TLShapeId, TLStore } from 'tldraw'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToDoc } from '../../client/sync/storeBinding'
import { seededRandom } from '../../bench/lib/harness/random'
import { geoShape, newTestStore, shapesOf } from '../../bench/lib/harness/tlStore'

interface Peer {
  name: string
  doc: Y.Doc
  store: TLStore
  online: boolean
}

/**
 * An in-memory network in the spirit of yjs's and tldraw's sync fuzzers: updates wait in one
 * FIFO queue per (sender, receiver); a step may deliver part of a queue, take a peer offline
 * (its queued messages are lost, like a dropped websocket) or bring it back (a state-vector
 * exchange, like y-websocket's sync step 1/2).
 */
class Network {
  readonly queues = new Map<string, Uint8Array[]>()
  constructor(readonly peers: Peer[]) {
    for (const from of peers) {
      from.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === 'network' || !from.online) return
        for (const to of peers) if (to !== from && to.online) this.queue(from, to).push(update)
      })
    }
  }
  queue(from: Peer, to: Peer): Uint8Array[] {
    const key = `${from.name}>${to.name}`
    if (!this.queues.has(key)) this.queues.set(key, [])
    return this.queues.get(key)!
  }
  deliver(from: Peer, to: Peer, count: number) {
    const q = this.queue(from, to)
    for (const update of q.splice(0, count)) Y.applyUpdate(to.doc, update, 'network')
  }
  disconnect(peer: Peer) {
    peer.online = false
    for (const other of this.peers) {
      this.queue(peer, other).length = 0
      this.queue(other, peer).length = 0
    }
  }
  reconnect(peer: Peer) {
    peer.online = true
    for (const other of this.peers) {
      if (other === peer || !other.online) continue
      Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(peer.doc, Y.encodeStateVector(other.doc)), 'network')
      Y.applyUpdate(peer.doc, Y.encodeStateAsUpdate(other.doc, Y.encodeStateVector(peer.doc)), 'network')
    }
  }
  flushAll() {
    for (const p of this.peers) if (!p.online) this.reconnect(p)
    for (let round = 0; round < 3; round++) {
      for (const from of this.peers) for (const to of this.peers) if (from !== to) this.deliver(from, to, Infinity)
    }
  }
}

function runScenario(seed: number, steps: number) {
  const rng = seededRandom(seed)
  const peerCount = 2 + rng.int(3)
  const peers: Peer[] = Array.from({ length: peerCount }, (_, i) => ({
    name: `p${i}`,
    doc: new Y.Doc(),
    store: newTestStore(i === 0),
    online: true,
  }))
  const network = new Network(peers)
  peers.forEach((p, i) => {
    const binding = bindStoreToDoc(p.store, p.doc)
    if (i === 0) binding.seedIfEmpty()
  })
  network.flushAll()
  const log: string[] = []
  const shapeIds = (store: TLStore) =>
    store.allRecords().filter((r) => r.typeName === 'shape').map((r) => r.id as TLShapeId)

  for (let step = 0; step < steps; step++) {
    const peer = rng.pick(peers)
    const roll = rng.next()
    const existing = shapeIds(peer.store)
    if (roll < 0.25 || existing.length === 0) {
      const shape = geoShape(rng.int(1000), rng.int(1000))
      log.push(`${peer.name} create ${shape.id}`)
      peer.store.put([shape])
    } else if (roll < 0.6) {
      const id = rng.pick(existing)
      const x = rng.int(1000)
      log.push(`${peer.name} move ${id} x=${x}`)
      peer.store.update(id, (s) => ({ ...s, x }))
    } else if (roll < 0.7) {
      const id = rng.pick(existing)
      log.push(`${peer.name} delete ${id}`)
      peer.store.remove([id])
    } else if (roll < 0.78) {
      const ids = existing.slice(0, 1 + rng.int(existing.length))
      log.push(`${peer.name} batch-move ${ids.length}`)
      peer.store.put(ids.map((id) => ({ ...peer.store.get(id)!, y: rng.int(1000) })))
    } else if (roll < 0.83) {
      log.push(`${peer.name} ${peer.online ? 'disconnect' : 'reconnect'}`)
      if (peer.online) network.disconnect(peer)
      else network.reconnect(peer)
    } else {
      const to = rng.pick(peers.filter((p) => p !== peer))
      const count = 1 + rng.int(4)
      log.push(`deliver ${peer.name}>${to.name} ${count}`)
      network.deliver(peer, to, count)
    }
  }
  network.flushAll()
  return { peers, log }
}

describe('seeded random convergence of the binding', () => {
  const BASE_SEED = Number(process.env.CONVERGENCE_SEED ?? 20261124)
  const RUNS = 40
  const STEPS = 300

  it(`${RUNS} runs of ${STEPS} random steps converge (seed ${BASE_SEED})`, () => {
    for (let run = 0; run < RUNS; run++) {
      const seed = BASE_SEED + run
      const { peers, log } = runScenario(seed, STEPS)
      const expected = shapesOf(peers[0].store)
      const expectedDoc = peers[0].doc.getArray('tl_records').length
      for (const peer of peers) {
        const ok =
          JSON.stringify(shapesOf(peer.store)) === JSON.stringify(expected) &&
          peer.doc.getArray('tl_records').length === expectedDoc
        if (!ok) {
          const message = `replicas diverged: seed ${seed} (rerun with CONVERGENCE_SEED=${seed}), peer ${peer.name}\n` +
            log.slice(-40).join('\n')
          expect.fail(message)
        }
        // The store shows exactly what the document says.
        const docShapes = [...peer.doc.getArray<{ key: string; val: { typeName: string } }>('tl_records')]
          .filter((e) => e.val.typeName === 'shape').map((e) => e.key).sort()
        expect(Object.keys(shapesOf(peer.store)), `seed ${seed}`).toEqual(docShapes)
      }
    }
  })

  // Pinned seeds that once found problems stay here as named cases.
  it('a concurrent move and delete of the same shape: the move wins on every replica', () => {
    const { peers } = runScenario(7, 0)
    const [a, b] = peers
    const shape = geoShape(1, 1)
    a.store.put([shape])
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), 'network')
    expect(b.store.has(shape.id)).toBe(true)
    // Concurrently: a moves it, b deletes it; then both exchange state.
    const svA = Y.encodeStateVector(a.doc)
    const svB = Y.encodeStateVector(b.doc)
    a.store.update(shape.id, (s) => ({ ...s, x: 500 }))
    b.store.remove([shape.id])
    const fromA = Y.encodeStateAsUpdate(a.doc, svB)
    const fromB = Y.encodeStateAsUpdate(b.doc, svA)
    Y.applyUpdate(b.doc, fromA, 'network')
    Y.applyUpdate(a.doc, fromB, 'network')
    // YKeyValue writes a move as a new entry, which a concurrent delete of the old entry cannot
    // remove: nobody loses a shape they were still working on.
    expect(a.store.get(shape.id)?.x).toBe(500)
    expect(JSON.stringify(shapesOf(a.store))).toBe(JSON.stringify(shapesOf(b.store)))
  })
})
