import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { inspectUpdate, MAX_VALUE_DEPTH } from '../../protocol/inspectUpdate'
import { MalformedUpdate, RefusedUpdate } from '../../protocol/updateReader'
import { randomEdit } from '../../bench/lib/harness/editing'
import { seededRandom } from '../../bench/lib/harness/random'
import { nestedValueUpdate } from '../../bench/lib/harness/hostileUpdates'

/** A doc edited by several clients in turn (maps, arrays, text, deletions). */
function editedDoc(seed: number, edits: number): Y.Doc {
  const rng = seededRandom(seed)
  const doc = new Y.Doc()
  for (let n = 0; n < edits; n++) {
    doc.clientID = 1 + rng.int(5)
    randomEdit(doc, rng, `c${doc.clientID}`, n)
  }
  return doc
}

describe('inspectUpdate', () => {
  it('counts what Yjs itself decodes, for updates of every shape a board makes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const doc = editedDoc(seed, 300)
      const update = Y.encodeStateAsUpdate(doc)
      const facts = inspectUpdate(update)
      const decoded = Y.decodeUpdate(update)
      expect(facts.structs).toBe(decoded.structs.length)
      expect(facts.deleteRanges).toBe([...decoded.ds.clients.values()].reduce((n, r) => n + r.length, 0))
      expect(facts.cost).toBeGreaterThan(update.byteLength)
    }
  })

  it('measures the depth of nested values, and refuses one nested deeper than the limit', () => {
    expect(inspectUpdate(nestedValueUpdate(MAX_VALUE_DEPTH)).depth).toBe(MAX_VALUE_DEPTH)
    expect(() => inspectUpdate(nestedValueUpdate(MAX_VALUE_DEPTH + 1))).toThrow(RefusedUpdate)
    // Far deeper than any stack: refused, not overflowed.
    expect(() => inspectUpdate(nestedValueUpdate(1_000_000))).toThrow(RefusedUpdate)
    const doc = new Y.Doc()
    doc.getMap('m').set('record', { props: { richText: { content: [{ content: [{ text: 'x', marks: [{}] }] }] } } })
    expect(inspectUpdate(Y.encodeStateAsUpdate(doc)).depth).toBe(9)
  })

  it('refuses nested shared types and sub-documents', () => {
    const nested = new Y.Doc()
    nested.getMap('m').set('inner', new Y.Map())
    expect(() => inspectUpdate(Y.encodeStateAsUpdate(nested))).toThrow(RefusedUpdate)
    const withSubdoc = new Y.Doc()
    withSubdoc.getMap('m').set('doc', new Y.Doc())
    expect(() => inspectUpdate(Y.encodeStateAsUpdate(withSubdoc))).toThrow(RefusedUpdate)
  })

  it('names the roots an update writes', () => {
    const doc = new Y.Doc()
    doc.getMap('tl_meta').set('schema', {})
    doc.getArray('tl_records').push([{ key: 'a', val: 1 }])
    expect([...inspectUpdate(Y.encodeStateAsUpdate(doc)).roots].sort()).toEqual(['tl_meta', 'tl_records'])
  })

  it('throws MalformedUpdate for cut, padded and lying bytes', () => {
    const update = Y.encodeStateAsUpdate(editedDoc(3, 50))
    for (let cut = 1; cut < update.length; cut += 7) {
      expect(() => inspectUpdate(update.subarray(0, cut))).toThrow(MalformedUpdate)
    }
    expect(() => inspectUpdate(Uint8Array.from([...update, 0]))).toThrow(MalformedUpdate)
    const lying = encoding.createEncoder()
    encoding.writeVarUint(lying, 2 ** 40) // "a trillion clients"
    expect(() => inspectUpdate(encoding.toUint8Array(lying))).toThrow(MalformedUpdate)
  })
})
