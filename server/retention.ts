import type { LogFn } from './log'
import type { Relay } from './relay/relay'
import type { BoardStore } from './store/boardStore'

export const DAY_MS = 24 * 60 * 60_000
/** How often the server looks for boards nobody opened for BOARD_RETENTION_DAYS. */
export const RETENTION_SWEEP_INTERVAL_MS = 60 * 60_000
/** A board's opening is recorded at most this often (a board that stays open is recorded again by the sweep). */
export const OPENING_RECORD_INTERVAL_MS = 60 * 60_000

export interface RetentionOptions {
  retentionDays: number
  /** The clock, ms since 1970 (tests pass their own: they do not wait a year). */
  now: () => number
  log: LogFn
}

/**
 * BOARD_RETENTION_DAYS: the server deletes a board by itself once nobody opened it for that long.
 * It records when a board is opened (when its room loads; at most once an hour per board, and
 * again each hour while it stays open), and sweeps at start and then every hour: each board not
 * opened since the cutoff is deleted as "Bord verwijderen" deletes it (Relay.deleteBoard), one
 * after another, never one that is open right now. Boards made before openings were recorded
 * count from the first sweep that sees them.
 */
export class Retention {
  private readonly retentionMs: number
  /** When this process last recorded each board's opening (pruned by the sweep). */
  private readonly recorded = new Map<string, number>()
  private timer: ReturnType<typeof setInterval> | null = null
  /** Sweeps run one after another; `stop` waits for the one under way. */
  private sweeps: Promise<unknown> = Promise.resolve()
  private stopped = false

  constructor(
    private readonly store: BoardStore,
    private readonly relay: Relay,
    private readonly options: RetentionOptions,
  ) {
    this.retentionMs = options.retentionDays * DAY_MS
  }

  /** Sweeps now, then every RETENTION_SWEEP_INTERVAL_MS (the timer does not keep the process alive). */
  start(): void {
    void this.sweep()
    this.timer = setInterval(() => void this.sweep(), RETENTION_SWEEP_INTERVAL_MS)
    this.timer.unref()
  }

  /** No more sweeps; resolves once the one under way has stopped (after the board it is deleting). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.sweeps
  }

  /** A board was opened (its room loaded): recorded unless this process did so within the hour. */
  opened(boardId: string): void {
    const now = this.options.now()
    const last = this.recorded.get(boardId)
    if (last !== undefined && now - last < OPENING_RECORD_INTERVAL_MS) return
    this.recorded.set(boardId, now)
    void (async () => this.store.touchBoard(boardId, now))().catch((error) =>
      this.options.log('could not record that a board was opened', { boardId, error: String(error) }),
    )
  }

  /** When the server would delete the board if nobody opens it before then, ms since 1970. */
  async deleteAfter(boardId: string): Promise<number> {
    const now = this.options.now()
    const opened = this.relay.isOpen(boardId) ? now : ((await this.store.lastOpened(boardId)) ?? now)
    return Math.max(opened, this.recorded.get(boardId) ?? opened) + this.retentionMs
  }

  /** Deletes the boards nobody opened within the retention; resolves with their ids. */
  sweep(): Promise<string[]> {
    const run = this.sweeps.then(() => this.runSweep())
    this.sweeps = run.catch(() => undefined)
    return run
  }

  private async runSweep(): Promise<string[]> {
    if (this.stopped) return []
    const now = this.options.now()
    for (const [boardId, at] of this.recorded) if (now - at >= OPENING_RECORD_INTERVAL_MS) this.recorded.delete(boardId)
    // A board that stays open for hours is opened all that time.
    for (const boardId of this.relay.openBoardIds()) this.opened(boardId)
    let old: string[]
    try {
      old = await this.store.boardsNotOpenedSince(now - this.retentionMs, now)
    } catch (error) {
      this.options.log('retention sweep failed; trying again in an hour', { error: String(error) })
      return []
    }
    const deleted: string[] = []
    for (const boardId of old) {
      if (this.stopped) break
      if (this.relay.isOpen(boardId)) continue // someone opened it just now
      try {
        await this.relay.deleteBoard(boardId, 'retention')
        deleted.push(boardId)
      } catch (error) {
        this.options.log('retention: a board could not be deleted; trying again in an hour', { boardId, error: String(error) })
      }
    }
    return deleted
  }
}
