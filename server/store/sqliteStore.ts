import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { deletedBoardHash, type AccessRecord, type StoredAccess } from '../access/boardAccess'
import { log } from '../log'
import type { AssetInfo, BoardStore, SaveAssetResult, SnapshotInfo, StoredAsset, StoredSnapshot } from './boardStore'
import { SqliteAssets } from './sqliteAssets'
import { SQLITE_SCHEMA } from './sqliteSchema'
import { WalCheckpointer } from './walCheckpointer'

/**
 * Longest an append waits for its commit within one turn of the event loop, in milliseconds: the
 * relay sends an update only after its commit, so on a busy server this bounds the added latency.
 */
export const MAX_COMMIT_DELAY_MS = 0.25
/**
 * An append that comes this long after the one before it finds the server quiet, in
 * milliseconds: it is committed at once instead of at the end of the turn, and the relay sends it
 * without leaving the message handler. Busier servers append far more often than this and batch.
 */
export const QUIET_GAP_MS = 2
/** Longest a statement waits for a lock held by another connection, in milliseconds (it blocks the event loop). */
export const SQLITE_BUSY_TIMEOUT_MS = 20
/**
 * How long a deletion waits for the WAL to be emptied, in milliseconds. A long read elsewhere (a
 * backup under way) holds that up; the worker keeps trying, and the deletion is answered anyway.
 */
export const DELETE_TRUNCATE_WAIT_MS = 2_000
/** SQLite's own automatic checkpoint threshold, used again if the checkpoint worker fails. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000

/**
 * The embedded default store: one SQLite file in WAL mode, one row per update.
 *
 * Appends made in one turn of the event loop are committed together, in one transaction, when
 * the turn's I/O callbacks are done (setImmediate); the promise `append` returns resolves after
 * that commit, and the relay relays an update only then. A commit costs far more than a row (one
 * WAL write per commit), so under load one commit per turn instead of one per update is what
 * keeps the relay's latency at the level of a relay that stores nothing. On a quiet server
 * (QUIET_GAP_MS) there is nothing to batch with: `append` commits at once and returns nothing, so
 * the update is relayed without waiting for the rest of the turn. The WAL is checkpointed by a
 * worker thread (WalCheckpointer), not inside a commit on the event loop.
 *
 * `synchronous = NORMAL` in WAL mode makes every committed append survive a crash of the process
 * (kill -9): the WAL is written by the OS before the commit returns. Only a power loss can roll
 * back the last commits; set `SQLITE_SYNCHRONOUS=FULL` where that matters more than write speed.
 */
export class SqliteBoardStore implements BoardStore {
  readonly kind = 'sqlite'
  readonly ordersWrites = true
  private readonly db: Database.Database
  private readonly insert: Database.Statement<[string, Uint8Array]>
  private readonly selectAll: Database.Statement<[string], { data: Buffer }>
  private readonly selectCount: Database.Statement<[string], { n: number; bytes: number | null }>
  private readonly deleteAll: Database.Statement<[string]>
  private readonly selectRoomCount: Database.Statement<[string, string], { n: number }>
  private readonly selectAccess: Database.Statement<[string], { record: string }>
  private readonly insertAccess: Database.Statement<[string, string]>
  private readonly selectDeleted: Database.Statement<[string], { deleted: number }>
  private readonly upsertOpened: Database.Statement<[{ boardId: string; at: number }]>
  private readonly selectOpened: Database.Statement<[string], { at: number }>
  /** Appends waiting for this turn's commit, in the order they were made. */
  private queued: { boardId: string; update: Uint8Array }[] = []
  private batch: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void; openedAt: number } | null = null
  private lastAppendAt = Number.NEGATIVE_INFINITY
  /** Commits the queued appends now instead of at the end of the turn (also benchmarks, tools). */
  readonly flush: () => void
  private readonly checkpointer: WalCheckpointer | null = null
  private readonly assets: SqliteAssets

  constructor(
    file: string,
    synchronous: 'NORMAL' | 'FULL' = 'NORMAL',
    /** Milliseconds, for MAX_COMMIT_DELAY_MS (tests pass their own clock). */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${synchronous}`)
    // A locked database (another program holding it) fails a write at once instead of holding
    // the event loop, and with it every board, for seconds: the relay keeps and retries the write.
    this.db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
    if (file !== ':memory:') {
      this.db.pragma('wal_autocheckpoint = 0')
      this.checkpointer = new WalCheckpointer(file, (error) => {
        log('WAL checkpoint in the background failed; checkpointing in commits again', { error })
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`)
      })
    }
    this.db.exec(SQLITE_SCHEMA)
    this.assets = new SqliteAssets(this.db)
    this.selectAccess = this.db.prepare('SELECT record FROM board_access WHERE board_id = ?')
    this.insertAccess = this.db.prepare('INSERT OR IGNORE INTO board_access (board_id, record) VALUES (?, ?)')
    this.selectDeleted = this.db.prepare('SELECT 1 AS deleted FROM deleted_boards WHERE id_hash = ?')
    this.upsertOpened = this.db.prepare(
      'INSERT INTO board_opened (board_id, opened_at) SELECT board_id, @at FROM board_access WHERE board_id = @boardId ' +
        'ON CONFLICT (board_id) DO UPDATE SET opened_at = MAX(opened_at, excluded.opened_at)',
    )
    this.selectOpened = this.db.prepare('SELECT opened_at AS at FROM board_opened WHERE board_id = ?')
    this.insert = this.db.prepare('INSERT INTO board_updates (board_id, data) VALUES (?, ?)')
    this.selectAll = this.db.prepare('SELECT data FROM board_updates WHERE board_id = ? ORDER BY seq')
    this.selectCount = this.db.prepare(
      'SELECT COUNT(*) AS n, SUM(LENGTH(data)) AS bytes FROM board_updates WHERE board_id = ?',
    )
    this.deleteAll = this.db.prepare('DELETE FROM board_updates WHERE board_id = ?')
    this.selectRoomCount = this.db.prepare('SELECT COUNT(DISTINCT board_id) AS n FROM board_updates WHERE board_id >= ? AND board_id < ?')
    const insertAll = this.db.transaction((rows: { boardId: string; update: Uint8Array }[]) => {
      for (const row of rows) this.insert.run(row.boardId, row.update)
    })
    this.flush = () => {
      const rows = this.queued
      const batch = this.batch
      this.queued = []
      this.batch = null
      if (!batch) return
      try {
        insertAll(rows)
      } catch (error) {
        batch.reject(error)
        return
      }
      batch.resolve()
    }
  }

  async load(boardId: string): Promise<Uint8Array[]> {
    this.flush()
    return this.selectAll.all(boardId).map((row) => new Uint8Array(row.data))
  }

  /**
   * Durable when it returns nothing (a quiet server: committed at once), or else when the returned
   * promise resolves: at the end of this turn of the event loop, or earlier once the turn's first
   * append has waited MAX_COMMIT_DELAY_MS.
   */
  append(boardId: string, update: Uint8Array): Promise<void> | void {
    const now = this.now()
    const quiet = !this.batch && now - this.lastAppendAt > QUIET_GAP_MS
    this.lastAppendAt = now
    if (quiet) {
      this.insert.run(boardId, update) // one statement is one transaction
      return
    }
    this.queued.push({ boardId, update })
    if (this.batch && now - this.batch.openedAt > MAX_COMMIT_DELAY_MS) {
      // A busy turn: commit what waits now, so the first update in it is not held back by all
      // the work that follows it in the same turn.
      const batch = this.batch
      this.flush()
      return batch.promise
    }
    if (!this.batch) {
      let resolve!: () => void
      let reject!: (error: unknown) => void
      const promise = new Promise<void>((res, rej) => {
        resolve = res
        reject = rej
      })
      this.batch = { promise, resolve, reject, openedAt: now }
      setImmediate(this.flush) // a no-op when an early commit took the batch already
    }
    return this.batch.promise
  }

  compact(boardId: string, pieces: Uint8Array[]): void {
    // Appends made before this call are older than the state: written first, then replaced.
    this.flush()
    // One transaction: a crash leaves either the old log or the merged state, never neither.
    this.db.transaction(() => {
      this.deleteAll.run(boardId)
      for (const piece of pieces) this.insert.run(boardId, piece)
    })()
  }

  roomCount(prefix: string): number {
    this.flush()
    // A range instead of LIKE: ids are ASCII, and the index on board_id serves a range.
    return this.selectRoomCount.get(prefix, prefix + '\uffff')?.n ?? 0
  }

  logLength(boardId: string): number {
    this.flush()
    return this.selectCount.get(boardId)?.n ?? 0
  }

  byteSize(boardId: string): number {
    this.flush()
    return this.selectCount.get(boardId)?.bytes ?? 0
  }

  saveSnapshot(boardId: string, s: StoredSnapshot): void {
    this.db
      .prepare('INSERT INTO board_snapshots (board_id, snapshot_id, name, created_at, state) VALUES (?, ?, ?, ?, ?)')
      .run(boardId, s.id, s.name, s.createdAt, s.state)
  }

  listSnapshots(boardId: string): SnapshotInfo[] {
    return this.db
      .prepare<[string], SnapshotInfo>(
        'SELECT snapshot_id AS id, name, created_at AS createdAt FROM board_snapshots WHERE board_id = ? ORDER BY created_at DESC',
      )
      .all(boardId)
  }

  loadSnapshot(boardId: string, snapshotId: string): Uint8Array | null {
    const row = this.db
      .prepare<[string, string], { state: Buffer }>('SELECT state FROM board_snapshots WHERE board_id = ? AND snapshot_id = ?')
      .get(boardId, snapshotId)
    return row ? new Uint8Array(row.state) : null
  }

  loadAccess(boardId: string): StoredAccess {
    const row = this.selectAccess.get(boardId)
    if (row) return JSON.parse(row.record) as AccessRecord
    return this.selectDeleted.get(deletedBoardHash(boardId)) ? 'deleted' : null
  }

  /**
   * One transaction: every room of the board (a range of keys: `<id>` and `<id>.…`), its
   * snapshots, its links, its opening, its asset references and the blobs no other board refers
   * to go, and its tombstone comes. `secure_delete` overwrites
   * the deleted rows with zeros in the file instead of only marking them free; then the WAL, which
   * still holds copies of the pages as they were, is checkpointed and cut to nothing (by the
   * checkpoint worker, off the event loop; waited for at most DELETE_TRUNCATE_WAIT_MS), so the
   * board's content is gone from the files on disk.
   */
  async deleteBoard(boardId: string): Promise<void> {
    this.flush() // appends queued in this turn are older than the deletion
    this.db.pragma('secure_delete = ON')
    try {
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM board_updates WHERE board_id = ? OR (board_id >= ? AND board_id < ?)').run(boardId, `${boardId}.`, `${boardId}.\uffff`)
        this.db.prepare('DELETE FROM board_snapshots WHERE board_id = ?').run(boardId)
        this.db.prepare('DELETE FROM board_access WHERE board_id = ?').run(boardId)
        this.db.prepare('DELETE FROM board_opened WHERE board_id = ?').run(boardId)
        this.assets.deleteBoardAssets(boardId)
        this.db.prepare('INSERT OR IGNORE INTO deleted_boards (id_hash, deleted_at) VALUES (?, ?)').run(deletedBoardHash(boardId), Date.now())
      })()
      // An index's inner pages keep copies of keys (the board's id) that deleting the rows does
      // not touch; rebuilding the indexes frees those pages, and secure_delete zeroes them.
      this.db.exec('REINDEX')
    } finally {
      this.db.pragma('secure_delete = OFF')
    }
    const truncated = this.checkpointer?.truncate()
    if (!truncated) return
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([truncated, new Promise<void>((resolve) => (timer = setTimeout(resolve, DELETE_TRUNCATE_WAIT_MS)))])
    clearTimeout(timer)
  }

  touchBoard(boardId: string, at: number): void {
    this.upsertOpened.run({ boardId, at })
  }

  lastOpened(boardId: string): number | null {
    return this.selectOpened.get(boardId)?.at ?? null
  }

  boardsNotOpenedSince(cutoff: number, firstSeen: number): string[] {
    // Boards made before openings were recorded are seen now for the first time.
    this.db
      .prepare('INSERT OR IGNORE INTO board_opened (board_id, opened_at) SELECT board_id, ? FROM board_access')
      .run(firstSeen)
    return this.db
      .prepare<[number], { boardId: string }>('SELECT board_id AS boardId FROM board_opened WHERE opened_at < ? ORDER BY opened_at')
      .all(cutoff)
      .map((row) => row.boardId)
  }

  saveAccess(boardId: string, record: AccessRecord): void {
    this.insertAccess.run(boardId, JSON.stringify(record))
  }

  // Pictures and videos: server/store/sqliteAssets.ts.
  saveAsset = (boardId: string, assetId: string, asset: StoredAsset): SaveAssetResult => this.assets.saveAsset(boardId, assetId, asset)
  loadAsset = (boardId: string, assetId: string): StoredAsset | null => this.assets.loadAsset(boardId, assetId)
  assetInfo = (boardId: string, assetId: string): AssetInfo | null => this.assets.assetInfo(boardId, assetId)
  assetBytes = (boardId: string): number => this.assets.assetBytes(boardId)
  copyAssets = (fromBoardId: string, toBoardId: string): void => this.assets.copyAssets(fromBoardId, toBoardId)
  storedAssetBytes = (): number => this.assets.storedAssetBytes()

  /** A consistent copy of the whole store while the server keeps running (SQLite online backup). */
  async backup(destination: string): Promise<void> {
    mkdirSync(dirname(destination), { recursive: true })
    this.flush()
    await this.db.backup(destination)
  }

  /** Commits what is queued and closes; resolves once the checkpoint worker has finished too. */
  close(): Promise<void> {
    this.flush()
    this.db.close()
    return this.checkpointer?.stop() ?? Promise.resolve()
  }
}
