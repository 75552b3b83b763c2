import type { SnapshotInfo } from '../../protocol/api'
import type { AccessRecord } from '../access/boardAccess'

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
 * Where boards live between sessions. The relay calls `load` once when a board is opened,
 * `append` for every update *before* relaying it, and `compact` to fold the log into one state.
 * Implementations must be durable once `append` returns (or its promise resolves).
 */
export interface BoardStore {
  /** 'sqlite', 'redis', …: shown on /healthz. */
  readonly kind: string
  /**
   * True when `append` and `compact` take effect in the order they are called even while
   * earlier promises are pending; the relay then issues them at once instead of one after another.
   */
  readonly ordersWrites?: boolean
  /** All stored updates of a board, oldest first; empty when the board is new. */
  load(boardId: string): Promise<Uint8Array[]>
  /** Appends one Yjs update to the board's log. */
  append(boardId: string, update: Uint8Array): void | Promise<void>
  /**
   * Replaces the board's whole log with its merged state, given as pieces (each one row, in
   * order; see splitUpdate). The relay calls it in order with `append`, with a state that
   * contains every update appended before it and every update handed on by `subscribe` so far
   * (taken in the same tick as this call).
   */
  compact(boardId: string, pieces: Uint8Array[]): void | Promise<void>
  /** How many rooms with stored updates have an id that starts with `prefix` (a board's private rooms). */
  roomCount(prefix: string): number | Promise<number>
  /** Number of log entries of a board; the relay compacts when this grows large. */
  logLength(boardId: string): number | Promise<number>
  /** Total stored bytes of a board (for limits and benchmarks). */
  byteSize(boardId: string): number | Promise<number>
  close(): void | Promise<void>
  /** Named copies of a board's state, kept by the server ("Na bijeenkomst 3"). */
  saveSnapshot(boardId: string, snapshot: StoredSnapshot): void | Promise<void>
  listSnapshots(boardId: string): SnapshotInfo[] | Promise<SnapshotInfo[]>
  loadSnapshot(boardId: string, snapshotId: string): Uint8Array | null | Promise<Uint8Array | null>
  /** The hashed tokens of a board created with role links; null for an open board. */
  loadAccess(boardId: string): AccessRecord | null | Promise<AccessRecord | null>
  /** Records a new board's hashed tokens; never overwrites an existing record. */
  saveAccess(boardId: string, record: AccessRecord): void | Promise<void>
  /**
   * Stores shared by several server instances: follow a loaded board from the point `load`
   * returned, until the returned function is called.
   */
  subscribe?(boardId: string, listener: PeerListener): () => void
  /** Sends local participants' presence to the other instances. */
  publishAwareness?(boardId: string, update: Uint8Array): void
}
