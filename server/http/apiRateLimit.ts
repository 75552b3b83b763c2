import { TokenBucket } from '../relay/rateLimiter'

const SECONDS_PER_HOUR = 3600
/**
 * How long an address's bucket is kept after its last request: an hour, since an empty bucket
 * takes that long to be full again (forgetting it earlier would hand back the whole budget).
 */
const FORGET_AFTER_MS = SECONDS_PER_HOUR * 1000

/**
 * Limits the API calls that create something (a board, a copy, a snapshot) per client address,
 * so one address cannot fill the disk with empty boards, and the bytes uploaded per address
 * (`cost` = bytes). A whole school may share one address, so the budget is per hour with the
 * full hour's budget as the burst.
 */
export class ApiRateLimit {
  private readonly buckets = new Map<string, { bucket: TokenBucket; lastUsed: number }>()
  private checks = 0

  constructor(private readonly perHour: number) {}

  /** Takes `cost` (one creation, or a number of bytes) for `key`; false, and nothing taken, when its budget has less. */
  take(key: string, cost = 1): boolean {
    const now = Date.now()
    if (++this.checks % 1000 === 0) this.forgetIdle(now)
    let entry = this.buckets.get(key)
    if (!entry) {
      entry = { bucket: new TokenBucket(this.perHour / SECONDS_PER_HOUR, this.perHour), lastUsed: now }
      this.buckets.set(key, entry)
    }
    entry.lastUsed = now
    return entry.bucket.take(cost)
  }

  private forgetIdle(now: number): void {
    for (const [address, entry] of this.buckets) if (now - entry.lastUsed > FORGET_AFTER_MS) this.buckets.delete(address)
  }
}
