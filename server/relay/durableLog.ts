import * as Y from 'yjs'
import type { BoardStore } from '../store/boardStore'
import { loadStoredRows } from './loadStoredRows'
import { WriteQueue } from './writeQueue'
import { splitUpdate } from '../../protocol/splitUpdate'
import type { LogFn } from '../log'
import type { MemoryBudget } from './memoryBudget'

export { BoardNotLoadable } from './loadStoredRows'

/** Wait before writing updates again after the store failed, in milliseconds. */
export const STORE_RETRY_MS = 1000

export interface DurableLogOptions {
  compactAfterUpdates: number
  log: LogFn
  /** Holds the estimated memory of what this log has in the doc (`storedCost`). */
  budget: MemoryBudget
  /** An update is stored: relay it. `origin` is its sender (who has it), or undefined for everyone. */
  onStored(update: Uint8Array, origin: unknown): void
  /** Storing the sender's update failed (it is kept and retried): tell the sender. */
  onStoreFailure(origin: unknown): void
  /** Everything that had failed to store is stored now (see `hasUnstored`). */
  onAllStored(): void
}

/**
 * Rooms that close together (everyone leaves at the end of a meeting, a restart) compact one per
 * turn of the event loop, not all in one: a big board's compaction takes tens of milliseconds.
 */
let lastClosing: Promise<void> = Promise.resolve()
function closingTurn(): Promise<void> {
  lastClosing = lastClosing.then(() => new Promise((resolve) => setImmediate(resolve)))
  return lastClosing
}

/**
 * One room's update log in the store, between the room's Y.Doc and the disk: every update is
 * appended (and durable) before it is relayed; a failed write is kept and retried until it is
 * stored, also when its writer has left; compaction folds the log into the board's state, cut
 * into pieces that each load in one short turn of the event loop. Knows the stored size (bytes
 * and estimated memory) that limits are checked against.
 */
export class DurableLog {
  storedBytes = 0
  /** Estimated memory of what the stored rows hold (see inspectUpdate). */
  storedCost = 0
  updatesSinceCompaction = 0
  /** Updates appended since the room was loaded. */
  appendCount = 0
  /**
   * Stored rows that could not be read when the room was loaded. They stay in the store as they
   * are (a later version may read them), so the log is never compacted over them.
   */
  unreadableRows = 0
  /** Store writes and the relaying after each, in order (see WriteQueue). */
  private readonly writes: WriteQueue
  /** Updates applied to the doc whose store write failed; retried, then relayed. */
  private unstored: Uint8Array[] = []
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  /** The board was deleted: nothing more is written (see `discard`). */
  private discarded = false

  constructor(
    readonly roomId: string,
    private readonly store: BoardStore,
    private readonly options: DurableLogOptions,
  ) {
    this.writes = new WriteQueue(store.ordersWrites ?? false, roomId, options.log, () => !this.discarded)
  }

  /**
   * Applies the stored rows to `doc` (with `origin`, so they are not stored again), a piece at a
   * time, yielding the event loop every LOAD_SLICE_MS. Each row's memory is reserved in the budget
   * first; when it does not fit, the load stops with BoardNotLoadable. A row that cannot be read (not
   * an update, or one that breaks today's rules) is skipped, kept and counted in `unreadableRows`.
   */
  async load(doc: Y.Doc, origin: unknown): Promise<void> {
    const loaded = await loadStoredRows(this.store, this.roomId, doc, origin, this.options)
    this.storedBytes += loaded.bytes
    this.storedCost += loaded.cost
    this.unreadableRows += loaded.unreadableRows
    this.updatesSinceCompaction = loaded.rows > 1 ? loaded.rows : 0
  }

  /**
   * Stores an update already applied to the doc, then relays it (see DurableLogOptions). `cost`
   * is its estimated memory, reserved in the budget by the caller; the log holds it from now on.
   */
  append(update: Uint8Array, origin: unknown, cost: number): void {
    this.storedBytes += update.byteLength
    this.storedCost += cost
    this.updatesSinceCompaction++
    this.appendCount++
    this.persistAndRelay(update, origin)
  }

  /** Counts an update another instance stored in the shared log (its memory reserved by the caller). */
  countPeerUpdate(update: Uint8Array, cost: number): void {
    this.storedBytes += update.byteLength
    this.storedCost += cost
  }

  /** Changes the stored size, and the memory held in the budget with it. */
  private count(bytes: number, cost: number): void {
    this.storedBytes += bytes
    this.storedCost += cost
    if (cost < 0) this.options.budget.release(-cost)
    else this.options.budget.add(cost)
  }

  /**
   * The board was deleted: nothing of this room is written any more, from now on (no append, no
   * retry, no compaction, no last write on close). Writes already handed to the store stay
   * ahead of the store's deletion, which removes them too.
   */
  discard(): void {
    this.discarded = true
    this.unstored = []
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }

  /** Gives back all the memory this log holds (the room is freed). */
  releaseAll(): void {
    this.options.budget.release(this.storedCost)
    this.storedCost = 0
  }

  get hasUnstored(): boolean {
    return this.unstored.length > 0
  }

  /**
   * Stores an update, then relays it. Updates whose store write failed earlier are folded into
   * the next write, so they are stored and relayed as soon as the store works again.
   */
  private persistAndRelay(update: Uint8Array | null, origin: unknown): void {
    if (this.discarded) return
    const earlier = this.unstored
    this.unstored = []
    const parts = update ? [...earlier, update] : earlier
    if (parts.length === 0) return
    const merged = parts.length === 1 ? parts[0] : Y.mergeUpdates(parts)
    this.writes.write(
      () => this.store.append(this.roomId, merged),
      () => {
        // Earlier writers never had their own update echoed; they apply it as a no-op.
        this.options.onStored(merged, earlier.length > 0 ? undefined : origin)
        if (earlier.length > 0 && this.unstored.length === 0) this.options.onAllStored()
      },
      (error) => this.onStoreFailure(error, merged, origin),
    )
  }

  /**
   * Nothing unstored is relayed. The update stays in the board's memory and in the writer's own
   * copy; it is written (and then relayed) with the next write or a retry, which goes on until
   * the store takes it, whether or not its writer is still there.
   */
  private onStoreFailure(error: unknown, update: Uint8Array, origin: unknown): void {
    this.options.log('store append failed', { boardId: this.roomId, error: String(error) })
    this.unstored.push(update)
    this.options.onStoreFailure(origin)
    this.scheduleRetry()
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.persistAndRelay(null, undefined)
    }, STORE_RETRY_MS)
  }

  /**
   * Folds the log into one state (cut into pieces) so the stored size follows content, not
   * history. Resolves true when the log was compacted (or had nothing to fold). Refused while the
   * log holds rows that could not be read: compacting would replace them.
   */
  compact(doc: Y.Doc): Promise<boolean> {
    if (this.discarded || (this.updatesSinceCompaction === 0 && this.unstored.length === 0)) return this.writes.settled.then(() => true)
    if (this.unreadableRows > 0) {
      this.options.log('not compacting a board with unreadable stored updates', { boardId: this.roomId, unreadable: this.unreadableRows })
      return this.writes.settled.then(() => false)
    }
    const countAtStart = this.updatesSinceCompaction
    const unstoredAtStart = this.unstored
    /** What the compaction changed in the counters, to undo if the store refuses it. */
    let change: { bytes: number; cost: number } | null = null
    let ok = true
    this.writes.write(
      // The state is taken when the write runs, not when it is queued: a multi-instance store
      // records how far into the shared log it reaches at that same moment.
      () => {
        const encoded = Y.encodeStateAsUpdate(doc)
        // Never store what a fresh process could not read back: the state passes the same
        // checks as every update (it always should; if not, the log stays as it is).
        const { pieces, facts } = splitUpdate(encoded)
        const result = this.store.compact(this.roomId, pieces)
        // Counted when issued, as appends are: a limit checked right after sees the compacted
        // size, also while the commit is still on its way.
        change = { bytes: encoded.byteLength - this.storedBytes, cost: facts.cost - this.storedCost }
        this.count(change.bytes, change.cost)
        return result
      },
      () => {
        this.updatesSinceCompaction -= countAtStart
        // The state holds what had failed to store: it is durable now (and relayed, for those here).
        if (unstoredAtStart.length > 0) {
          this.unstored = this.unstored.filter((u) => !unstoredAtStart.includes(u))
          this.options.onStored(Y.mergeUpdates(unstoredAtStart), undefined)
          if (this.unstored.length === 0) this.options.onAllStored()
        }
      },
      (error) => {
        ok = false
        if (change) this.count(-change.bytes, -change.cost) // the old log is still what is stored
        this.options.log('compaction failed', { boardId: this.roomId, error: String(error) })
      },
    )
    return this.writes.settled.then(() => ok)
  }

  /**
   * Makes everything durable before the room is freed: compacts, or (when that is refused or
   * fails) writes what is unstored, retrying until the store takes it (or, at shutdown, until
   * `giveUpAt`, ms since 1970).
   */
  async close(doc: Y.Doc, giveUpAt = Number.POSITIVE_INFINITY): Promise<void> {
    await closingTurn()
    for (;;) {
      if (this.discarded) break
      if (this.retryTimer) {
        clearTimeout(this.retryTimer)
        this.retryTimer = null
      }
      if (this.unreadableRows === 0 && (await this.compact(doc))) break
      this.persistAndRelay(null, undefined)
      await this.writes.settled
      if (this.unstored.length === 0) break
      if (Date.now() >= giveUpAt) {
        this.options.log('GIVING UP: updates could not be stored before shutdown', { boardId: this.roomId, updates: this.unstored.length })
        break
      }
      await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_MS))
    }
  }
}
