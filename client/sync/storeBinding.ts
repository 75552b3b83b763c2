import { DocumentRecordType, PageRecordType, TLDOCUMENT_ID, type TLRecord, type TLStore } from '@tldraw/tlschema'
import type { IndexKey } from '@tldraw/utils'
import type * as Y from 'yjs'
import { migrateRecords } from './migrateRecords'
import type { RecordChange, RecordMap } from './recordMap'
import { metaOf, recordsOf, SCHEMA_KEY } from './yRecords'

export interface StoreBinding {
  /** The records in the Y.Doc (shared with the presence binding and tests). */
  readonly records: RecordMap<TLRecord>
  /** Writes the store's document records into an empty Y.Doc (a new board). */
  seedIfEmpty(): void
  unbind(): void
}

export interface StoreBindingOptions {
  /** View-only: changes flow from the doc to the store only; the store never writes back. */
  readOnly?: boolean
  /**
   * Which of the store's records belong in this doc (default: all). Two bindings can share one
   * store this way: the board's doc and a participant's private doc. A record that stops
   * belonging here (a private note being revealed) is removed from this doc.
   */
  owns?: (record: TLRecord) => boolean
  /**
   * Batches remote changes: called with a flush function whenever changes wait; the browser passes
   * requestAnimationFrame so many small remote edits become one store change per frame. Without
   * it (Node, tests) remote changes are applied at once.
   */
  schedule?: (flush: () => void) => void
  /** Called when a remote record is rejected by the tldraw schema (it is then skipped). */
  onInvalidRecord?: (record: unknown, error: unknown) => void
  /** Called when the board's stored schema could not be used (its records were read as they are). */
  onUnusableSchema?: (schema: unknown) => void
}

/**
 * Binds a tldraw store to a Y.Doc, both ways. Only document records (shapes, bindings, pages,
 * assets, the document) are shared; cameras, selections and presence stay local. Each record is
 * one entry, so concurrent edits of different shapes never conflict; edits of the same shape are
 * last-writer-wins per record.
 *
 * Plain TypeScript, no React: tested in Node with a bare store.
 */
export function bindStoreToDoc(store: TLStore, doc: Y.Doc, options: StoreBindingOptions = {}): StoreBinding {
  const records = recordsOf(doc, { readOnly: options.readOnly })
  const meta = metaOf(doc)
  const owns = options.owns ?? (() => true)
  /** Marks our own transactions, so that their echo is not applied back to the store. */
  const origin = { binding: 'tldraw-store' }

  const putRemote = (puts: TLRecord[], removes: TLRecord['id'][]) => {
    if (puts.length === 0 && removes.length === 0) return
    store.mergeRemoteChanges(() => {
      if (removes.length > 0) store.remove(removes.filter((id) => store.has(id)))
      if (puts.length === 0) return
      const ordered = sortForPut(puts)
      try {
        store.put(ordered)
      } catch {
        // One bad record (an older client, a hostile peer) must not block the others.
        for (const record of ordered) {
          try {
            store.put([record])
          } catch (error) {
            options.onInvalidRecord?.(record, error)
          }
        }
      }
    })
  }

  // 1. What the Y.Doc has replaces the store's document records (migrated if written by an
  //    older schema). An empty doc leaves the store alone: `seedIfEmpty` decides about that.
  //    Whatever a peer wrote, this never throws: bad records are skipped, an unusable schema
  //    is replaced by ours (by a writer), and the board opens with everything else.
  if (records.map.size > 0) {
    const schema = meta.get(SCHEMA_KEY)
    const { records: incoming, schemaUnusable } = migrateRecords(store, [...records.map.values()].map((e) => e.val), schema)
    const keep = new Set(incoming.map((r) => r.id))
    const stale = documentRecords(store).filter((r) => owns(r) && !keep.has(r.id)).map((r) => r.id)
    putRemote(incoming, stale)
    if (schemaUnusable) {
      options.onUnusableSchema?.(schema)
      if (!options.readOnly) doc.transact(() => meta.set(SCHEMA_KEY, store.schema.serialize()), origin)
    }
  }

  // 2. Local user changes → Y.Doc, one transaction per store change batch.
  const stopListening = options.readOnly ? () => {} : store.listen(
    ({ changes }) => {
      doc.transact(() => {
        for (const record of Object.values(changes.added)) if (owns(record)) records.set(record.id, record)
        for (const [, record] of Object.values(changes.updated)) {
          if (owns(record)) records.set(record.id, record)
          else if (records.has(record.id)) records.delete(record.id)
        }
        for (const record of Object.values(changes.removed)) if (records.has(record.id)) records.delete(record.id)
      }, origin)
    },
    { source: 'user', scope: 'document' },
  )

  // 3. Remote changes → store, marked remote so they never enter the local undo history. When
  //    batched, the flush reads each record's value from the doc at that moment, so a local edit
  //    made in between is never overwritten by an older remote value.
  const waiting = new Set<string>()
  let scheduled = false
  const flush = () => {
    scheduled = false
    const puts: TLRecord[] = []
    const removes: TLRecord['id'][] = []
    for (const id of waiting) {
      const entry = records.map.get(id)
      if (entry) puts.push(entry.val)
      else removes.push(id as TLRecord['id'])
    }
    waiting.clear()
    putRemote(puts, removes)
  }
  const onChange = (changes: Map<string, RecordChange<TLRecord>>, tr: Y.Transaction) => {
    if (tr.origin === origin) return
    for (const id of changes.keys()) waiting.add(id)
    if (!options.schedule) return flush()
    if (!scheduled) {
      scheduled = true
      options.schedule(flush)
    }
  }
  records.on('change', onChange)

  return {
    records,
    seedIfEmpty() {
      if (records.map.size > 0) return
      // Fixed ids: two people opening a new board at once write the same two records.
      const missing = defaultDocumentRecords().filter((r) => !store.has(r.id))
      if (missing.length > 0) store.mergeRemoteChanges(() => store.put(missing))
      doc.transact(() => {
        meta.set(SCHEMA_KEY, store.schema.serialize())
        for (const record of documentRecords(store)) if (owns(record)) records.set(record.id, record)
      }, origin)
    },
    unbind() {
      waiting.clear()
      stopListening()
      records.off('change', onChange)
      records.destroy()
    },
  }
}

/** What a new board starts with: tldraw's document record and one page. */
export function defaultDocumentRecords(): TLRecord[] {
  return [
    DocumentRecordType.create({ id: TLDOCUMENT_ID }),
    PageRecordType.create({ id: DEFAULT_PAGE_ID, name: 'Pagina 1', index: 'a1' as IndexKey }),
  ]
}

export const DEFAULT_PAGE_ID = PageRecordType.createId('page')

function documentRecords(store: TLStore): TLRecord[] {
  return store.allRecords().filter((r) => store.scopedTypes.document.has(r.typeName))
}

/** Pages before shapes before bindings: a binding's shapes must exist when it arrives. */
const PUT_ORDER: Record<string, number> = { document: 0, page: 1, asset: 2, shape: 3, binding: 4 }

function sortForPut(records: TLRecord[]): TLRecord[] {
  return [...records].sort((a, b) => (PUT_ORDER[a.typeName] ?? 5) - (PUT_ORDER[b.typeName] ?? 5))
}
