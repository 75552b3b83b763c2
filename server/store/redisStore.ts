import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { boardOfRoom } from '../../protocol/paths'
import { deletedBoardHash, type AccessRecord, type StoredAccess } from '../access/boardAccess'
import type { AssetInfo, BoardStore, PeerListener, SaveAssetResult, SnapshotInfo, StoredAsset, StoredSnapshot } from './boardStore'
import { RedisAssets } from './redisAssets'
import { APPEND_SCRIPT, COMPACT_SCRIPT, OPENED_SCRIPT, SNAPSHOT_SCRIPT } from './redisScripts'

/** How long one blocking read waits before it looks again (bounds shutdown time). */
const READ_BLOCK_MS = 1_000
/** Pause before retrying after Redis errors, so an outage does not spin the CPU. */
const RETRY_AFTER_ERROR_MS = 500

/** Tombstones of deleted boards: a set of hashes of their ids (deletedBoardHash). */
const DELETED_KEY = 'samenbord:deleted'
/** When each board was last opened: a sorted set, board id → ms since 1970. */
const OPENED_KEY = 'samenbord:opened'
/** Where an instance tells the others that it deleted a board (its instance id, then the board id). */
const DELETED_CHANNEL = 'samenbord:board-deleted'

type StreamEntry = [id: Buffer, fields: Buffer[]]

/**
 * Boards in Redis, shared by every server instance: one stream per board is the ordered,
 * replayable update log (each instance appends, and reads everyone's entries back), plus a hash
 * with the merged state the log has been compacted into. Presence goes over pub/sub: it is
 * renewed every 15 s anyway, so a lost message heals itself.
 */
export class RedisBoardStore implements BoardStore {
  readonly kind = 'redis'
  /**
   * Commands on one connection run in the order they are sent, so appends and compactions may be
   * sent without waiting for the previous reply (pipelined). A compaction's `upto` is the read
   * cursor at the moment it is sent, and every entry up to it is in the state it carries.
   */
  readonly ordersWrites = true
  readonly instanceId = randomUUID()
  private readonly redis: Redis
  private readonly subscriber: Redis
  /** Per loaded board: the last stream id whose update is in the board's doc. */
  private readonly cursors = new Map<string, string>()
  private readonly awarenessListeners = new Map<string, (update: Uint8Array) => void>()
  private deletionListener: ((boardId: string) => void) | null = null
  private readonly assets: RedisAssets

  constructor(
    url: string,
    private readonly log: (message: string, extra?: Record<string, unknown>) => void,
  ) {
    // Commands wait for Redis to come back instead of failing: an update is relayed only once
    // it is stored, so during an outage edits wait (clients keep them) rather than get lost.
    this.redis = new Redis(url, { maxRetriesPerRequest: null })
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null })
    this.assets = new RedisAssets(this.redis, DELETED_KEY)
    this.redis.on('error', (e) => log('redis error', { error: String(e) }))
    this.subscriber.on('error', (e) => log('redis subscriber error', { error: String(e) }))
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const sender = message.subarray(0, 36).toString()
      if (sender === this.instanceId) return
      if (channel.toString() === DELETED_CHANNEL) return this.deletionListener?.(message.subarray(36).toString())
      this.awarenessListeners.get(channel.toString())?.(new Uint8Array(message.subarray(36)))
    })
  }

  private keys(boardId: string) {
    return {
      log: `samenbord:${boardId}:log`,
      state: `samenbord:${boardId}:state`,
      awareness: `samenbord:${boardId}:awareness`,
      access: `samenbord:${boardId}:access`,
      snapshots: `samenbord:${boardId}:snapshots`,
    }
  }

  async load(boardId: string): Promise<Uint8Array[]> {
    const keys = this.keys(boardId)
    // One transaction: a compaction by another instance between the two reads would otherwise
    // hide the entries it folded into a state we did not read.
    const replies = await this.redis.multi().hgetallBuffer(keys.state).xrangeBuffer(keys.log, '-', '+').exec()
    if (!replies) throw new Error('redis transaction aborted')
    for (const [error] of replies) if (error) throw error
    const state = replies[0][1] as Record<string, Buffer>
    const entries = replies[1][1] as StreamEntry[]
    const upto = state.upto?.toString()
    const updates: Uint8Array[] = []
    if (state.data) updates.push(new Uint8Array(state.data)) // a state stored whole, before pieces
    for (let i = 0; state[`d${i}`]; i++) updates.push(new Uint8Array(state[`d${i}`]))
    // XTRIM MINID keeps the entry at `upto` itself: the state covers it already.
    const covered = upto ? streamId(upto) : null
    for (const [id, fields] of entries) {
      if (covered && compareStreamIds(streamId(id.toString()), covered) <= 0) continue
      updates.push(new Uint8Array(field(fields, 'u')))
    }
    this.cursors.set(boardId, entries.length > 0 ? entries[entries.length - 1][0].toString() : (upto ?? '0-0'))
    return updates
  }

  async append(boardId: string, update: Uint8Array): Promise<void> {
    const board = boardOfRoom(boardId)
    const id = await this.redis.eval(APPEND_SCRIPT, 2, this.keys(boardId).log, DELETED_KEY, deletedBoardHash(board), this.instanceId, Buffer.from(update))
    // The board was deleted while this instance still had it open (it missed the news): close it here too.
    if (id === null) this.deletionListener?.(board)
  }

  async compact(boardId: string, pieces: Uint8Array[]): Promise<void> {
    const upto = this.cursors.get(boardId)
    if (!upto || upto === '0-0') return
    const keys = this.keys(boardId)
    const hash = deletedBoardHash(boardOfRoom(boardId))
    await this.redis.eval(COMPACT_SCRIPT, 3, keys.state, keys.log, DELETED_KEY, upto, hash, ...pieces.map((p) => Buffer.from(p)))
  }

  async roomCount(prefix: string): Promise<number> {
    const rooms = new Set<string>()
    for await (const batch of this.redis.scanStream({ match: `samenbord:${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      for (const key of batch) {
        const room = key.slice('samenbord:'.length, key.lastIndexOf(':'))
        if (key.endsWith(':log') || key.endsWith(':state')) rooms.add(room)
      }
    }
    return rooms.size
  }

  async logLength(boardId: string): Promise<number> {
    return this.redis.xlen(this.keys(boardId).log)
  }

  async byteSize(boardId: string): Promise<number> {
    const keys = this.keys(boardId)
    const [stateBytes, logBytes] = await Promise.all([
      this.redis.memory('USAGE', keys.state).then((n) => Number(n ?? 0)),
      this.redis.memory('USAGE', keys.log).then((n) => Number(n ?? 0)),
    ])
    return stateBytes + logBytes
  }

  async saveSnapshot(boardId: string, s: StoredSnapshot): Promise<void> {
    const { state, ...info } = s
    const key = this.keys(boardId).snapshots
    await this.redis.eval(SNAPSHOT_SCRIPT, 2, key, DELETED_KEY, deletedBoardHash(boardId), s.id, JSON.stringify(info), Buffer.from(state))
  }

  async listSnapshots(boardId: string): Promise<SnapshotInfo[]> {
    const all = await this.redis.hgetall(this.keys(boardId).snapshots)
    return Object.entries(all)
      .filter(([field]) => field.startsWith('info:'))
      .map(([, value]) => JSON.parse(value) as SnapshotInfo)
      .sort((a, b) => b.createdAt - a.createdAt)
  }

  async loadSnapshot(boardId: string, snapshotId: string): Promise<Uint8Array | null> {
    const state = await this.redis.hgetBuffer(this.keys(boardId).snapshots, `state:${snapshotId}`)
    return state ? new Uint8Array(state) : null
  }

  async loadAccess(boardId: string): Promise<StoredAccess> {
    const raw = await this.redis.get(this.keys(boardId).access)
    if (raw) return JSON.parse(raw) as AccessRecord
    return (await this.redis.sismember(DELETED_KEY, deletedBoardHash(boardId))) === 1 ? 'deleted' : null
  }

  async saveAccess(boardId: string, record: AccessRecord): Promise<void> {
    await this.redis.set(this.keys(boardId).access, JSON.stringify(record), 'NX')
  }

  /**
   * The tombstone first (with the links): from then on no instance can append, compact or save a
   * snapshot for the board (the scripts check it), and the others are told to close their rooms.
   * Then the board lets go of its blobs (those no other board uses go), and every key of the
   * board goes: `samenbord:<id>*` holds the board's own keys (its asset references too) and those
   * of its facilitation and private rooms (ids have a fixed length, so no other board's).
   */
  async deleteBoard(boardId: string): Promise<void> {
    const keys = this.keys(boardId)
    await this.redis.multi().sadd(DELETED_KEY, deletedBoardHash(boardId)).del(keys.access).zrem(OPENED_KEY, boardId).exec()
    await this.redis.publish(DELETED_CHANNEL, this.instanceId + boardId)
    await this.assets.releaseBoardAssets(boardId)
    const found = new Set<string>([keys.log, keys.state, keys.snapshots])
    for await (const batch of this.redis.scanStream({ match: `samenbord:${boardId}*`, count: 500 }) as AsyncIterable<string[]>) {
      for (const key of batch) found.add(key)
    }
    await this.redis.del(...found)
  }

  async touchBoard(boardId: string, at: number): Promise<void> {
    await this.redis.eval(OPENED_SCRIPT, 2, this.keys(boardId).access, OPENED_KEY, boardId, at, 'latest')
  }

  async lastOpened(boardId: string): Promise<number | null> {
    const score = await this.redis.zscore(OPENED_KEY, boardId)
    return score === null ? null : Number(score)
  }

  async boardsNotOpenedSince(cutoff: number, firstSeen: number): Promise<string[]> {
    // Boards made before openings were recorded are seen now for the first time.
    for await (const batch of this.redis.scanStream({ match: 'samenbord:*:access', count: 500 }) as AsyncIterable<string[]>) {
      const pipeline = this.redis.pipeline()
      for (const key of batch) {
        const boardId = key.slice('samenbord:'.length, -':access'.length)
        pipeline.eval(OPENED_SCRIPT, 2, key, OPENED_KEY, boardId, firstSeen, 'first')
      }
      await pipeline.exec()
    }
    return this.redis.zrangebyscore(OPENED_KEY, '-inf', `(${cutoff}`)
  }

  // Pictures and videos: server/store/redisAssets.ts.
  saveAsset = (boardId: string, assetId: string, asset: StoredAsset): Promise<SaveAssetResult> => this.assets.saveAsset(boardId, assetId, asset)
  loadAsset = (boardId: string, assetId: string): Promise<StoredAsset | null> => this.assets.loadAsset(boardId, assetId)
  assetInfo = (boardId: string, assetId: string): Promise<AssetInfo | null> => this.assets.assetInfo(boardId, assetId)
  assetBytes = (boardId: string): Promise<number> => this.assets.assetBytes(boardId)
  copyAssets = (fromBoardId: string, toBoardId: string): Promise<void> => this.assets.copyAssets(fromBoardId, toBoardId)
  storedAssetBytes = (): Promise<number> => this.assets.storedAssetBytes()

  onBoardDeleted(listener: (boardId: string) => void): void {
    this.deletionListener = listener
    this.subscriber.subscribe(DELETED_CHANNEL).catch((e) => this.log('redis subscribe failed', { error: String(e) }))
  }

  /** Follows the board's log from where `load` stopped and hands other instances' updates on. */
  subscribe(boardId: string, listener: PeerListener): () => void {
    const keys = this.keys(boardId)
    let stopped = false
    const reader = this.redis.duplicate()
    reader.on('error', () => undefined) // reported by the loop below
    const readLoop = async () => {
      while (!stopped) {
        try {
          const cursor = this.cursors.get(boardId) ?? '0-0'
          const result = (await reader.xreadBuffer('BLOCK', READ_BLOCK_MS, 'STREAMS', keys.log, cursor)) as
            | Array<[Buffer, StreamEntry[]]>
            | null
          if (stopped || !result) continue
          for (const [id, fields] of result[0][1]) {
            this.cursors.set(boardId, id.toString())
            if (field(fields, 'i').toString() !== this.instanceId) listener.onUpdate(new Uint8Array(field(fields, 'u')))
          }
        } catch (error) {
          if (stopped) break
          this.log('redis read failed, retrying', { boardId, error: String(error) })
          await new Promise((r) => setTimeout(r, RETRY_AFTER_ERROR_MS))
        }
      }
    }
    void readLoop()
    this.awarenessListeners.set(keys.awareness, listener.onAwareness)
    this.subscriber.subscribe(keys.awareness).catch((e) => this.log('redis subscribe failed', { boardId, error: String(e) }))
    return () => {
      stopped = true
      reader.disconnect()
      this.awarenessListeners.delete(keys.awareness)
      this.subscriber.unsubscribe(keys.awareness).catch(() => undefined) // closing anyway
      this.cursors.delete(boardId)
    }
  }

  publishAwareness(boardId: string, update: Uint8Array): void {
    const message = Buffer.concat([Buffer.from(this.instanceId), Buffer.from(update)])
    // Presence is renewed every 15 s: a lost message is repaired by the next one.
    this.redis.publish(this.keys(boardId).awareness, message).catch(() => undefined)
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.subscriber.quit()])
  }
}

function field(fields: Buffer[], name: string): Buffer {
  for (let i = 0; i < fields.length; i += 2) if (fields[i].toString() === name) return fields[i + 1]
  throw new Error(`stream entry without field ${name}`)
}

function streamId(id: string): [ms: bigint, seq: bigint] {
  const [ms, seq] = id.split('-')
  return [BigInt(ms), BigInt(seq ?? 0)]
}

function compareStreamIds(a: [bigint, bigint], b: [bigint, bigint]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1
}
