import type { Redis } from 'ioredis'
import { deletedBoardHash } from '../access/boardAccess'
import type { AssetInfo, BoardAssets, SaveAssetResult, StoredAsset } from './boardStore'
import { COPY_ASSET_SCRIPT, RELEASE_BLOB_SCRIPT, SAVE_ASSET_SCRIPT } from './redisScripts'

/** A blob's bytes, by the SHA-256 of its content (shared by every board that refers to it). */
const blobKey = (hash: string) => `samenbord:blob:${hash}`
/** The boards that refer to a blob: a set of board ids; the blob goes when it is empty. */
const blobRefsKey = (hash: string) => `samenbord:blobrefs:${hash}`
/**
 * A board's references, a hash asset id → "<sha256> <size> <created ms> <type>". Under the
 * board's own prefix, so the board's deletion (a scan of `samenbord:<id>*`) removes it too.
 */
const referencesKey = (boardId: string) => `samenbord:${boardId}:assets`

interface Reference extends AssetInfo {
  createdAt: number
}

function encodeReference({ hash, size, createdAt, contentType }: Reference): string {
  return `${hash} ${size} ${createdAt} ${contentType}`
}

function decodeReference(text: string): Reference {
  const [hash, size, createdAt, contentType] = text.split(' ')
  return { hash, size: Number(size), createdAt: Number(createdAt), contentType }
}

/**
 * The Redis store's pictures and videos (BoardAssets). Every write is a Lua script
 * (redisScripts.ts) that checks the board's tombstone and keeps a blob and its set of referring
 * boards together, so no instance can write for a deleted board or drop bytes another board
 * still refers to.
 */
export class RedisAssets implements BoardAssets {
  constructor(
    private readonly redis: Redis,
    /** The store's set of tombstones (hashes of deleted boards' ids). */
    private readonly deletedKey: string,
  ) {}

  async saveAsset(boardId: string, assetId: string, asset: StoredAsset): Promise<SaveAssetResult> {
    const reference = encodeReference({ ...asset, createdAt: Date.now() })
    const keys = [referencesKey(boardId), this.deletedKey, blobKey(asset.hash), blobRefsKey(asset.hash)]
    const args = [deletedBoardHash(boardId), assetId, reference, Buffer.from(asset.bytes), boardId]
    return (await this.redis.eval(SAVE_ASSET_SCRIPT, keys.length, ...keys, ...args)) as SaveAssetResult
  }

  async assetInfo(boardId: string, assetId: string): Promise<AssetInfo | null> {
    const text = await this.redis.hget(referencesKey(boardId), assetId)
    if (!text) return null
    const { hash, size, contentType } = decodeReference(text)
    return { hash, size, contentType }
  }

  async loadAsset(boardId: string, assetId: string): Promise<StoredAsset | null> {
    const info = await this.assetInfo(boardId, assetId)
    const bytes = info && (await this.redis.getBuffer(blobKey(info.hash)))
    return info && bytes ? { ...info, bytes: new Uint8Array(bytes) } : null
  }

  async assetBytes(boardId: string): Promise<number> {
    const references = await this.redis.hvals(referencesKey(boardId))
    return references.reduce((sum, text) => sum + decodeReference(text).size, 0)
  }

  async copyAssets(fromBoardId: string, toBoardId: string): Promise<void> {
    const references = await this.redis.hgetall(referencesKey(fromBoardId))
    const pipeline = this.redis.pipeline()
    const tombstone = deletedBoardHash(toBoardId)
    for (const [assetId, text] of Object.entries(references)) {
      const { hash } = decodeReference(text)
      const keys = [referencesKey(toBoardId), this.deletedKey, blobKey(hash), blobRefsKey(hash)]
      pipeline.eval(COPY_ASSET_SCRIPT, keys.length, ...keys, tombstone, assetId, text, toBoardId)
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error
  }

  async storedAssetBytes(): Promise<number> {
    let sum = 0
    for await (const batch of this.redis.scanStream({ match: blobKey('*'), count: 500 }) as AsyncIterable<string[]>) {
      for (const key of batch) sum += await this.redis.strlen(key)
    }
    return sum
  }

  /**
   * For the store's deleteBoard, after the tombstone (no reference can be added any more) and
   * before the board's keys go: the board lets go of each blob it refers to, and the blobs no
   * other board refers to are deleted. Run again by a repeated deletion if it was interrupted.
   */
  async releaseBoardAssets(boardId: string): Promise<void> {
    const references = await this.redis.hvals(referencesKey(boardId))
    const hashes = new Set(references.map((text) => decodeReference(text).hash))
    const pipeline = this.redis.pipeline()
    for (const hash of hashes) pipeline.eval(RELEASE_BLOB_SCRIPT, 2, blobKey(hash), blobRefsKey(hash), boardId)
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error
  }
}
