import type { TLRecord } from '@tldraw/tlschema'
import type * as Y from 'yjs'
import { RecordMap } from './recordMap'

/** Name of the Y.Array that holds one `{ key: recordId, val: record }` entry per tldraw record. */
export const RECORDS_ARRAY = 'tl_records'
/** Name of the Y.Map with document-wide metadata (the tldraw schema the records were written in). */
export const META_MAP = 'tl_meta'
export const SCHEMA_KEY = 'schema'

/**
 * The board's records inside a Y.Doc. An array of key/value entries (RecordMap, the format of
 * y-utility's YKeyValue) instead of a Y.Map: a Y.Map cannot merge the tombstones of keys
 * overwritten in turn, so dragging a few shapes (or a selection) for a minute grows it by
 * thousands of entries (measured: 10,000
 * alternating moves of two shapes, 771 → 90,657 bytes); YKeyValue's deleted entries merge into
 * one range (1,699 → 1,730 bytes).
 */
export function recordsOf(doc: Y.Doc, options: { readOnly?: boolean } = {}): RecordMap<TLRecord> {
  return new RecordMap<TLRecord>(doc.getArray(RECORDS_ARRAY), options)
}

export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META_MAP)
}
