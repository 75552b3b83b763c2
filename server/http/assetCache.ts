/**
 * Bytes of recently served pictures and videos kept in memory, in bytes. When a facilitator
 * drops a 20 MiB video on a board, thirty participants ask for it within a second: they get one
 * copy read once from the store instead of thirty.
 */
export const ASSET_CACHE_BYTES = 64 * 1024 * 1024 // 64 MiB: three of the largest videos, or ~60 photos

/**
 * A least-recently-used cache of blobs by their SHA-256, shared by every board (the hash is the
 * content, so a copy's request may be answered with the original's bytes). It is asked only
 * after the store said that the board refers to the hash: it never decides who may see what.
 * Loads of the same hash that overlap share one read.
 */
export class AssetCache {
  /** In use order, least recent first (a Map keeps insertion order). */
  private readonly entries = new Map<string, Uint8Array>()
  private readonly loading = new Map<string, Promise<Uint8Array | null>>()
  private bytes = 0

  constructor(private readonly maxBytes = ASSET_CACHE_BYTES) {}

  /** The bytes of `hash`: from memory, from a load under way, or from `load` (null: not there any more). */
  async get(hash: string, load: () => Promise<Uint8Array | null> | Uint8Array | null): Promise<Uint8Array | null> {
    const cached = this.entries.get(hash)
    if (cached) {
      this.entries.delete(hash)
      this.entries.set(hash, cached)
      return cached
    }
    const shared = this.loading.get(hash)
    // Another board's load may find its reference gone (deleted meanwhile); this one's is checked.
    if (shared) return (await shared) ?? load()
    const loaded = Promise.resolve()
      .then(load)
      .finally(() => this.loading.delete(hash))
    this.loading.set(hash, loaded)
    const bytes = await loaded
    if (bytes) this.put(hash, bytes)
    return bytes
  }

  /** Keeps `bytes` (a fresh upload: everyone on the board will ask for it in a moment). */
  put(hash: string, bytes: Uint8Array): void {
    if (bytes.byteLength > this.maxBytes || this.entries.has(hash)) return
    this.entries.set(hash, bytes)
    this.bytes += bytes.byteLength
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= old.byteLength
    }
  }

  /** Bytes held now (tests). */
  get size(): number {
    return this.bytes
  }
}
