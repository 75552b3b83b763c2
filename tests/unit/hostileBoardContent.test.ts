import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { restoreSnapshotIntoDoc } from '../../client/facilitation/restoreSnapshot'
import { bindStoreToDoc } from '../../client/sync/storeBinding'
import { META_MAP, RECORDS_ARRAY, SCHEMA_KEY } from '../../client/sync/yRecords'
import { geoShape, newTestStore, shapesOf } from '../../bench/lib/harness/tlStore'

/** A board with two shapes, written by an honest page. */
function honestBoard() {
  const doc = new Y.Doc()
  const store = newTestStore()
  bindStoreToDoc(store, doc).seedIfEmpty()
  store.put([geoShape(1, 2), geoShape(3, 4)])
  return { doc, shapes: shapesOf(store) }
}

/** What one hostile participant can write into a board with a plain Yjs client. */
const ATTACKS: Record<string, (doc: Y.Doc) => void> = {
  'a null entry in the records': (doc) => doc.getArray(RECORDS_ARRAY).push([null]),
  'an entry without a key': (doc) => doc.getArray(RECORDS_ARRAY).push([{ val: { id: 'shape:x', typeName: 'shape' } }]),
  'an entry whose value is null': (doc) => doc.getArray(RECORDS_ARRAY).push([{ key: 'shape:y', val: null }]),
  'a number and a string in the records': (doc) => doc.getArray(RECORDS_ARRAY).push([42, 'x']),
  'a record tldraw refuses': (doc) => doc.getArray(RECORDS_ARRAY).push([{ key: 'shape:z', val: { id: 'shape:z', typeName: 'shape', type: 'nonsense' } }]),
  'a schema from the future': (doc) => doc.getMap(META_MAP).set(SCHEMA_KEY, { schemaVersion: 99, sequences: { 'com.tldraw.shape': 999 } }),
  'a schema that is a string': (doc) => doc.getMap(META_MAP).set(SCHEMA_KEY, 'x'),
  'a schema that is null': (doc) => doc.getMap(META_MAP).set(SCHEMA_KEY, null),
}

describe('a board keeps opening whatever one participant wrote into it', () => {
  for (const [attack, write] of Object.entries(ATTACKS)) {
    it(`${attack}: a fresh page opens the board with every valid shape, and a writer repairs it`, () => {
      const { doc, shapes } = honestBoard()
      write(doc)
      const skipped: unknown[] = []
      // A view-only page: never writes, still opens.
      const viewerDoc = new Y.Doc()
      Y.applyUpdate(viewerDoc, Y.encodeStateAsUpdate(doc))
      const viewerStore = newTestStore(false)
      const before = Y.encodeStateVector(viewerDoc)
      expect(() => bindStoreToDoc(viewerStore, viewerDoc, { readOnly: true, onInvalidRecord: (r) => skipped.push(r) })).not.toThrow()
      expect(shapesOf(viewerStore)).toEqual(shapes)
      expect(Y.encodeStateVector(viewerDoc)).toEqual(before)
      // A writing page opens it too, and what it writes opens cleanly everywhere after.
      const writerStore = newTestStore(false)
      bindStoreToDoc(writerStore, doc, { onInvalidRecord: (r) => skipped.push(r) })
      expect(shapesOf(writerStore)).toEqual(shapes)
      writerStore.put([geoShape(5, 6)])
      const later = newTestStore(false)
      const laterSkipped: unknown[] = []
      bindStoreToDoc(later, doc, { onInvalidRecord: (r) => laterSkipped.push(r) })
      expect(shapesOf(later)).toEqual(shapesOf(writerStore))
      expect(doc.getArray(RECORDS_ARRAY).toArray().every((e) => typeof e === 'object' && e !== null && 'key' in e)).toBe(true)
    })
  }

  it('later hostile changes to an open board do not stop it from following the others', () => {
    const { doc } = honestBoard()
    const store = newTestStore(false)
    bindStoreToDoc(store, doc)
    for (const write of Object.values(ATTACKS)) expect(() => write(doc)).not.toThrow()
    const other = newTestStore(false)
    bindStoreToDoc(other, doc)
    other.put([geoShape(7, 8)])
    expect(shapesOf(store)).toEqual(shapesOf(other))
  })

  it('a snapshot can be put back straight into the board document, without an editor', () => {
    const { doc, shapes } = honestBoard()
    const snapshot = Y.encodeStateAsUpdate(doc)
    for (const write of Object.values(ATTACKS)) write(doc)
    const stray = newTestStore(false)
    bindStoreToDoc(stray, doc).seedIfEmpty()
    stray.put([geoShape(9, 9)])
    restoreSnapshotIntoDoc(doc, newTestStore(false), snapshot)
    const fresh = newTestStore(false)
    const skipped: unknown[] = []
    bindStoreToDoc(fresh, doc, { onInvalidRecord: (r) => skipped.push(r) })
    expect(shapesOf(fresh)).toEqual(shapes)
    expect(skipped).toEqual([])
  })
})
