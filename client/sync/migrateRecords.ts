import type { SerializedSchema } from '@tldraw/store'
import type { TLRecord, TLStore } from '@tldraw/tlschema'

export interface MigratedRecords {
  records: TLRecord[]
  /**
   * The stored schema could not be used (missing, not a schema, or one this version cannot
   * migrate from): the records were taken as they are, and each that the current schema refuses
   * is skipped when it is put into the store. A writer then stores the current schema.
   */
  schemaUnusable: boolean
}

/** Shape of a tldraw serialized schema, enough to tell one from anything else a peer could store. */
function isSerializedSchema(value: unknown): value is SerializedSchema {
  if (typeof value !== 'object' || value === null) return false
  const { schemaVersion } = value as { schemaVersion?: unknown }
  return typeof schemaVersion === 'number'
}

function looksLikeRecord(value: unknown): value is TLRecord {
  if (typeof value !== 'object' || value === null) return false
  const { id, typeName } = value as Partial<TLRecord>
  return typeof id === 'string' && typeof typeName === 'string'
}

/**
 * Brings records written under `schema` (a board's `tl_meta.schema`, a snapshot's) to this
 * version of tldraw. Never throws: a board must open whatever one participant wrote into it.
 * Used by the store binding and by snapshot restore, so both read old boards the same way.
 */
export function migrateRecords(store: TLStore, values: unknown[], schema: unknown): MigratedRecords {
  const records = values.filter(looksLikeRecord)
  if (!isSerializedSchema(schema)) return { records, schemaUnusable: schema !== undefined }
  try {
    const result = store.schema.migrateStoreSnapshot({ store: Object.fromEntries(records.map((r) => [r.id, r])), schema })
    if (result.type === 'success') return { records: Object.values(result.value) as TLRecord[], schemaUnusable: false }
  } catch {
    // a schema that looks right but breaks the migration: as below
  }
  return { records, schemaUnusable: true }
}
