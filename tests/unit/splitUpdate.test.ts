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
})
