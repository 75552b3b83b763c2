import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { MessageType } from '../../../protocol/messages'
import { MAX_AWARENESS_DEPTH, MAX_AWARENESS_ENTRIES, MAX_AWARENESS_STATE_BYTES } from '../../../server/relay/awarenessDecoding'
import { MAX_VALUE_DEPTH } from '../../../protocol/inspectUpdate'
import { MAX_CLIENT_IDS_PER_CONNECTION } from '../../../server/relay/presenceOwners'
import { MAX_STRUCTS_PER_UPDATE } from '../../../server/relay/writeGate'
import { manyEntriesUpdate, nestedValueUpdate } from './hostileUpdates'
import { randomEdit } from './editing'
import { seededRandom } from './random'
import { QUERY_AWARENESS_FRAME, awarenessFrame, syncStep1Frame, syncStep2Frame, updateFrame } from './rawFrames'

type Random = ReturnType<typeof seededRandom>
export type Frame = Uint8Array | string

/** What one hostile connection sends: frames of one kind, so its close code can be blamed on that kind. */
export interface FuzzBatch {
  kind: FrameKind
  frames: Frame[]
}

export interface FuzzContext {
  /** y-protocols awareness ids of the honest clients (for presence sent "on their behalf"). */
  honestClientIds: number[]
  /** The server's MAX_MESSAGE_BYTES. */
  maxMessageBytes: number
}

const REAL_MESSAGES_IN_CORPUS = 64

const bytes = (rng: Random, length: number) => Uint8Array.from({ length }, () => rng.int(256))
const concat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)))
const varUint = (n: number) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, n)
  return encoding.toUint8Array(e)
}
const between = (rng: Random, min: number, max: number) => min + rng.int(max - min + 1)
const randomClientId = (rng: Random) => 1 + rng.int(2 ** 31)

/** Real y-websocket messages (sync steps, updates, presence) from a local doc, to be cut short. */
function realCorpus(rng: Random): Uint8Array[] {
  const doc = new Y.Doc()
  const awareness = new awarenessProtocol.Awareness(doc)
  const corpus: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => corpus.push(updateFrame(update)))
  for (let n = 0; corpus.length < REAL_MESSAGES_IN_CORPUS; n++) {
    randomEdit(doc, rng, 'fuzz', n)
    if (n % 8 === 0) {
      corpus.push(syncStep1Frame(Y.encodeStateVector(doc)), syncStep2Frame(Y.encodeStateAsUpdate(doc)))
      awareness.setLocalState({ user: { name: `fuzz ${n}` }, cursor: { x: rng.int(999), y: rng.int(999) } })
      const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
      corpus.push(concat([MessageType.Awareness], varUint(update.length), update))
    }
  }
  awareness.destroy()
  return corpus
}

/**
 * A valid update whose items hang off structs the server has never seen (another client's item
 * as origin, or a gap in the sender's own clock): Yjs keeps such updates pending.
 */
function danglingUpdate(rng: Random): Uint8Array {
  const base = new Y.Doc()
  base.clientID = randomClientId(rng)
  base.getArray('a').insert(0, ['base'])
  const attacker = new Y.Doc()
  attacker.clientID = randomClientId(rng)
  Y.applyUpdate(attacker, Y.encodeStateAsUpdate(base))
  if (rng.chance(0.5)) {
    attacker.getArray('a').insert(1, [`dangling ${rng.int(1e6)}`]) // origin: base's item
    return Y.encodeStateAsUpdate(attacker, Y.encodeStateVector(base))
  }
  attacker.getText('t').insert(0, 'first')
  const before = Y.encodeStateVector(attacker)
  attacker.getText('t').insert(5, ` then ${rng.int(1e6)}`) // starts at clock 5 of a client never seen
  return Y.encodeStateAsUpdate(attacker, before)
}

/** A new client's second change without its first: valid, names its root, but can never be integrated. */
function clockGapUpdate(rng: Random): Uint8Array {
  const doc = new Y.Doc()
  doc.clientID = randomClientId(rng)
  doc.getMap('m').set('first', 1)
  const before = Y.encodeStateVector(doc)
  doc.getMap('m').set(`gap ${rng.int(1e6)}`, rng.int(1e6))
  return Y.encodeStateAsUpdate(doc, before)
}

const NOT_JSON = ['{', '}', 'undefined', "{'a':1}", '{"a":}', 'NaN', '\u0000', '[1,2', '"unterminated', 'tru']

const kinds = {
  randomBytes: (rng: Random) => repeat(rng, 1, 3, () => bytes(rng, rng.chance(0.1) ? between(rng, 256, 4096) : rng.int(64))),
  truncated: (rng: Random, _c: FuzzContext, corpus: Uint8Array[]) =>
    repeat(rng, 1, 3, () => {
      const message = rng.pick(corpus)
      return message.slice(0, rng.int(message.length))
    }),
  badVarUint: (rng: Random) =>
    repeat(rng, 1, 3, () =>
      rng.pick([
        () => new Uint8Array(between(rng, 1, 12)).fill(0xff), // never terminated
        () => concat([MessageType.Sync], new Uint8Array(10).fill(0xff), [0x7f]), // sync step beyond 2^53
        () => concat([MessageType.Sync, 2], varUint(2 ** 40), bytes(rng, 8)), // length far past the end
        () => concat([0x80, 0x80, 0x80, 0x01]), // overlong type (2^21)
        () => concat([MessageType.Awareness], varUint(between(rng, 100, 10_000)), [1, 2, 3]),
      ])(),
    ),
  step2Garbage: (rng: Random) =>
    repeat(rng, 1, 3, () => (rng.chance(0.5) ? syncStep2Frame(bytes(rng, between(rng, 1, 512))) : updateFrame(bytes(rng, between(rng, 1, 512))))),
  step1Garbage: (rng: Random) => repeat(rng, 1, 3, () => syncStep1Frame(bytes(rng, between(rng, 1, 64)))),
  danglingUpdate: (rng: Random) => repeat(rng, 1, 10, () => (rng.chance(0.5) ? updateFrame : syncStep2Frame)(danglingUpdate(rng))),
  clockGapUpdate: (rng: Random) => [updateFrame(clockGapUpdate(rng))],
  hugeAwareness: (rng: Random) =>
    repeat(rng, 1, 2, () => {
      if (rng.chance(0.3)) {
        const entries = Array.from({ length: between(rng, MAX_AWARENESS_ENTRIES + 1, 64) }, () => ({ clientId: randomClientId(rng), clock: 1, json: '{}' }))
        return awarenessFrame(entries) // more entries than one connection may send at once
      }
      const size = rng.chance(0.7) ? MAX_AWARENESS_STATE_BYTES + between(rng, 1, 200_000) : between(rng, 1000, MAX_AWARENESS_STATE_BYTES - 100)
      return awarenessFrame([{ clientId: randomClientId(rng), clock: 1, json: JSON.stringify({ blob: 'x'.repeat(size) }) }])
    }),
  foreignAwareness: (rng: Random, context: FuzzContext) =>
    repeat(rng, 1, 10, () =>
      awarenessFrame([
        {
          clientId: rng.pick(context.honestClientIds),
          clock: between(rng, 1, 2 ** 30),
          json: rng.chance(0.3) ? 'null' : JSON.stringify({ user: { name: 'mallory' } }),
        },
      ]),
    ),
  invalidJsonAwareness: (rng: Random) =>
    repeat(rng, 1, 3, () => awarenessFrame([{ clientId: randomClientId(rng), clock: 1, json: rng.pick(NOT_JSON) }])),
  queryFlood: (rng: Random) => repeat(rng, 20, 1000, () => QUERY_AWARENESS_FRAME), // past the rate limit's burst at times
  textFrame: (rng: Random) => repeat(rng, 1, 3, () => rng.pick(['hello', '\u0000\u0001', '{"type":"sync"}', 'x'.repeat(between(rng, 1, 2000))])),
  // A value nested deeper than the relay accepts (up to far past any stack): 4422, nothing stored.
  nestedValue: (rng: Random) => [updateFrame(nestedValueUpdate(between(rng, MAX_VALUE_DEPTH + 1, 20_000), { client: randomClientId(rng) }))],
  nestedType: (rng: Random) => {
    const doc = new Y.Doc()
    doc.clientID = randomClientId(rng)
    let map = doc.getMap('m')
    for (let d = between(rng, 1, 50); d > 0; d--) {
      const inner = new Y.Map<unknown>()
      map.set('inner', inner)
      map = inner as Y.Map<unknown>
    }
    return [updateFrame(Y.encodeStateAsUpdate(doc))]
  },
  // Cheap to send, costly to hold: more small map entries in one change than one message may bring.
  manySmallItems: (rng: Random) => [updateFrame(manyEntriesUpdate(between(rng, MAX_STRUCTS_PER_UPDATE + 1, 3 * MAX_STRUCTS_PER_UPDATE), { client: randomClientId(rng) }))],
  // One connection introducing presence id after presence id, each just under the size limit.
  presenceFlood: (rng: Random) =>
    repeat(rng, MAX_CLIENT_IDS_PER_CONNECTION + 1, 60, () =>
      awarenessFrame([{ clientId: randomClientId(rng), clock: 1, json: JSON.stringify({ blob: 'x'.repeat(between(rng, 100, MAX_AWARENESS_STATE_BYTES - 100)) }) }]),
    ),
  deepPresence: (rng: Random) => {
    const depth = between(rng, MAX_AWARENESS_DEPTH + 1, 30_000)
    return [awarenessFrame([{ clientId: randomClientId(rng), clock: 1, json: '['.repeat(depth) + ']'.repeat(depth) }])]
  },
  oversized: (rng: Random, context: FuzzContext) => [
    concat([MessageType.Sync, 2], varUint(context.maxMessageBytes * 2), new Uint8Array(between(rng, context.maxMessageBytes, context.maxMessageBytes * 3))),
  ],
} satisfies Record<string, (rng: Random, context: FuzzContext, corpus: Uint8Array[]) => Frame[]>

export type FrameKind = keyof typeof kinds
export const FRAME_KINDS = Object.keys(kinds) as FrameKind[]

/** How often each kind is drawn, per connection. Oversized frames are megabytes each and floods hundreds of frames: rare. */
const WEIGHTS: Record<FrameKind, number> = {
  randomBytes: 18,
  truncated: 16,
  badVarUint: 10,
  step2Garbage: 10,
  step1Garbage: 5,
  danglingUpdate: 8,
  clockGapUpdate: 1,
  hugeAwareness: 4,
  foreignAwareness: 8,
  invalidJsonAwareness: 8,
  queryFlood: 0.2,
  textFrame: 8,
  nestedValue: 2,
  nestedType: 1,
  manySmallItems: 0.5,
  presenceFlood: 1,
  deepPresence: 1,
  oversized: 0.3,
}

function repeat(rng: Random, min: number, max: number, make: () => Frame): Frame[] {
  return Array.from({ length: between(rng, min, max) }, make)
}

/** A seeded source of hostile batches: the same seed gives the same batches. */
export function fuzzBatches(seed: number, context: FuzzContext): () => FuzzBatch {
  const rng = seededRandom(seed)
  const corpus = realCorpus(rng)
  const total = FRAME_KINDS.reduce((sum, k) => sum + WEIGHTS[k], 0)
  return () => {
    let roll = rng.next() * total
    const kind = FRAME_KINDS.find((k) => (roll -= WEIGHTS[k]) < 0) ?? 'randomBytes'
    return { kind, frames: kinds[kind](rng, context, corpus) }
  }
}
