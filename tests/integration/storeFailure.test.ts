import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { facilitationRoomId } from '../../protocol/paths'
import { createSamenbordServer } from '../../server/app'
import { readConfig } from '../../server/config'
import { SqliteBoardStore } from '../../server/store/sqliteStore'
import { useTeardown } from '../support/lifecycle'
import { createBoard, tempDataDir, whenSynced } from '../../bench/lib/harness/server'

/**
 * The real SQLite store, with a switch that makes appends fail as a full disk would: a busy
 * server's batched commit rejects, a quiet server's commit at once throws.
 */
class FlakyStore extends SqliteBoardStore {
  failing: false | 'rejects' | 'throws' = false
  override append(boardId: string, update: Uint8Array): Promise<void> | void {
    const error = new Error('SQLITE_FULL: database or disk is full')
    if (this.failing === 'rejects') return Promise.reject(error)
    if (this.failing === 'throws') throw error
    return super.append(boardId, update)
  }
}

const { defer, client } = useTeardown()

/** A server in this process on the flaky store, closed after the test. */
async function serverOn(store: FlakyStore, dataDir: string) {
  const server = createSamenbordServer(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), store)
  const port = await server.listen()
  defer(() => server.close())
  return { server, port, url: `ws://127.0.0.1:${port}/sync` }
}

describe('when the store fails', () => {
  it.each(['rejects', 'throws'] as const)('relays nothing unstored, disconnects the writer, and stores and relays it all once the store works again (commit %s)', async (failure) => {
    const dataDir = tempDataDir()
    const store = new FlakyStore(join(dataDir, 'flaky.sqlite'))
    const { url, port } = await serverOn(store, dataDir)
    const board = await createBoard(port)
    const boardId = board.boardId
    const writer = client(url, board)
    const reader = client(url, board)
    await Promise.all([whenSynced(writer.provider), whenSynced(reader.provider)])
    const closes: number[] = []
    writer.provider.on('connection-close', (e: { code: number } | null) => e && closes.push(e.code))

    store.failing = failure
    writer.doc.getMap('m').set('note', 'tijdens storing')
    await vi.waitFor(() => expect(closes).toContain(1011))
    expect(reader.doc.getMap('m').get('note')).toBeUndefined() // not stored, so not relayed
    expect(store.logLength(boardId)).toBe(0)

    store.failing = false // the retry stores and relays it, without anyone editing again
    await vi.waitFor(() => expect(reader.doc.getMap('m').get('note')).toBe('tijdens storing'), { timeout: 5000 })
    const onDisk = new Y.Doc()
    for (const update of await store.load(boardId)) Y.applyUpdate(onDisk, update)
    expect(onDisk.getMap('m').get('note')).toBe('tijdens storing')
    await whenSynced(writer.provider)
    writer.doc.getMap('m').set('after', 'weer goed')
    await vi.waitFor(() => expect(reader.doc.getMap('m').get('after')).toBe('weer goed'))
  })

  it("does not open a board whose facilitation room cannot be started; the client's retry opens it once the store works", async () => {
    const dataDir = tempDataDir()
    const store = new FlakyStore(join(dataDir, 'flaky.sqlite'))
    const { url, port } = await serverOn(store, dataDir)
    const board = await createBoard(port) // its access record is saved, not appended: the failing appends do not touch it
    store.failing = 'rejects'
    const participant = client(url, board)
    const closes: number[] = []
    participant.provider.on('connection-close', (e: { code: number } | null) => e && closes.push(e.code))
    await vi.waitFor(() => expect(closes).toContain(1011))
    expect(participant.provider.synced).toBe(false)

    store.failing = false
    await whenSynced(participant.provider)
    expect(store.logLength(facilitationRoomId(board.boardId))).toBe(1)
  })
})
