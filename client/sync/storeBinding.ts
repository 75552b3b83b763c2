import { DocumentRecordType, PageRecordType, TLDOCUMENT_ID, type TLRecord, type TLStore } from '@tldraw/tlschema'
import type { IndexKey } from '@tldraw/utils'
import type * as Y from 'yjs'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../protocol/limits'
import { migrateRecords } from './migrateRecords'
import type { RecordChange, RecordMap } from './recordMap'
import { metaOf, recordsOf, SCHEMA_KEY } from './yRecords'

/**
 * Share of the server's message limit one record may take: with the protocol's overhead (its
 * Yjs encoding is no larger than its JSON) it always fits in one message, whatever else is sent.
 */
export const RECORD_SHARE_OF_MESSAGE = 0.5
/** Largest record (its JSON, in UTF-8 bytes) shared with a server at `maxMessageBytes`. */
export function maxRecordBytesFor(maxMessageBytes: number): number {
  return Math.floor(maxMessageBytes * RECORD_SHARE_OF_MESSAGE)
}
export const DEFAULT_MAX_RECORD_BYTES = maxRecordBytesFor(DEFAULT_MAX_MESSAGE_BYTES)
/** UTF-8 takes at most this many bytes per UTF-16 unit of a string. */
const MAX_UTF8_BYTES_PER_UNIT = 3

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
  /**
   * Largest local record written to the doc, in bytes of its JSON (default DEFAULT_MAX_RECORD_BYTES;
   * the page derives it from the server's limit with maxRecordBytesFor). A larger one could never
   * be sent: the server would refuse it on every reconnect and nothing after it would get through.
   */
  maxRecordBytes?: number
  /** Called for a local record over maxRecordBytes: it is not shared, and the store goes back to the doc's version. */
  onTooLarge?: (record: TLRecord) => void
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
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
  let bound = true

  /** True if `record` may be shared; else it is reported and taken back out of the store. */
  const fits = (record: TLRecord): boolean => {
    if (fitsIn(record, maxRecordBytes)) return true
    options.onTooLarge?.(record)
    // Not now: a store listener must not change the store. The doc's version when it runs, so
    // an edit made meanwhile (the text shortened again) is kept.
    queueMicrotask(() => {
      if (!bound) return
      const shared = records.get(record.id)
      store.mergeRemoteChanges(() => {
        if (shared) store.put([shared])
        else if (store.has(record.id)) store.remove([record.id])
      })
    })
    return false
  }

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
        for (const record of Object.values(changes.added)) if (owns(record) && fits(record)) records.set(record.id, record)
        for (const [, record] of Object.values(changes.updated)) {
          if (owns(record)) {
            if (fits(record)) records.set(record.id, record)
          }
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
        for (const record of documentRecords(store)) if (owns(record) && fits(record)) records.set(record.id, record)
      }, origin)
    },
    unbind() {
      bound = false
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

/** Whether a record's JSON takes at most `limit` bytes in UTF-8 (encoded only when it could be over). */
function fitsIn(record: TLRecord, limit: number): boolean {
  const json = JSON.stringify(record)
  return json.length * MAX_UTF8_BYTES_PER_UNIT <= limit || new TextEncoder().encode(json).byteLength <= limit
}

function documentRecords(store: TLStore): TLRecord[] {
  return store.allRecords().filter((r) => store.scopedTypes.document.has(r.typeName))
}

/** Pages before shapes before bindings: a binding's shapes must exist when it arrives. */
const PUT_ORDER: Record<string, number> = { document: 0, page: 1, asset: 2, shape: 3, binding: 4 }

function sortForPut(records: TLRecord[]): TLRecord[] {
  return [...records].sort((a, b) => (PUT_ORDER[a.typeName] ?? 5) - (PUT_ORDER[b.typeName] ?? 5))
}
