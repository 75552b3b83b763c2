import { describe, expect, it } from 'vitest'
import { AssetCache } from '../../server/http/assetCache'

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill)

describe('AssetCache', () => {
  it('loads a blob once for overlapping requests, then answers from memory', async () => {
    const cache = new AssetCache(1000)
    let loads = 0
    const load = async () => {
      loads++
      await new Promise((resolve) => setTimeout(resolve, 5))
      return bytes(100)
    }
    const answers = await Promise.all(Array.from({ length: 30 }, () => cache.get('h', load)))
    expect(loads).toBe(1)
    expect(answers.every((a) => a?.byteLength === 100)).toBe(true)
    await cache.get('h', load)
    expect(loads).toBe(1)
  })

  it('drops the least recently used blobs beyond its size, and never keeps one larger than itself', async () => {
    const cache = new AssetCache(250)
    cache.put('a', bytes(100))
    cache.put('b', bytes(100))
    await cache.get('a', () => null) // a is used again: b is now the oldest
    cache.put('c', bytes(100))
    expect(cache.size).toBe(200)
    expect(await cache.get('b', () => null)).toBeNull()
    expect(await cache.get('a', () => null)).not.toBeNull()
    cache.put('huge', bytes(300))
    expect(await cache.get('huge', () => null)).toBeNull()
  })

  it('a shared load that finds nothing (its board deleted meanwhile) falls back to the caller\'s own load', async () => {
    const cache = new AssetCache(1000)
    const gone = cache.get('h', async () => null)
    const mine = cache.get('h', async () => bytes(10))
    expect(await gone).toBeNull()
    expect((await mine)?.byteLength).toBe(10)
  })
})
