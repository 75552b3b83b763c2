import type { TLRecord, TLStore } from '@tldraw/tlschema'
import type { Editor } from 'tldraw'
import * as Y from 'yjs'
import { migrateRecords } from '../sync/migrateRecords'
import { metaOf, recordsOf, SCHEMA_KEY } from '../sync/yRecords'

/** Record types a snapshot brings back; cameras, presence and the facilitation state stay as they are. */
const RESTORED_TYPES = new Set(['shape', 'binding', 'asset', 'page'])

/** The records of a snapshot that a restore brings back, in this version's schema. */
function snapshotRecords(store: TLStore, state: Uint8Array): TLRecord[] {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  const { records } = migrateRecords(store, [...recordsOf(doc, { readOnly: true }).map.values()].map((e) => e.val), metaOf(doc).get(SCHEMA_KEY))
  doc.destroy()
  return records.filter((r) => RESTORED_TYPES.has(r.typeName))
}

/**
 * Puts the board back as it was in a snapshot, as ONE ordinary change of the facilitator: it is
 * synced to everyone like any edit, and "undo" brings back what was there before.
 */
export function restoreSnapshot(editor: Editor, state: Uint8Array): void {
  const wanted = snapshotRecords(editor.store, state)
  const keep = new Set(wanted.map((r) => r.id))
  editor.markHistoryStoppingPoint('momentopname herstellen')
  editor.run(() => {
    const stale = editor.store
      .allRecords()
      .filter((r) => RESTORED_TYPES.has(r.typeName) && r.typeName !== 'page' && !keep.has(r.id))
      .map((r) => r.id)
    editor.store.remove(stale)
    editor.store.put(wanted)
  })
}

/**
 * The same restore without an editor, straight into the board's Y.Doc: for a board that cannot
 * be opened any more (what a snapshot is for). Everything of the restored kinds that the
 * snapshot lacks goes, and anything in the records array that is not a record at all; the
 * schema becomes this version's. One transaction, synced like any edit.
 */
export function restoreSnapshotIntoDoc(doc: Y.Doc, store: TLStore, state: Uint8Array): void {
  const wanted = snapshotRecords(store, state)
  const keep = new Set<string>(wanted.map((r) => r.id))
  const records = recordsOf(doc)
  doc.transact(() => {
    for (const [id, entry] of [...records.map]) {
      const typeName = (entry.val as Partial<TLRecord>).typeName
      if (typeof typeName !== 'string' || (RESTORED_TYPES.has(typeName) && !keep.has(id))) records.delete(id)
    }
    for (const record of wanted) records.set(record.id, record)
    metaOf(doc).set(SCHEMA_KEY, store.schema.serialize())
  })
  records.destroy()
}
