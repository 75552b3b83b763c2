import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { DurableLog, STORE_RETRY_MS } from '../../server/relay/durableLog'
import { MemoryBudget } from '../../server/relay/memoryBudget'
import { MemoryBoardStore } from '../../server/store/memoryStore'

/**
 * The write-then-relay queue alone, against stores whose appends resolve later one by one, share
 * one promise per batch (as SQLite's commit of a turn), or reject: an update is relayed only once
 * stored, in the order written, and a failed one is retried until stored.
 */
type Mode = 'resolves' | 'shares' | 'rejects'

class ScriptedStore extends MemoryBoardStore {
  mode: Mode = 'resolves'
  override readonly ordersWrites: boolean
  private batch: { promise: Promise<void>; resolve: () => void } | null = null
  private readonly waiting: Array<() => void> = []
  constructor(ordersWrites: boolean) {
    super()
    this.ordersWrites = ordersWrites
  }
  override append(roomId: string, update: Uint8Array): Promise<void> {
    if (this.mode === 'rejects') return Promise.reject(new Error('disk full'))
    if (this.mode === 'shares') {
      if (!this.batch) {
        let resolve!: () => void
        const promise = new Promise<void>((r) => (resolve = r))
        this.batch = { promise, resolve }
        this.waiting.push(() => {
          this.batch = null
          resolve()
        })
      }
      super.append(roomId, update)
      return this.batch.promise
    }
    return new Promise((resolve) => this.waiting.push(() => (super.append(roomId, update), resolve())))
  }
  override compact(roomId: string, pieces: Uint8Array[]): Promise<void> {
    if (this.mode === 'rejects') return Promise.reject(new Error('disk full'))
    super.compact(roomId, pieces)
    return Promise.resolve()
  }
  /** Lets the oldest waiting write finish. */
  finishOne(): void {
    this.waiting.shift()?.()
  }
  finishAll(): void {
    while (this.waiting.length) this.finishOne()
  }
}

function setup(ordersWrites: boolean) {
  const store = new ScriptedStore(ordersWrites)
  const relayed: string[] = []
  const failures: unknown[] = []
  const budget = new MemoryBudget(1e9)
  const log = new DurableLog('room', store, {
    compactAfterUpdates: 1000,
    log: () => undefined,
    budget,
    onStored: (update) => relayed.push(JSON.stringify(Y.decodeUpdate(update).structs.map((s) => s.id.clock))),
    onStoreFailure: (origin) => failures.push(origin),
    onAllStored: () => relayed.push('all stored'),
  })
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const edit = (i: number) => {
    doc.getMap('m').set(`k${i}`, i)
    const update = updates[updates.length - 1]
    log.append(update, 'writer', 100)
    return update
  }
  return { store, relayed, failures, log, doc, edit, budget }
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('DurableLog', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true }))
  afterEach(() => vi.useRealTimers())

  for (const ordersWrites of [true, false]) {
    it(`relays each update only once stored, in order, when appends resolve one by one (ordersWrites ${ordersWrites})`, async () => {
      const { store, relayed, edit } = setup(ordersWrites)
      edit(0)
      edit(1)
      edit(2)
      await flush()
      expect(relayed).toEqual([])
      store.finishOne()
      await flush()
      expect(relayed).toEqual(['[0]'])
      store.finishAll()
      await flush()
      store.finishAll() // a store that does not order writes gets the later ones only now
      await flush()
      expect(relayed).toEqual(['[0]', '[1]', '[2]'])
    })
  }

  it('relays the updates of one shared commit together, after it', async () => {
    const { store, relayed, edit } = setup(true)
    store.mode = 'shares'
    edit(0)
    edit(1)
    await flush()
    expect(relayed).toEqual([])
    store.finishOne()
    await flush()
    expect(relayed).toEqual(['[0]', '[1]'])
  })

  it('keeps a rejected update, tells its writer, and stores and relays it on the retry', async () => {
    const { store, relayed, failures, edit, log } = setup(true)
    store.mode = 'rejects'
    edit(0)
    await flush()
    expect(failures).toEqual(['writer'])
    expect(relayed).toEqual([])
    expect(log.hasUnstored).toBe(true)
    vi.advanceTimersByTime(STORE_RETRY_MS) // still failing: kept, retried again
    await flush()
    expect(relayed).toEqual([])
    store.mode = 'resolves'
    vi.advanceTimersByTime(STORE_RETRY_MS)
    await flush()
    store.finishAll()
    await flush()
    expect(relayed).toEqual(['[0]', 'all stored'])
    expect(log.hasUnstored).toBe(false)
    expect((await store.load('room')).length).toBe(1)
  })

  it('close stores what failed before the room is freed, retrying until the store takes it', async () => {
    const { store, edit, log, doc } = setup(true)
    store.mode = 'rejects'
    edit(0)
    await flush()
    const closed = log.close(doc)
    let done = false
    void closed.then(() => (done = true))
    vi.advanceTimersByTime(STORE_RETRY_MS)
    await flush()
    expect(done).toBe(false)
    store.mode = 'resolves'
    const finisher = setInterval(() => store.finishAll(), 5)
    vi.advanceTimersByTime(STORE_RETRY_MS)
    await closed
    clearInterval(finisher)
    const stored = new Y.Doc()
    for (const u of await store.load('room')) Y.applyUpdate(stored, u)
    expect(stored.getMap('m').get('k0')).toBe(0)
  })

  it('counts a compaction when it is issued: a limit checked at once sees the compacted size while commits are on their way', async () => {
    const { store, log, doc } = setup(true)
    doc.on('update', (u: Uint8Array) => log.append(u, 'writer', 100))
    // History: one value overwritten again and again.
    for (let i = 0; i < 20; i++) doc.getMap('m').set('same', String(i % 10).repeat(10_000))
    const before = log.storedBytes
    expect(store.mode).toBe('resolves') // appends still wait for their commits
    void log.compact(doc)
    expect(log.storedBytes).toBeLessThan(before / 5)
    store.finishAll()
    await flush()
  })

  it('holds the memory of what it stores in the budget and gives it back when freed', async () => {
    const { store, edit, log, budget } = setup(true)
    budget.tryReserve(200) // what the room reserves before it applies two updates
    edit(0)
    edit(1)
    store.finishAll()
    await flush()
    expect(log.storedCost).toBe(200)
    log.releaseAll()
    expect(budget.usedBytes).toBe(0)
  })
})
