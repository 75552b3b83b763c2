/** Counts open connections per key (a board, an address) and refuses past a maximum. */
export class ConnectionCounter {
  private readonly counts = new Map<string, number>()

  constructor(private readonly max: number) {}

  /** Adds one for `key`; false (and nothing added) when that would pass the maximum. */
  tryAdd(key: string): boolean {
    const count = this.counts.get(key) ?? 0
    if (count >= this.max) return false
    this.counts.set(key, count + 1)
    return true
  }

  remove(key: string): void {
    const count = (this.counts.get(key) ?? 1) - 1
    if (count <= 0) this.counts.delete(key)
    else this.counts.set(key, count)
  }
}
