import { TokenBucket } from '../relay/rateLimiter'

/** How long an address's bucket is kept after its last request (it is full again by then). */
const FORGET_AFTER_MS = 10 * 60 * 1000
const SECONDS_PER_HOUR = 3600

/**
 * Limits the API calls that create something (a board, a copy, a snapshot) per client address,
 * so one address cannot fill the disk with empty boards. A whole school may share one address,
 * so the budget is per hour with the full hour's budget as the burst.
 */
export class ApiRateLimit {
  private readonly buckets = new Map<string, { bucket: TokenBucket; lastUsed: number }>()
  private checks = 0

  constructor(private readonly perHour: number) {}

  /** Takes one creation for `address`; false when its budget is used up. */
  take(address: string): boolean {
    const now = Date.now()
    if (++this.checks % 1000 === 0) this.forgetIdle(now)
    let entry = this.buckets.get(address)
    if (!entry) {
      entry = { bucket: new TokenBucket(this.perHour / SECONDS_PER_HOUR, this.perHour), lastUsed: now }
      this.buckets.set(address, entry)
    }
    entry.lastUsed = now
    return entry.bucket.take()
  }

  private forgetIdle(now: number): void {
    for (const [address, entry] of this.buckets) if (now - entry.lastUsed > FORGET_AFTER_MS) this.buckets.delete(address)
  }
}
