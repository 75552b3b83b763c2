import { describe, expect, it, vi } from 'vitest'
import { CloseCode } from '../../protocol/closeCodes'
import { converged } from '../../bench/lib/harness/editing'
import { useTeardown } from '../support/lifecycle'
import { exitOf, readStoredBoard } from '../../bench/lib/harness/storedBoard'
import { createBoard, tempDataDir, whenSynced } from '../../bench/lib/harness/server'

const CLIENTS = 3
const EDITS_PER_CLIENT = 20
const FLOW_INTERVAL_MS = 5
/** y-websocket backs off up to 2.5 s between attempts. */
const RECONNECT_WAIT_MS = 15_000
const TEST_TIMEOUT_MS = 45_000

const { serverProcess, client } = useTeardown()

const keysOf = (doc: { getMap: (name: string) => { toJSON(): Record<string, unknown> } }) => Object.keys(doc.getMap('m').toJSON()).sort()

describe('graceful shutdown (SIGTERM)', () => {
  it('exits 0 with every relayed edit on disk, even with edits in flight; clients see 1012, come back to the restarted server and keep syncing', async () => {
    const dataDir = tempDataDir()
    const first = await serverProcess(dataDir)
    const board = await createBoard(first.port)
    const clients = Array.from({ length: CLIENTS }, () => client(first.url, board))
    const closeCodes = clients.map(() => [] as number[])
    clients.forEach((c, i) => {
      c.provider.on('connection-close', (event) => event && closeCodes[i].push(event.code))
    })
    await Promise.all(clients.map((c) => whenSynced(c.provider)))

    clients.forEach((c, i) => {
      for (let n = 0; n < EDITS_PER_CLIENT; n++) c.doc.getMap('m').set(`before-${i}-${n}`, n)
    })
    const before = clients.flatMap((_, i) => Array.from({ length: EDITS_PER_CLIENT }, (_, n) => `before-${i}-${n}`)).sort()
    // Once every client has every edit, the server has received them all.
    await vi.waitFor(() => clients.forEach((c) => expect(keysOf(c.doc)).toEqual(before)), { timeout: 10_000 })

    // The last client keeps editing through the shutdown, so that edits are in flight when it comes.
    let flowing = 0
    const flow = setInterval(() => clients[CLIENTS - 1].doc.getMap('m').set(`flow-${flowing++}`, true), FLOW_INTERVAL_MS)
    await vi.waitFor(() => expect(keysOf(clients[0].doc).some((k) => k.startsWith('flow-'))).toBe(true))
    first.child.kill('SIGTERM')
    expect(await exitOf(first.child)).toEqual({ code: 0, signal: null })
    clearInterval(flow)
    await vi.waitFor(() => closeCodes.forEach((codes) => expect(codes).toContain(CloseCode.ServiceRestart)), { timeout: 5_000 })
    // What another client received went through the server: it must be on disk.
    const relayed = keysOf(clients[0].doc)
    const stored = keysOf(await readStoredBoard(dataDir, board.boardId))
    expect(relayed.filter((key) => !stored.includes(key))).toEqual([])
    expect(stored).toEqual(expect.arrayContaining(before))
    // An edit made while the server is away is kept by its client and sent when it is back.
    clients[0].doc.getMap('m').set('while-away', true)

    const second = await serverProcess(dataDir, { PORT: String(first.port) })
    await vi.waitFor(() => clients.forEach((c) => expect(c.provider.synced).toBe(true)), { timeout: RECONNECT_WAIT_MS, interval: 50 })
    clients.forEach((c, i) => c.doc.getMap('m').set(`after-${i}`, true))
    const fresh = client(second.url, board)
    await whenSynced(fresh.provider)
    await vi.waitFor(
      () => {
        expect(converged([...clients, fresh].map((c) => c.doc))).toBe(true)
        const flowKeys = Array.from({ length: flowing }, (_, n) => `flow-${n}`)
        expect(keysOf(fresh.doc)).toEqual([...before, ...flowKeys, ...clients.map((_, i) => `after-${i}`), 'while-away'].sort())
      },
      { timeout: 10_000, interval: 50 },
    )
    // 1012 means "come back later": no client took it as final.
    expect(closeCodes.flat().filter((code) => code >= 4400 && code < 4500)).toEqual([])
  }, TEST_TIMEOUT_MS)
})
