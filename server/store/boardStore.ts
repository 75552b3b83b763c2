import type { SnapshotInfo } from '../../protocol/api'
import type { AccessRecord, StoredAccess } from '../access/boardAccess'

export type { SnapshotInfo }

export interface StoredSnapshot extends SnapshotInfo {
  state: Uint8Array
}

/** What a multi-instance store hands on from other instances. */
export interface PeerListener {
  /** An update another instance stored (already durable: apply and relay, do not store again). */
  onUpdate(update: Uint8Array): void
  /** A presence update from another instance's participants. */
  onAwareness(update: Uint8Array): void
}

/**
 * A room's update log: the relay calls `load` once when a room is opened, `append` for every
 * update *before* relaying it, and `compact` to fold the log into its state. Durable once
 * `append` returns (or its promise resolves). Rules every implementation keeps:
 * tests/integration/storeContract.test.ts.
 */
export interface UpdateLog {
  /**
   * True when `append` and `compact` take effect in the order they are called even while
   * earlier promises are pending; the relay then issues them at once instead of one after another.
   */
  readonly ordersWrites?: boolean
  /** All stored updates of a room, oldest first; empty when the room is new. */
  load(roomId: string): Promise<Uint8Array[]>
  /** Appends one Yjs update to the room's log. */
  append(roomId: string, update: Uint8Array): void | Promise<void>
  /**
   * Replaces the room's whole log with its merged state, given as pieces (each one row, in
   * order; see splitUpdate). The relay calls it in order with `append`, with a state that
   * contains every update appended before it and every update handed on by `subscribe` so far
   * (taken in the same tick as this call).
   */
  compact(roomId: string, pieces: Uint8Array[]): void | Promise<void>
  /** How many rooms with stored updates have an id that starts with `prefix` (a board's private rooms). */
  roomCount(prefix: string): number | Promise<number>
  /** Number of log entries of a room; the relay compacts when this grows large. */
  logLength(roomId: string): number | Promise<number>
  /** Total stored bytes of a room (for limits and benchmarks). */
  byteSize(roomId: string): number | Promise<number>
}

/** What a board has besides its rooms' logs: its links, its snapshots, when it was last opened. */
export interface BoardRecords {
  /** Named copies of a board's state, kept by the server ("Na bijeenkomst 3"). */
  saveSnapshot(boardId: string, snapshot: StoredSnapshot): void | Promise<void>
  /** Newest first. */
  listSnapshots(boardId: string): SnapshotInfo[] | Promise<SnapshotInfo[]>
  loadSnapshot(boardId: string, snapshotId: string): Uint8Array | null | Promise<Uint8Array | null>
  /**
   * The hashed tokens of a board; `deleted` once `deleteBoard` removed it; null when no board was
   * created with this id.
   */
  loadAccess(boardId: string): StoredAccess | Promise<StoredAccess>
  /** Records a new board's hashed tokens; never overwrites an existing record. */
  saveAccess(boardId: string, record: AccessRecord): void | Promise<void>
  /**
   * Removes everything of a board: every room of it (the board, `<id>.leiding`, every
   * `<id>.prive.<key>`), its snapshots, its access record, when it was opened, its asset
   * references and every stored blob no other board refers to. What stays is a
   * tombstone, a hash of the id (deletedBoardHash), so that `loadAccess` answers `deleted` for
   * good; nothing stored holds the id itself any more. Idempotent. The relay calls it only once no
   * room of the board is loaded (Relay.deleteBoard).
   */
  deleteBoard(boardId: string): Promise<void>
  /** Records that the board was opened at `at` (ms since 1970); the relay calls it at most once an hour per board. */
  touchBoard(boardId: string, at: number): void | Promise<void>
  /** When the board was last opened (ms since 1970), or null when that was never recorded. */
  lastOpened(boardId: string): number | null | Promise<number | null>
  /**
   * The boards (with an access record) last opened before `cutoff`, for the retention sweep. A
   * board whose opening was never recorded (made before the store kept it) is recorded as opened
   * at `firstSeen` instead, and is not listed this time.
   */
  boardsNotOpenedSince(cutoff: number, firstSeen: number): string[] | Promise<string[]>
}

/** A picture or video of a board as stored (protocol/assets.ts). */
export interface StoredAsset extends AssetInfo {
  bytes: Uint8Array
}

/** What a board's reference to stored bytes says about them, without the bytes. */
export interface AssetInfo {
  /** The type sniffed from the bytes when they were uploaded (sniffAssetType), never the uploader's. */
  contentType: string
  size: number
  /** SHA-256 of the bytes, hex: the key they are stored under, and the ETag they are served with. */
  hash: string
}

/**
 * 'saved': a new reference; 'same': the id already holds these bytes (a retry, nothing written);
 * 'taken': the id holds other bytes on this board; 'deleted': the board was deleted (nothing written).
 */
export type SaveAssetResult = 'saved' | 'same' | 'taken' | 'deleted'

/**
 * A board's pictures and videos. Content-addressed: bytes are stored once per hash in the whole
 * store, and a board holds references (its own asset id → hash, type, size, when). A copy of a
 * board gets references to the same bytes; bytes go when the last board referring to them is
 * deleted (`deleteBoard`). References are never removed otherwise: a snapshot, an undo or a
 * restored copy may bring a deleted picture back, and its reference must still be there.
 */
export interface BoardAssets {
  saveAsset(boardId: string, assetId: string, asset: StoredAsset): SaveAssetResult | Promise<SaveAssetResult>
  /** The board's own reference only: another board's asset id gives null. */
  loadAsset(boardId: string, assetId: string): StoredAsset | null | Promise<StoredAsset | null>
  /** `loadAsset` without reading the bytes (a GET answered from the cache, a 304, a retry). */
  assetInfo(boardId: string, assetId: string): AssetInfo | null | Promise<AssetInfo | null>
  /** The sum of the sizes of the board's references, in bytes (MAX_BOARD_ASSET_BYTES). */
  assetBytes(boardId: string): number | Promise<number>
  /** Gives `toBoardId` a reference to each of `fromBoardId`'s assets under the same id; no bytes are copied. */
  copyAssets(fromBoardId: string, toBoardId: string): void | Promise<void>
  /** Bytes of all stored blobs, each counted once however many boards refer to it (tests, benchmarks). */
  storedAssetBytes(): number | Promise<number>
}

/** The link between several server instances that share one store (Redis). */
export interface PeerBus {
  /** Follows a loaded room from the point `load` returned, until the returned function is called. */
  subscribe(roomId: string, listener: PeerListener): () => void
  /** Sends local participants' presence to the other instances. */
  publishAwareness(roomId: string, update: Uint8Array): void
  /**
   * Calls `listener` when a board was deleted by another instance (or a write found it deleted),
   * so that this instance closes and drops its rooms of that board.
   */
  onBoardDeleted(listener: (boardId: string) => void): void
}

/** Where boards live between sessions: SQLite (embedded, the default), Redis, or memory (tests). */
export interface BoardStore extends UpdateLog, BoardRecords, BoardAssets, Partial<PeerBus> {
  /** 'sqlite', 'redis', …: shown on /healthz. */
  readonly kind: string
  close(): void | Promise<void>
}
