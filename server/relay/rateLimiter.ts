/**
 * A token bucket: `ratePerSecond` tokens come back every second, up to `burst`. Used per
 * connection for messages and for bytes, so one client cannot flood a board.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst
    this.last = now()
  }

  /** Takes `cost` tokens; false when there are not enough (nothing is taken then). */
  take(cost = 1): boolean {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond)
    this.last = now
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }

  /**
   * Takes `cost` and returns 0 when the bucket holds it; otherwise takes nothing and returns the
   * milliseconds until it will (the deficit at the refill rate), so that a caller can wait for
   * it instead of refusing. A cost above `burst` waits for a full bucket.
   */
  takeOrWait(cost: number): number {
    if (this.take(cost)) return 0
    return Math.ceil(((Math.min(cost, this.burst) - this.tokens) / this.ratePerSecond) * 1000)
  }
}
