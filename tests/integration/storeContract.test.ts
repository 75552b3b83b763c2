import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { newBoardId } from '../../protocol/boardId'
import { facilitationRoomId, privateRoomPrefix } from '../../protocol/paths'
import { newToken } from '../../protocol/roles'
import { accessFor, newAccess } from '../../server/access/boardAccess'
import { splitUpdate } from '../../protocol/splitUpdate'
import type { BoardStore } from '../../server/store/boardStore'
import { MemoryBoardStore } from '../../server/store/memoryStore'
import { RedisBoardStore } from '../../server/store/redisStore'
import { SqliteBoardStore } from '../../server/store/sqliteStore'
import { randomEdit } from '../../bench/lib/harness/editing'
import { seededRandom } from '../../bench/lib/harness/random'
import { startRedis } from '../../bench/lib/harness/redis'
import { tempDataDir } from '../../bench/lib/harness/server'
import { redisContents, sqliteContents } from '../support/storeContents'

/**
 * One set of numbered rules, every store (after tldraw's storageContractSuite): a new backend is
 * done when these pass. `reopen` gives a second store on the same data, where the backend has
 * any (the memory store has none: it is for tests and benchmarks only).
 */
interface Backend {
  name: string
  open(): Promise<{
    store: BoardStore
    reopen: (() => BoardStore) | null
    /** Everything the backend holds, as text (keys, rows, values, and for SQLite the files' bytes), to search for what must be gone. */
    everything: () => Promise<string>
    teardown: () => Promise<void>
  }>
}

const noLog = () => undefined

const BACKENDS: Backend[] = [
  {
    name: 'memory',
    open: async () => {
      const store = new MemoryBoardStore()
      const everything = async () =>
        JSON.stringify(Object.entries(store).map(([field, value]) => [field, value instanceof Map || value instanceof Set ? [...value.entries()] : value]), (_, v) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
        )
      return { store, reopen: null, everything, teardown: async () => store.close() }
    },
  },
  {
    name: 'sqlite',
    open: async () => {
      const file = join(tempDataDir(), 'contract.sqlite')
      const store = new SqliteBoardStore(file)
      const opened: BoardStore[] = [store]
      const everything = async () => sqliteContents(file)
      return {
        store,
        everything,
        reopen: () => {
          const other = new SqliteBoardStore(file)
          opened.push(other)
          return other
        },
        teardown: async () => {
          for (const s of opened) await s.close()
        },
      }
    },
  },
  {
    name: 'redis',
    open: async () => {
      const redis = await redisServer()
      const store = new RedisBoardStore(redis.url, noLog)
      const opened: BoardStore[] = [store]
      const everything = () => redisContents(redis.url)
      return {
        store,
        everything,
        reopen: () => {
          const other = new RedisBoardStore(redis.url, noLog)
          opened.push(other)
          return other
        },
        teardown: async () => {
          for (const s of opened) await s.close()
        },
      }
    },
  },
]

let redis: Awaited<ReturnType<typeof startRedis>> | null = null
async function redisServer() {
  redis ??= await startRedis()
  return redis
}
afterAll(() => {
  redis?.child.kill()
})

const stateOf = (updates: Uint8Array[]) => {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}
const mapOf = (updates: Uint8Array[]) => stateOf(updates).getMap('m').toJSON()

function edits(n: number, seed = 1): { doc: Y.Doc; updates: Uint8Array[] } {
  const rng = seededRandom(seed)
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < n; i++) randomEdit(doc, rng, 'c', i)
  return { doc, updates }
}

for (const backend of BACKENDS) {
  describe(`store contract: ${backend.name}`, () => {
    let ctx: Awaited<ReturnType<Backend['open']>>
    beforeAll(async () => {
      ctx = await backend.open()
    })
    afterAll(async () => {
      await ctx.teardown()
    })

    it('[SC1] a room nobody wrote loads empty, has no log and no bytes', async () => {
      const room = newBoardId()
      expect(await ctx.store.load(room)).toEqual([])
      expect(await ctx.store.logLength(room)).toBe(0)
      expect(await ctx.store.roomCount(room)).toBe(0)
    })

    it('[SC2] appends load back in order, byte for byte', async () => {
      const room = newBoardId()
      const { doc, updates } = edits(40)
      for (const u of updates) await ctx.store.append(room, u)
      const loaded = await ctx.store.load(room)
      expect(loaded.map((u) => Buffer.from(u).toString('hex'))).toEqual(updates.map((u) => Buffer.from(u).toString('hex')))
      expect(await ctx.store.logLength(room)).toBe(updates.length)
      expect(await ctx.store.byteSize(room)).toBeGreaterThan(0)
      expect(mapOf(loaded)).toEqual(doc.getMap('m').toJSON())
    })

    it('[SC3] compaction replaces the log with the pieces, in order; later appends follow them', async () => {
      const room = newBoardId()
      const { doc, updates } = edits(300, 2)
      for (const u of updates) await ctx.store.append(room, u)
      await ctx.store.load(room) // a multi-instance store compacts up to what it has read
      const { pieces } = splitUpdate(Y.encodeStateAsUpdate(doc), 20)
      expect(pieces.length).toBeGreaterThan(1)
      await ctx.store.compact(room, pieces)
      doc.getMap('m').set('after', 'compaction')
      const last = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(stateOf(pieces)))
      await ctx.store.append(room, last)
      const loaded = await ctx.store.load(room)
      expect(loaded.length).toBe(pieces.length + 1)
      expect(Buffer.from(loaded[0]).equals(Buffer.from(pieces[0]))).toBe(true)
      expect(mapOf(loaded)).toEqual(doc.getMap('m').toJSON())
    })

    it('[SC4] rooms are counted by prefix: a board\'s private rooms, not the board, nor another board\'s', async () => {
      const board = newBoardId()
      const other = newBoardId()
      const update = edits(1).updates[0]
      await ctx.store.append(board, update)
      for (const key of ['a'.repeat(22), 'b'.repeat(22), 'c'.repeat(22)]) await ctx.store.append(privateRoomPrefix(board) + key, update)
      await ctx.store.append(privateRoomPrefix(other) + 'a'.repeat(22), update)
      expect(await ctx.store.roomCount(privateRoomPrefix(board))).toBe(3)
      expect(await ctx.store.roomCount(privateRoomPrefix(board) + 'a'.repeat(22))).toBe(1)
      expect(await ctx.store.roomCount(privateRoomPrefix(newBoardId()))).toBe(0)
    })

    it('[SC5] snapshots: newest first, each board sees only its own, an unknown one is null', async () => {
      const board = newBoardId()
      const state = Y.encodeStateAsUpdate(edits(10).doc)
      await ctx.store.saveSnapshot(board, { id: 's1', name: 'eerste', createdAt: 1000, state })
      await ctx.store.saveSnapshot(board, { id: 's2', name: 'tweede', createdAt: 2000, state })
      expect((await ctx.store.listSnapshots(board)).map((s) => s.name)).toEqual(['tweede', 'eerste'])
      expect(Buffer.from((await ctx.store.loadSnapshot(board, 's1'))!).equals(Buffer.from(state))).toBe(true)
      expect(await ctx.store.loadSnapshot(board, 'nope')).toBeNull()
      expect(await ctx.store.listSnapshots(newBoardId())).toEqual([])
      expect(await ctx.store.loadSnapshot(newBoardId(), 's1')).toBeNull()
    })

    it('[SC6] an access record is never overwritten; an unknown board has none', async () => {
      const board = newBoardId()
      const first = (await newAccess()).record
      await ctx.store.saveAccess(board, first)
      await ctx.store.saveAccess(board, (await newAccess()).record)
      expect(await ctx.store.loadAccess(board)).toEqual(first)
      expect(await ctx.store.loadAccess(newBoardId())).toBeNull()
    })

    /** A board with something secret in every room and in a snapshot, as a meeting leaves it. */
    async function boardWithEverything(secret: string) {
      const board = newBoardId()
      const doc = new Y.Doc()
      doc.getMap('m').set('note', secret)
      const update = Y.encodeStateAsUpdate(doc)
      const rooms = [board, facilitationRoomId(board), privateRoomPrefix(board) + 'a'.repeat(22), privateRoomPrefix(board) + 'b'.repeat(22)]
      await ctx.store.saveAccess(board, (await newAccess()).record)
      for (const room of rooms) {
        await ctx.store.append(room, update)
        await ctx.store.append(room, update)
      }
      await ctx.store.load(board)
      await ctx.store.compact(board, [update]) // a compacted state besides a log
      await ctx.store.saveSnapshot(board, { id: 's1', name: `Na bijeenkomst ${secret}`, createdAt: 1000, state: update })
      await ctx.store.touchBoard(board, 5000)
      return { board, rooms, update }
    }

    it('[SC8] deleteBoard removes every room, snapshot, link and opening of the board: nothing with its id or content is left', async () => {
      const secret = `geheim-${newBoardId()}`
      const { board, rooms } = await boardWithEverything(secret)
      const other = await boardWithEverything(`ander-${newBoardId()}`)
      expect(await ctx.everything()).toContain(secret)
      await ctx.store.deleteBoard(board)

      for (const room of rooms) {
        expect(await ctx.store.load(room)).toEqual([])
        expect(await ctx.store.logLength(room)).toBe(0)
      }
      expect(await ctx.store.roomCount(board)).toBe(0)
      expect(await ctx.store.listSnapshots(board)).toEqual([])
      expect(await ctx.store.loadSnapshot(board, 's1')).toBeNull()
      expect(await ctx.store.lastOpened(board)).toBeNull()
      const left = await ctx.everything()
      expect(left).not.toContain(board)
      expect(left).not.toContain(secret)
      // The other board is untouched.
      expect(mapOf(await ctx.store.load(other.board))).toEqual({ note: expect.stringMatching(/^ander-/) })
      expect(await ctx.store.roomCount(privateRoomPrefix(other.board))).toBe(2)
      expect(await ctx.store.listSnapshots(other.board)).toHaveLength(1)
      expect(await ctx.store.loadAccess(other.board)).toEqual(expect.objectContaining({ facilitator: expect.any(String) }))
      expect(await ctx.store.lastOpened(other.board)).toBe(5000)
    })

    it('[SC9] a deleted board stays deleted: loadAccess says so (also for another store on the same data), a new record cannot revive it', async () => {
      const { board } = await boardWithEverything('weg')
      await ctx.store.deleteBoard(board)
      await ctx.store.deleteBoard(board) // idempotent
      expect(await ctx.store.loadAccess(board)).toBe('deleted')
      expect(accessFor(await ctx.store.loadAccess(board), 'x'.repeat(22))).toBe('deleted')
      expect(await ctx.store.loadAccess(newBoardId())).toBeNull()
      await ctx.store.touchBoard(board, 9000) // an opening recorded late writes nothing
      expect(await ctx.store.lastOpened(board)).toBeNull()
      if (ctx.reopen) expect(await ctx.reopen().loadAccess(board)).toBe('deleted')
    })

    it('[SC10] openings: the latest is kept; boards not opened since a cutoff are listed; one never recorded counts from its first sight', async () => {
      const [recent, old, unseen] = [newBoardId(), newBoardId(), newBoardId()]
      for (const board of [recent, old, unseen]) await ctx.store.saveAccess(board, (await newAccess()).record)
      await ctx.store.touchBoard(old, 1_000)
      await ctx.store.touchBoard(recent, 1_000)
      await ctx.store.touchBoard(recent, 50_000)
      await ctx.store.touchBoard(recent, 20_000) // an earlier time never replaces a later one
      expect(await ctx.store.lastOpened(recent)).toBe(50_000)
      expect(await ctx.store.lastOpened(unseen)).toBeNull()
      await ctx.store.touchBoard(newBoardId(), 1_000) // a board that was never made is not recorded

      const listed = await ctx.store.boardsNotOpenedSince(10_000, 60_000)
      expect(listed).toContain(old)
      expect(listed).not.toContain(recent)
      expect(listed).not.toContain(unseen) // first seen now, at 60,000
      expect(await ctx.store.lastOpened(unseen)).toBe(60_000)
      expect(await ctx.store.boardsNotOpenedSince(70_000, 80_000)).toEqual(expect.arrayContaining([old, recent, unseen]))
      await ctx.store.deleteBoard(old)
      expect(await ctx.store.boardsNotOpenedSince(70_000, 80_000)).not.toContain(old)
    })

    /** A stored asset of `bytes` (what the upload API hands the store). */
    const assetOf = (text: string, contentType = 'image/png') => {
      const bytes = new Uint8Array(Buffer.from(text))
      return { contentType, size: bytes.byteLength, hash: createHash('sha256').update(bytes).digest('hex'), bytes }
    }
    const assetId = () => newToken() // 22 base64url characters, as the browser makes them
    const textOf = (asset: { bytes: Uint8Array } | null) => (asset ? Buffer.from(asset.bytes).toString() : null)

    it('[SC11] assets: saved once, loaded back byte for byte; the same bytes again are "same", other bytes under the id "taken"', async () => {
      const board = newBoardId()
      await ctx.store.saveAccess(board, (await newAccess()).record)
      const id = assetId()
      const photo = assetOf('foto van de flip-over')
      expect(await ctx.store.saveAsset(board, id, photo)).toBe('saved')
      expect(await ctx.store.saveAsset(board, id, photo)).toBe('same')
      expect(await ctx.store.saveAsset(board, id, assetOf('iets anders'))).toBe('taken')
      const loaded = await ctx.store.loadAsset(board, id)
      expect(loaded).toMatchObject({ contentType: 'image/png', size: photo.size, hash: photo.hash })
      expect(textOf(loaded)).toBe('foto van de flip-over')
      expect(await ctx.store.assetInfo(board, id)).toEqual({ contentType: 'image/png', size: photo.size, hash: photo.hash })
      expect(await ctx.store.loadAsset(board, assetId())).toBeNull()
      expect(await ctx.store.assetInfo(board, assetId())).toBeNull()
      expect(await ctx.store.assetBytes(board)).toBe(photo.size)
      if (ctx.reopen) expect(textOf(await ctx.reopen().loadAsset(board, id))).toBe('foto van de flip-over')
    })

    it('[SC12] assets belong to their board: another board\'s id loads nothing there; sizes are counted per board', async () => {
      const [a, b] = [newBoardId(), newBoardId()]
      const id = assetId()
      await ctx.store.saveAsset(a, id, assetOf('alleen op bord a'))
      expect(await ctx.store.loadAsset(b, id)).toBeNull()
      expect(await ctx.store.assetInfo(b, id)).toBeNull()
      expect(await ctx.store.assetBytes(b)).toBe(0)
      // The same id on another board is another asset.
      expect(await ctx.store.saveAsset(b, id, assetOf('op bord b'))).toBe('saved')
      expect(textOf(await ctx.store.loadAsset(a, id))).toBe('alleen op bord a')
      expect(textOf(await ctx.store.loadAsset(b, id))).toBe('op bord b')
      await ctx.store.saveAsset(a, assetId(), assetOf('tweede'))
      expect(await ctx.store.assetBytes(a)).toBe('alleen op bord a'.length + 'tweede'.length)
    })

    it('[SC13] assets are stored by content: the same bytes on two boards are counted once', async () => {
      const before = await ctx.store.storedAssetBytes()
      const video = assetOf(`dezelfde video ${newBoardId()}`, 'video/mp4')
      await ctx.store.saveAsset(newBoardId(), assetId(), video)
      await ctx.store.saveAsset(newBoardId(), assetId(), video)
      expect(await ctx.store.storedAssetBytes()).toBe(before + video.size)
    })

    it('[SC14] copyAssets gives the copy references to the same bytes under the same ids, without copying them', async () => {
      const [from, to] = [newBoardId(), newBoardId()]
      const [one, two] = [assetId(), assetId()]
      await ctx.store.saveAsset(from, one, assetOf(`een ${from}`))
      await ctx.store.saveAsset(from, two, assetOf(`twee ${from}`, 'image/jpeg'))
      const before = await ctx.store.storedAssetBytes()
      await ctx.store.copyAssets(from, to)
      expect(await ctx.store.storedAssetBytes()).toBe(before)
      expect(textOf(await ctx.store.loadAsset(to, one))).toBe(`een ${from}`)
      expect(await ctx.store.loadAsset(to, two)).toMatchObject({ contentType: 'image/jpeg' })
      expect(await ctx.store.assetBytes(to)).toBe(await ctx.store.assetBytes(from))
      // A retry of the same upload on the copy is "same"; the copy's own new assets stay its own.
      expect(await ctx.store.saveAsset(to, one, assetOf(`een ${from}`))).toBe('same')
      await ctx.store.saveAsset(to, assetId(), assetOf('alleen in de kopie'))
      expect(await ctx.store.assetBytes(to)).toBeGreaterThan(await ctx.store.assetBytes(from))
    })

    it('[SC15] deleteBoard removes the board\'s references and the blobs only it used, and keeps a blob a copy still uses', async () => {
      const secret = `geheime foto ${newBoardId()}`
      const shared = `gedeelde foto ${newBoardId()}`
      const { board } = await boardWithEverything('met fotos')
      const copy = newBoardId()
      const [own, common] = [assetId(), assetId()]
      await ctx.store.saveAsset(board, common, assetOf(shared))
      await ctx.store.copyAssets(board, copy)
      await ctx.store.saveAsset(board, own, assetOf(secret))
      const before = await ctx.store.storedAssetBytes()
      await ctx.store.deleteBoard(board)

      expect(await ctx.store.loadAsset(board, own)).toBeNull()
      expect(await ctx.store.loadAsset(board, common)).toBeNull()
      expect(await ctx.store.assetBytes(board)).toBe(0)
      expect(await ctx.store.storedAssetBytes()).toBe(before - secret.length)
      expect(textOf(await ctx.store.loadAsset(copy, common))).toBe(shared)
      const left = await ctx.everything()
      expect(left).not.toContain(board)
      expect(left).not.toContain(secret)
      expect(left).toContain(shared)

      // Once the copy goes too, nothing of the shared photo is left.
      await ctx.store.deleteBoard(copy)
      expect(await ctx.store.storedAssetBytes()).toBe(before - secret.length - shared.length)
      const none = await ctx.everything()
      expect(none).not.toContain(shared)
      expect(none).not.toContain(copy)
    })

    it('[SC16] a deleted board takes no assets and no copies: nothing is written', async () => {
      const board = newBoardId()
      await ctx.store.saveAccess(board, (await newAccess()).record)
      await ctx.store.deleteBoard(board)
      const source = newBoardId()
      await ctx.store.saveAsset(source, assetId(), assetOf(`bron ${source}`))
      const before = await ctx.store.storedAssetBytes()
      const late = `te laat ${board}`
      expect(await ctx.store.saveAsset(board, assetId(), assetOf(late))).toBe('deleted')
      await ctx.store.copyAssets(source, board)
      expect(await ctx.store.assetBytes(board)).toBe(0)
      expect(await ctx.store.storedAssetBytes()).toBe(before)
      const left = await ctx.everything()
      expect(left).not.toContain(board)
      expect(left).not.toContain(late)
    })

    it('[SC7] what is appended is there for another store on the same data, once append has returned', async () => {
      if (!ctx.reopen) return // the memory store keeps nothing beyond itself, by design
      const room = newBoardId()
      const { doc, updates } = edits(20, 3)
      for (const u of updates) await ctx.store.append(room, u)
      const other = ctx.reopen()
      expect(mapOf(await other.load(room))).toEqual(doc.getMap('m').toJSON())
    })
  })
}
