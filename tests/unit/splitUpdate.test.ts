import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { inspectUpdate } from '../../protocol/inspectUpdate'
import { splitUpdate } from '../../protocol/splitUpdate'
import { randomEdit, snapshot } from '../../bench/lib/harness/editing'
import { seededRandom } from '../../bench/lib/harness/random'

/** Several clients editing one doc in turn, each after seeing the others: every kind of dependency. */
function sharedHistory(seed: number, edits: number): Y.Doc {
  const rng = seededRandom(seed)
  const doc = new Y.Doc()
  const records = new YKeyValue(doc.getArray<{ key: string; val: unknown }>('tl_records'))
  for (let n = 0; n < edits; n++) {
    doc.clientID = 1 + rng.int(7)
    if (rng.chance(0.5)) randomEdit(doc, rng, `c${doc.clientID}`, n)
    else records.set(`shape:${rng.int(40)}`, { x: rng.int(1000), n })
  }
  return doc
}

describe('splitUpdate', () => {
  it('leaves a small update as it is', () => {
    const update = Y.encodeStateAsUpdate(sharedHistory(1, 20))
    expect(splitUpdate(update, 1000).pieces).toEqual([update])
  })

  it('cuts a board into pieces that, applied in order, integrate at once and give the same board', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const source = sharedHistory(seed, 400)
      const update = Y.encodeStateAsUpdate(source)
      const max = 1 + (seed % 5) * 7
      const { pieces } = splitUpdate(update, max)
      expect(pieces.length).toBeGreaterThan(1)
      const target = new Y.Doc()
      for (const piece of pieces) {
        expect(inspectUpdate(piece).structs).toBeLessThanOrEqual(max)
        Y.applyUpdate(target, piece)
        // Causal order: nothing waits for a later piece.
        expect(target.store.pendingStructs, `seed ${seed}`).toBeNull()
      }
      expect(snapshot(target)).toBe(snapshot(source))
      expect(new YKeyValue(target.getArray<{ key: string; val: unknown }>('tl_records')).map.size).toBe(new YKeyValue(source.getArray<{ key: string; val: unknown }>('tl_records')).map.size)
      expect(Y.encodeStateVector(target)).toEqual(Y.encodeStateVector(source))
      expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(target.store), Y.createDeleteSetFromStructStore(source.store))).toBe(true)
    }
  })

  it('with a byte limit, cuts pieces of at most that many bytes (a struct larger than the limit alone), same board', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const rng = seededRandom(100 + seed)
      const source = sharedHistory(seed, 300)
      // Long values too, some larger than the limit by themselves.
      const records = new YKeyValue(source.getArray<{ key: string; val: unknown }>('tl_records'))
      for (let n = 0; n < 30; n++) records.set(`note:${rng.int(20)}`, { text: 'x'.repeat(rng.int(3000)) })
      const update = Y.encodeStateAsUpdate(source)
      const maxBytes = 200 + rng.int(2000)
      const { pieces } = splitUpdate(update, 10_000, maxBytes)
      expect(pieces.length).toBeGreaterThan(1)
      const target = new Y.Doc()
      for (const piece of pieces) {
        if (piece.byteLength > maxBytes) expect(inspectUpdate(piece).structs, `seed ${seed}`).toBe(1)
        Y.applyUpdate(target, piece)
        expect(target.store.pendingStructs, `seed ${seed}`).toBeNull()
      }
      expect(snapshot(target)).toBe(snapshot(source))
      // Merged again they are the same update: what the server stores equals what was sent.
      const merged = new Y.Doc()
      Y.applyUpdate(merged, Y.mergeUpdates(pieces))
      expect(snapshot(merged)).toBe(snapshot(source))
      expect(Y.encodeStateVector(merged)).toEqual(Y.encodeStateVector(source))
      expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(merged.store), Y.createDeleteSetFromStructStore(source.store))).toBe(true)
    }
  })

  it('keeps both limits at once, and leaves an update under both as it is', () => {
    const source = sharedHistory(7, 400)
    const update = Y.encodeStateAsUpdate(source)
    expect(splitUpdate(update, 10_000, update.byteLength).pieces).toEqual([update])
    const { pieces } = splitUpdate(update, 9, 300)
    for (const piece of pieces) {
      expect(inspectUpdate(piece).structs).toBeLessThanOrEqual(9)
      if (inspectUpdate(piece).structs > 1) expect(piece.byteLength).toBeLessThanOrEqual(300)
    }
    const target = new Y.Doc()
    for (const piece of pieces) Y.applyUpdate(target, piece)
    expect(snapshot(target)).toBe(snapshot(source))
  })

  it('sends a delete set too large for the last piece after it, in a piece of its own', () => {
    const source = new Y.Doc()
    const text = source.getText('t')
    text.insert(0, 'a'.repeat(2000))
    // Every other character deleted: a thousand ranges in the delete set.
    source.transact(() => {
      for (let i = 1000; i > 0; i--) text.delete(i * 2 - 1, 1)
    })
    const update = Y.encodeStateAsUpdate(source)
    const { pieces } = splitUpdate(update, 10_000, 1500)
    expect(inspectUpdate(pieces[pieces.length - 1]).structs).toBe(0)
    const target = new Y.Doc()
    for (const piece of pieces) Y.applyUpdate(target, piece)
    expect(target.getText('t').toString()).toBe(text.toString())
  })

  it('cuts one struct of many values (records appended one after another) between its values', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const rng = seededRandom(200 + seed)
      const source = new Y.Doc()
      const records = new YKeyValue(source.getArray<{ key: string; val: unknown }>('tl_records'))
      // Appended one after another by one client: Yjs merges them into one struct.
      for (let n = 0; n < 60; n++) records.set(`shape:${n}`, { text: 'y'.repeat(rng.int(5000)), nested: { n, list: [n, 'z'] } })
      // Inserted in the middle (origin and right origin), and into an empty array (a parent, no origins).
      const list = source.getArray<unknown>('list')
      list.insert(0, Array.from({ length: 40 }, (_, i) => 'a'.repeat(rng.int(3000)) + i))
      list.insert(3, Array.from({ length: 40 }, (_, i) => ({ i, b: 'b'.repeat(rng.int(3000)) })))
      const update = Y.encodeStateAsUpdate(source)
      expect(inspectUpdate(update).structs).toBeLessThan(10)
      const maxBytes = 6000 + rng.int(20_000)
      const { pieces } = splitUpdate(update, 10_000, maxBytes)
      const target = new Y.Doc()
      for (const piece of pieces) {
        expect(piece.byteLength, `seed ${seed}`).toBeLessThanOrEqual(maxBytes)
        Y.applyUpdate(target, piece)
        expect(target.store.pendingStructs).toBeNull()
      }
      expect(target.getArray('tl_records').toJSON()).toEqual(source.getArray('tl_records').toJSON())
      expect(target.getArray('list').toJSON()).toEqual(list.toJSON())
      expect(Y.encodeStateVector(target)).toEqual(Y.encodeStateVector(source))
      // And the doc goes on from there: an edit made on the source after it applies cleanly.
      const before = Y.encodeStateVector(target)
      list.insert(5, ['later'])
      Y.applyUpdate(target, Y.encodeStateAsUpdate(source, before))
      expect(target.getArray('list').toJSON()).toEqual(list.toJSON())
    }
  })
})
