import type { Editor, TLRecord } from 'tldraw'
import * as Y from 'yjs'
import { metaOf, recordsOf, SCHEMA_KEY } from '../sync/yRecords'
import type { SerializedSchema } from '@tldraw/store'

/** Record types a snapshot brings back; cameras, presence and the facilitation state stay as they are. */
const RESTORED_TYPES = new Set(['shape', 'binding', 'asset', 'page'])

/**
 * Puts the board back as it was in a snapshot, as ONE ordinary change of the facilitator: it is
 * synced to everyone like any edit, and "undo" brings back what was there before.
 */
export function restoreSnapshot(editor: Editor, state: Uint8Array): void {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  let records = [...recordsOf(doc).map.values()].map((entry) => entry.val)
  const schema = metaOf(doc).get(SCHEMA_KEY) as SerializedSchema | undefined
  if (schema) {
    const migrated = editor.store.schema.migrateStoreSnapshot({
      store: Object.fromEntries(records.map((r) => [r.id, r])),
      schema,
    })
    if (migrated.type === 'error') throw new Error(`Momentopname kan niet worden gelezen: ${migrated.reason}`)
    records = Object.values(migrated.value) as TLRecord[]
  }
  const wanted = records.filter((r) => RESTORED_TYPES.has(r.typeName))
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
  doc.destroy()
}
