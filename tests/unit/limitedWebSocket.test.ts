import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import { limitedWebSocket, MESSAGE_SAFETY_SHARE } from '../../client/sync/limitedWebSocket'
import { inspectUpdate } from '../../protocol/inspectUpdate'
import { MessageType } from '../../protocol/messages'
import { seededRandom } from '../../bench/lib/harness/random'

/** Records what would go on the wire. */
class FakeSocket {
  static sent: Uint8Array[] = []
  constructor(readonly url: string) {}
  send(data: Uint8Array) {
    FakeSocket.sent.push(data)
  }
}

function syncMessage(syncType: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.Sync)
  encoding.writeVarUint(encoder, syncType)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

function readSync(message: Uint8Array): { syncType: number; update: Uint8Array } {
  const decoder = decoding.createDecoder(message)
  expect(decoding.readVarUint(decoder)).toBe(MessageType.Sync)
  return { syncType: decoding.readVarUint(decoder), update: decoding.readVarUint8Array(decoder) }
}

function socketWith(maxMessageBytes: number, maxStructs: number, onUnsendable?: (bytes: number) => void) {
  FakeSocket.sent = []
  const Limited = limitedWebSocket(FakeSocket as unknown as typeof WebSocket, { maxMessageBytes, maxStructs, onUnsendable })
  return new Limited('ws://test') as unknown as FakeSocket
}

/** A doc with many records of random length, as a long offline session leaves it. */
function offlineBacklog(seed: number, records: number): Y.Doc {
  const rng = seededRandom(seed)
  const doc = new Y.Doc()
  const map = doc.getMap('records')
  for (let i = 0; i < records; i++) map.set(`shape:${rng.int(records)}`, { text: 'x'.repeat(rng.int(4000)), i })
  return doc
}

describe('limitedWebSocket', () => {
  it('passes small messages, step 1 and presence as they are', () => {
    const socket = socketWith(64 * 1024, 5000)
    const doc = offlineBacklog(1, 5)
    const step1 = encoding.createEncoder()
    encoding.writeVarUint(step1, MessageType.Sync)
    syncProtocol.writeSyncStep1(step1, doc)
    const messages = [
      encoding.toUint8Array(step1),
      syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(doc)),
      new Uint8Array([MessageType.Awareness, 3, 1, 2, 3]),
    ]
    for (const m of messages) socket.send(m)
    expect(FakeSocket.sent).toEqual(messages)
  })

  it('cuts a step 2 over the byte limit into messages under it; the first stays a step 2 and together they are the doc', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const maxMessageBytes = 16 * 1024 + seed * 1000
      const socket = socketWith(maxMessageBytes, 5000)
      const source = offlineBacklog(seed, 200)
      const update = Y.encodeStateAsUpdate(source)
      expect(update.byteLength).toBeGreaterThan(maxMessageBytes * 5)
      socket.send(syncMessage(syncProtocol.messageYjsSyncStep2, update))
      expect(FakeSocket.sent.length).toBeGreaterThan(5)
      const target = new Y.Doc()
      FakeSocket.sent.forEach((message, i) => {
        expect(message.byteLength).toBeLessThanOrEqual(maxMessageBytes * MESSAGE_SAFETY_SHARE)
        const { syncType, update: piece } = readSync(message)
        expect(syncType).toBe(i === 0 ? syncProtocol.messageYjsSyncStep2 : syncProtocol.messageYjsUpdate)
        Y.applyUpdate(target, piece)
        expect(target.store.pendingStructs).toBeNull()
      })
      expect(target.getMap('records').toJSON()).toEqual(source.getMap('records').toJSON())
    }
  })

  it('cuts an update over the struct limit into updates within it', () => {
    const socket = socketWith(2 * 1024 * 1024, 100)
    const source = new Y.Doc()
    const map = source.getMap('m')
    source.transact(() => {
      for (let i = 0; i < 1050; i++) map.set(`k${i}`, i)
    })
    const update = Y.encodeStateAsUpdate(source)
    expect(inspectUpdate(update).structs).toBeGreaterThan(1000)
    socket.send(syncMessage(syncProtocol.messageYjsUpdate, update))
    expect(FakeSocket.sent.length).toBeGreaterThanOrEqual(11)
    const target = new Y.Doc()
    for (const message of FakeSocket.sent) {
      const { syncType, update: piece } = readSync(message)
      expect(syncType).toBe(syncProtocol.messageYjsUpdate)
      expect(inspectUpdate(piece).structs).toBeLessThanOrEqual(100)
      Y.applyUpdate(target, piece)
    }
    expect(target.getMap('m').toJSON()).toEqual(map.toJSON())
  })

  it('holds back a change with one item too large for any message, and says so', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const unsendable: number[] = []
    const socket = socketWith(16 * 1024, 5000, (bytes) => unsendable.push(bytes))
    const doc = new Y.Doc()
    doc.getMap('m').set('huge', 'x'.repeat(20 * 1024))
    socket.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(doc)))
    expect(FakeSocket.sent).toEqual([])
    expect(unsendable).toHaveLength(1)
    expect(unsendable[0]).toBeGreaterThan(20 * 1024)
    expect(warn).toHaveBeenCalledOnce()
    // What comes after it still leaves.
    const next = new Y.Doc()
    next.getMap('m').set('small', 1)
    socket.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(next)))
    expect(FakeSocket.sent).toHaveLength(1)
    warn.mockRestore()
  })
})
