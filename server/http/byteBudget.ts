/**
 * A connection's bytes per second: a token bucket that, when a message does not fit, says how
 * long until it will, so that the connection can wait for it instead of being closed.
 */
export class ByteBudget {
  private tokens: number
  private last: number

  constructor(
    private readonly bytesPerSecond: number,
    /** At least the largest message, so that every message fits once the budget is full. */
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst
    this.last = now()
  }

  /**
   * Takes `bytes` and returns 0 when the budget holds them; otherwise takes nothing and returns
   * the milliseconds until it will (the deficit at the refill rate).
   */
  take(bytes: number): number {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond)
    this.last = now
    if (this.tokens >= bytes) {
      this.tokens -= bytes
      return 0
    }
    return Math.ceil(((Math.min(bytes, this.burst) - this.tokens) / this.bytesPerSecond) * 1000)
  }
}
