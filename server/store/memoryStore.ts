import { isRoomOfBoard } from '../../protocol/paths'
import { deletedBoardHash, type AccessRecord, type StoredAccess } from '../access/boardAccess'
import type { AssetInfo, BoardStore, SaveAssetResult, SnapshotInfo, StoredAsset, StoredSnapshot } from './boardStore'

/**
 * A store that keeps everything in memory and writes nothing to disk: for tests of the relay's
 * write path and for the benchmark, to show what our relay costs without its store (the anchor
 * stores nothing either). Never a product option: a restart would lose every board.
 */
export class MemoryBoardStore implements BoardStore {
  readonly kind = 'memory (tests and benchmarks only)'
  readonly ordersWrites: boolean = true
  private readonly logs = new Map<string, Uint8Array[]>()
  private readonly snapshots = new Map<string, StoredSnapshot[]>()
  private readonly access = new Map<string, AccessRecord>()
  private readonly opened = new Map<string, number>()
  /** Tombstones: hashes of deleted boards' ids (deletedBoardHash). */
  private readonly deleted = new Set<string>()
  /** Blobs by hash, each once; references by `<boardId>/<assetId>` (both stay visible to the contract's search). */
  private readonly blobs = new Map<string, Uint8Array>()
  private readonly assetRefs = new Map<string, AssetInfo>()

  async load(boardId: string): Promise<Uint8Array[]> {
    return [...(this.logs.get(boardId) ?? [])]
  }

  append(boardId: string, update: Uint8Array): void {
    const log = this.logs.get(boardId)
    if (log) log.push(update)
    else this.logs.set(boardId, [update])
  }

  compact(boardId: string, pieces: Uint8Array[]): void {
    this.logs.set(boardId, [...pieces])
  }

  roomCount(prefix: string): number {
    let n = 0
    for (const [id, log] of this.logs) if (id.startsWith(prefix) && log.length > 0) n++
    return n
  }

  logLength(boardId: string): number {
    return this.logs.get(boardId)?.length ?? 0
  }

  byteSize(boardId: string): number {
    return (this.logs.get(boardId) ?? []).reduce((sum, u) => sum + u.byteLength, 0)
  }

  close(): void {}

  saveSnapshot(boardId: string, snapshot: StoredSnapshot): void {
    this.snapshots.set(boardId, [...(this.snapshots.get(boardId) ?? []), snapshot])
  }

  listSnapshots(boardId: string): SnapshotInfo[] {
    return (this.snapshots.get(boardId) ?? []).map(({ id, name, createdAt }) => ({ id, name, createdAt })).sort((a, b) => b.createdAt - a.createdAt)
  }

  loadSnapshot(boardId: string, snapshotId: string): Uint8Array | null {
    return this.snapshots.get(boardId)?.find((s) => s.id === snapshotId)?.state ?? null
  }

  loadAccess(boardId: string): StoredAccess {
    return this.access.get(boardId) ?? (this.deleted.has(deletedBoardHash(boardId)) ? 'deleted' : null)
  }

  saveAccess(boardId: string, record: AccessRecord): void {
    if (!this.access.has(boardId)) this.access.set(boardId, record)
  }

  async deleteBoard(boardId: string): Promise<void> {
    for (const roomId of [...this.logs.keys()]) if (isRoomOfBoard(roomId, boardId)) this.logs.delete(roomId)
    this.snapshots.delete(boardId)
    this.access.delete(boardId)
    this.opened.delete(boardId)
    this.deleted.add(deletedBoardHash(boardId))
    const released = new Set<string>()
    for (const [key, ref] of [...this.assetRefs]) {
      if (!key.startsWith(`${boardId}/`)) continue
      this.assetRefs.delete(key)
      released.add(ref.hash)
    }
    for (const ref of this.assetRefs.values()) released.delete(ref.hash) // still used by another board
    for (const hash of released) this.blobs.delete(hash)
  }

  saveAsset(boardId: string, assetId: string, { bytes, ...info }: StoredAsset): SaveAssetResult {
    if (this.deleted.has(deletedBoardHash(boardId))) return 'deleted'
    const existing = this.assetRefs.get(`${boardId}/${assetId}`)
    if (existing) return existing.hash === info.hash ? 'same' : 'taken'
    if (!this.blobs.has(info.hash)) this.blobs.set(info.hash, bytes)
    this.assetRefs.set(`${boardId}/${assetId}`, info)
    return 'saved'
  }

  assetInfo(boardId: string, assetId: string): AssetInfo | null {
    const ref = this.assetRefs.get(`${boardId}/${assetId}`)
    return ref ? { ...ref } : null
  }

  loadAsset(boardId: string, assetId: string): StoredAsset | null {
    const ref = this.assetInfo(boardId, assetId)
    const bytes = ref && this.blobs.get(ref.hash)
    return ref && bytes ? { ...ref, bytes } : null
  }

  assetBytes(boardId: string): number {
    let sum = 0
    for (const [key, ref] of this.assetRefs) if (key.startsWith(`${boardId}/`)) sum += ref.size
    return sum
  }

  copyAssets(fromBoardId: string, toBoardId: string): void {
    if (this.deleted.has(deletedBoardHash(toBoardId))) return
    for (const [key, ref] of [...this.assetRefs]) {
      const target = `${toBoardId}/${key.slice(fromBoardId.length + 1)}`
      if (key.startsWith(`${fromBoardId}/`) && !this.assetRefs.has(target)) this.assetRefs.set(target, ref)
    }
  }

  storedAssetBytes(): number {
    let sum = 0
    for (const bytes of this.blobs.values()) sum += bytes.byteLength
    return sum
  }

  touchBoard(boardId: string, at: number): void {
    if (this.access.has(boardId)) this.opened.set(boardId, Math.max(at, this.opened.get(boardId) ?? at))
  }

  lastOpened(boardId: string): number | null {
    return this.opened.get(boardId) ?? null
  }

  boardsNotOpenedSince(cutoff: number, firstSeen: number): string[] {
    const old: string[] = []
    for (const boardId of this.access.keys()) {
      const at = this.opened.get(boardId)
      if (at === undefined) this.opened.set(boardId, firstSeen)
      else if (at < cutoff) old.push(boardId)
    }
    return old
  }
}
