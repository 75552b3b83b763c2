import { isRoomOfBoard } from '../../protocol/paths'
import { deletedBoardHash, type AccessRecord, type StoredAccess } from '../access/boardAccess'
import type { BoardStore, SnapshotInfo, StoredSnapshot } from './boardStore'

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
