import { getHeapStatistics } from 'node:v8'

/**
 * Share of the JavaScript heap that loaded boards may take together by default. The rest is for
 * what a board costs beyond its estimate (sync answers being encoded, sockets' buffers, the
 * garbage of the last edits) and for the server itself.
 */
export const DEFAULT_HEAP_SHARE_FOR_BOARDS = 0.4

/** The default server-wide budget: a share of this process's heap limit (`--max-old-space-size`). */
export function defaultLoadedBoardsBudget(): number {
  return Math.floor(getHeapStatistics().heap_size_limit * DEFAULT_HEAP_SHARE_FOR_BOARDS)
}

/**
 * The estimated memory (see inspectUpdate's COST_PER_…) of every loaded room together. A room
 * reserves what an update will cost before it applies it, and what its stored board costs before
 * it loads it; what does not fit is refused, so no sequence of accepted messages can take the
 * heap: a full server says "try again later" instead of dying.
 */
export class MemoryBudget {
  private used = 0

  constructor(readonly limit: number) {}

  get usedBytes(): number {
    return this.used
  }

  /** Takes `bytes`; false (and nothing taken) when they do not fit. */
  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false
    this.used += bytes
    return true
  }

  /** Takes `bytes` even past the limit: for what is stored already and must be held (another instance's updates). */
  add(bytes: number): void {
    this.used += bytes
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes)
  }
}
