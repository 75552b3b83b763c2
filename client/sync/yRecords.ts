import type { TLRecord } from '@tldraw/tlschema'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type * as Y from 'yjs'

/** Name of the Y.Array that holds one `{ key: recordId, val: record }` entry per tldraw record. */
export const RECORDS_ARRAY = 'tl_records'
/** Name of the Y.Map with document-wide metadata (the tldraw schema the records were written in). */
export const META_MAP = 'tl_meta'
export const SCHEMA_KEY = 'schema'

/**
 * The board's records inside a Y.Doc. A YKeyValue (an array of key/value entries) instead of a
 * Y.Map: a Y.Map keeps a tombstone for every overwrite, so dragging one shape for a minute would
 * grow the document by thousands of entries; YKeyValue's deleted entries merge into one range.
 */
export function recordsOf(doc: Y.Doc): YKeyValue<TLRecord> {
  return new YKeyValue<TLRecord>(doc.getArray(RECORDS_ARRAY))
}

export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META_MAP)
}
