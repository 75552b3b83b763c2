import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MAX_COMMIT_DELAY_MS, QUIET_GAP_MS, SqliteBoardStore } from '../../server/store/sqliteStore'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samenbord-store-'))
  dirs.push(dir)
  return join(dir, 'store.sqlite')
}

/** What another process would read from the file right now (a separate connection). */
function rowsOnDisk(file: string, boardId: string): number[][] {
  const db = new Database(file, { readonly: true })
  try {
    return db
      .prepare<[string], { data: Buffer }>('SELECT data FROM board_updates WHERE board_id = ? ORDER BY seq')
      .all(boardId)
      .map((row) => [...row.data])
  } finally {
    db.close()
  }
}

/** A store that has just appended (a row for board 'warm'), so that the next appends batch. */
function busyStore(file: string, now: () => number): SqliteBoardStore {
  const store = new SqliteBoardStore(file, 'NORMAL', now)
  expect(store.append('warm', Uint8Array.of(0))).toBeUndefined() // quiet: committed at once
  return store
}

describe('SqliteBoardStore: appends of one turn share one commit', () => {
  it('commits at once on a quiet server, readable by another connection before append returns', async () => {
    const file = tempFile()
    const clock = { ms: 0 }
    const store = new SqliteBoardStore(file, 'NORMAL', () => clock.ms)
    expect(store.append('a', Uint8Array.of(1))).toBeUndefined()
    expect(rowsOnDisk(file, 'a')).toEqual([[1]])
    clock.ms += QUIET_GAP_MS / 2 // the next one comes soon after: a busy server, it waits for the turn's commit
    const soon = store.append('a', Uint8Array.of(2))
    expect(soon).toBeInstanceOf(Promise)
    expect(rowsOnDisk(file, 'a')).toEqual([[1]])
    await soon
    clock.ms += QUIET_GAP_MS * 2 // quiet again
    expect(store.append('a', Uint8Array.of(3))).toBeUndefined()
    expect(rowsOnDisk(file, 'a')).toEqual([[1], [2], [3]])
    clock.ms += QUIET_GAP_MS * 2
    // A failed commit on a quiet server throws at once (the relay then keeps the update unstored).
    expect(() => store.append('a', null as unknown as Uint8Array)).toThrow(/NOT NULL/)
    expect(rowsOnDisk(file, 'a')).toEqual([[1], [2], [3]])
    await store.close()
  })

  it('resolves only once the update is readable by another connection, in the order appended', async () => {
    const file = tempFile()
    const store = busyStore(file, () => 0) // time stands still: no early commit, never quiet
    const first = store.append('a', Uint8Array.of(1))
    const second = store.append('b', Uint8Array.of(2))
    const third = store.append('a', Uint8Array.of(3))
    expect(first).toBe(third) // one commit for the whole turn
    expect(rowsOnDisk(file, 'a')).toEqual([]) // nothing committed yet in this turn
    await Promise.all([first, second, third])
    expect(rowsOnDisk(file, 'a')).toEqual([[1], [3]])
    expect(rowsOnDisk(file, 'b')).toEqual([[2]])
    const next = store.append('a', Uint8Array.of(4))
    expect(next).not.toBe(first) // a later turn gets its own commit
    await next
    expect(rowsOnDisk(file, 'a')).toEqual([[1], [3], [4]])
    await store.close()
  })

  it('commits early when a turn is long, so the first update in it is not held back', async () => {
    const file = tempFile()
    const clock = { ms: 0 }
    const store = busyStore(file, () => clock.ms)
    const first = store.append('a', Uint8Array.of(1))
    clock.ms += MAX_COMMIT_DELAY_MS / 2
    expect(store.append('a', Uint8Array.of(2))).toBe(first)
    expect(rowsOnDisk(file, 'a')).toEqual([])
    clock.ms += MAX_COMMIT_DELAY_MS // the turn goes on: the next append commits all three at once
    expect(store.append('a', Uint8Array.of(3))).toBe(first)
    expect(rowsOnDisk(file, 'a')).toEqual([[1], [2], [3]])
    const later = store.append('a', Uint8Array.of(4)) // same turn, a new batch
    expect(later).not.toBe(first)
    await Promise.all([first, later])
    expect(rowsOnDisk(file, 'a')).toEqual([[1], [2], [3], [4]])
    await store.close()
  })

  it('compaction, reads and close write what is queued first', async () => {
    const file = tempFile()
    const store = busyStore(file, () => 0)
    void store.append('a', Uint8Array.of(1))
    expect(store.logLength('a')).toBe(1)
    void store.append('a', Uint8Array.of(2))
    store.compact('a', [Uint8Array.of(9)]) // the state contains 1 and 2: they must not follow it
    expect(await store.load('a')).toEqual([Uint8Array.of(9)])
    void store.append('a', Uint8Array.of(3))
    await store.close()
    expect(rowsOnDisk(file, 'a')).toEqual([[9], [3]])
  })

  it('rejects every append of a commit that fails, and later turns work again', async () => {
    const file = tempFile()
    const store = busyStore(file, () => 0)
    const bad = store.append('a', null as unknown as Uint8Array) // NOT NULL constraint
    const good = store.append('a', Uint8Array.of(1))
    await expect(bad).rejects.toThrow(/NOT NULL/)
    await expect(good).rejects.toThrow(/NOT NULL/) // the transaction rolled back as a whole
    await store.append('a', Uint8Array.of(2))
    expect(rowsOnDisk(file, 'a')).toEqual([[2]])
    await store.close()
  })
})

describe('SqliteBoardStore: WAL checkpoints off the event loop', () => {
  it('a worker thread copies the WAL into the database file, and the last close leaves no WAL', async () => {
    const file = tempFile()
    const store = new SqliteBoardStore(file)
    const sizeAtStart = statSync(file).size
    const row = new Uint8Array(1024).fill(7)
    // ~2 MiB in one commit: about 500 WAL pages, below SQLite's own checkpoint threshold (1,000),
    // so only the worker can have moved them into the database file.
    for (let i = 0; i < 2000; i++) void store.append('a', row)
    store.flush()
    await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(sizeAtStart + 1024 * 1024), { timeout: 10_000 })
    await store.close()
    expect(existsSync(`${file}-wal`)).toBe(false)
    expect(rowsOnDisk(file, 'a')).toHaveLength(2000)
  })
})
