import { Observable } from 'lib0/observable'
import type * as Y from 'yjs'

/** One entry of the records array: a record id and the record. */
export interface RecordEntry<T> {
  key: string
  val: T
}

export interface RecordChange<T> {
  action: 'add' | 'update' | 'delete'
  oldValue?: T
  newValue?: T
}

type Events<T> = {
  change: (changes: Map<string, RecordChange<T>>, transaction: Y.Transaction) => void
}

/**
 * Whether an array element is an entry at all. Anyone who may write the board can put anything in
 * the array (null, a number, an entry without a key); such an element is skipped, never read.
 */
export function isRecordEntry(value: unknown): value is RecordEntry<unknown> {
  if (typeof value !== 'object' || value === null) return false
  const { key, val } = value as Partial<RecordEntry<unknown>>
  return typeof key === 'string' && typeof val === 'object' && val !== null && !Array.isArray(val)
}

/**
 * A map of records kept in a Y.Array of `{ key, val }` entries, the last entry of a key winning:
 * the format and the algorithm of y-utility's YKeyValue (boards written with it read the same),
 * which merges a record's overwritten entries into one deleted range where a Y.Map would keep
 * each (see yRecords.ts). Unlike YKeyValue it survives what a hostile participant can write:
 * elements that are no entry are skipped (and, by a writer, removed), where YKeyValue throws on
 * them when the board is opened and on every later change, leaving the board unloadable.
 * A read-only copy never writes (a view-only link may not).
 */
export class RecordMap<T extends object> extends Observable<keyof Events<T>> {
  readonly map = new Map<string, RecordEntry<T>>()

  constructor(
    readonly yarray: Y.Array<unknown>,
    private readonly options: { readOnly?: boolean } = {},
  ) {
    super()
    const doc = yarray.doc!
    const values = yarray.toArray()
    const remove: number[] = []
    for (let i = values.length - 1; i >= 0; i--) {
      const value = values[i]
      if (!isRecordEntry(value) || this.map.has(value.key)) remove.push(i)
      else this.map.set(value.key, value as RecordEntry<T>)
    }
    if (!options.readOnly && remove.length > 0) doc.transact(() => remove.forEach((i) => yarray.delete(i, 1)))
    yarray.observe(this.onArrayChange)
  }

  private readonly onArrayChange = (event: Y.YArrayEvent<unknown>, transaction: Y.Transaction): void => {
    const { yarray } = this
    const changes = new Map<string, RecordChange<T>>()
    for (const item of event.changes.deleted) {
      for (const value of item.content.getContent()) {
        if (!isRecordEntry(value)) continue
        if (this.map.get(value.key) === value) {
          this.map.delete(value.key)
          changes.set(value.key, { action: 'delete', oldValue: value.val as T })
        }
      }
    }
    const added = new Map<string, RecordEntry<T>>()
    let junk = false
    for (const item of event.changes.added) {
      for (const value of item.content.getContent()) {
        if (isRecordEntry(value)) added.set(value.key, value as RecordEntry<T>)
        else junk = true
      }
    }
    if (added.size > 0 || junk) {
      // From the end: the last entry of a key is its value; earlier ones (and junk) are removed.
      const values = yarray.toArray()
      const remove: number[] = []
      const superseded = new Set<string>()
      for (let i = values.length - 1; i >= 0 && (added.size > 0 || superseded.size > 0 || junk); i--) {
        const value = values[i]
        if (!isRecordEntry(value)) {
          remove.push(i)
          continue
        }
        if (superseded.has(value.key)) {
          superseded.delete(value.key)
          remove.push(i)
        } else if (added.get(value.key) === value) {
          const previous = this.map.get(value.key)
          if (previous) {
            superseded.add(value.key)
            changes.set(value.key, { action: 'update', oldValue: previous.val, newValue: value.val as T })
          } else {
            const deleted = changes.get(value.key)
            changes.set(
              value.key,
              deleted?.action === 'delete' ? { action: 'update', oldValue: deleted.oldValue, newValue: value.val as T } : { action: 'add', newValue: value.val as T },
            )
          }
          added.delete(value.key)
          this.map.set(value.key, value as RecordEntry<T>)
        } else if (added.has(value.key)) {
          // An older entry was added after a newer one: it changes nothing and goes.
          superseded.add(value.key)
          added.delete(value.key)
        }
      }
      if (!this.options.readOnly && remove.length > 0) {
        yarray.doc!.transact(() => remove.forEach((i) => yarray.delete(i, 1)))
      }
    }
    if (changes.size > 0) this.emit('change', [changes, transaction])
  }

  has(key: string): boolean {
    return this.map.has(key)
  }

  get(key: string): T | undefined {
    return this.map.get(key)?.val
  }

  /** Sets a record: its old entry is removed and a new one appended, in one transaction. */
  set(key: string, val: T): void {
    this.yarray.doc!.transact(() => {
      if (this.map.has(key)) this.delete(key)
      this.yarray.push([{ key, val }])
    })
  }

  delete(key: string): void {
    const entry = this.map.get(key)
    if (!entry) return
    let i = 0
    for (const value of this.yarray) {
      if (value === entry) {
        this.yarray.delete(i, 1)
        return
      }
      i++
    }
  }

  override destroy(): void {
    this.yarray.unobserve(this.onArrayChange)
    super.destroy()
  }
}
