import type Database from 'better-sqlite3'
import { deletedBoardHash } from '../access/boardAccess'
import type { AssetInfo, BoardAssets, SaveAssetResult, StoredAsset } from './boardStore'

type InfoRow = { contentType: string; size: number; hash: string }

/**
 * The SQLite store's pictures and videos (BoardAssets): blobs in asset_blobs, once per hash;
 * each board's references in board_assets (server/store/sqliteSchema.ts). Every write is one
 * transaction, so a reference never points at bytes that are not there.
 */
export class SqliteAssets implements BoardAssets {
  private readonly selectInfo: Database.Statement<[string, string], InfoRow>
  private readonly selectBytes: Database.Statement<[string], { bytes: Buffer }>
  private readonly selectDeleted: Database.Statement<[string], { deleted: number }>
  private readonly insertBlob: Database.Statement<[string, Uint8Array]>
  private readonly insertRef: Database.Statement<[string, string, string, string, number, number]>
  private readonly selectBoardBytes: Database.Statement<[string], { bytes: number | null }>
  private readonly insertCopies: Database.Statement<[string, number, string]>
  private readonly selectAllBytes: Database.Statement<[], { bytes: number | null }>
  private readonly deleteOrphans: Database.Statement<[string, string]>
  private readonly deleteRefs: Database.Statement<[string]>
  private readonly save: (boardId: string, assetId: string, asset: StoredAsset) => SaveAssetResult

  constructor(db: Database.Database) {
    const info = 'SELECT content_type AS contentType, size, hash FROM board_assets WHERE board_id = ? AND asset_id = ?'
    this.selectInfo = db.prepare(info)
    this.selectBytes = db.prepare('SELECT bytes FROM asset_blobs WHERE hash = ?')
    this.selectDeleted = db.prepare('SELECT 1 AS deleted FROM deleted_boards WHERE id_hash = ?')
    this.insertBlob = db.prepare('INSERT OR IGNORE INTO asset_blobs (hash, bytes) VALUES (?, ?)')
    this.insertRef = db.prepare(
      'INSERT INTO board_assets (board_id, asset_id, hash, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    this.selectBoardBytes = db.prepare('SELECT SUM(size) AS bytes FROM board_assets WHERE board_id = ?')
    this.insertCopies = db.prepare(
      'INSERT OR IGNORE INTO board_assets (board_id, asset_id, hash, content_type, size, created_at) ' +
        'SELECT ?, asset_id, hash, content_type, size, ? FROM board_assets WHERE board_id = ?',
    )
    this.selectAllBytes = db.prepare('SELECT SUM(LENGTH(bytes)) AS bytes FROM asset_blobs')
    // The blobs of this board's references that no other board refers to.
    this.deleteOrphans = db.prepare(
      'DELETE FROM asset_blobs WHERE hash IN (SELECT hash FROM board_assets WHERE board_id = ?) ' +
        'AND hash NOT IN (SELECT hash FROM board_assets WHERE board_id != ?)',
    )
    this.deleteRefs = db.prepare('DELETE FROM board_assets WHERE board_id = ?')
    this.save = db.transaction((boardId: string, assetId: string, asset: StoredAsset): SaveAssetResult => {
      if (this.selectDeleted.get(deletedBoardHash(boardId))) return 'deleted'
      const existing = this.selectInfo.get(boardId, assetId)
      if (existing) return existing.hash === asset.hash ? 'same' : 'taken'
      this.insertBlob.run(asset.hash, asset.bytes) // ignored when another board brought these bytes already
      this.insertRef.run(boardId, assetId, asset.hash, asset.contentType, asset.size, Date.now())
      return 'saved'
    })
  }

  saveAsset(boardId: string, assetId: string, asset: StoredAsset): SaveAssetResult {
    return this.save(boardId, assetId, asset)
  }

  assetInfo(boardId: string, assetId: string): AssetInfo | null {
    return this.selectInfo.get(boardId, assetId) ?? null
  }

  loadAsset(boardId: string, assetId: string): StoredAsset | null {
    const info = this.selectInfo.get(boardId, assetId)
    const blob = info && this.selectBytes.get(info.hash)
    return info && blob ? { ...info, bytes: new Uint8Array(blob.bytes) } : null
  }

  assetBytes(boardId: string): number {
    return this.selectBoardBytes.get(boardId)?.bytes ?? 0
  }

  copyAssets(fromBoardId: string, toBoardId: string): void {
    if (this.selectDeleted.get(deletedBoardHash(toBoardId))) return
    this.insertCopies.run(toBoardId, Date.now(), fromBoardId)
  }

  storedAssetBytes(): number {
    return this.selectAllBytes.get()?.bytes ?? 0
  }

  /** Part of the store's deletion transaction (with secure_delete on): the references, and the blobs only they used. */
  deleteBoardAssets(boardId: string): void {
    this.deleteOrphans.run(boardId, boardId)
    this.deleteRefs.run(boardId)
  }
}
