import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { newBoardId } from '../../protocol/boardId'
import { CloseCode } from '../../protocol/closeCodes'
import { ROOM_META_MAP, UNREADABLE_UPDATES_KEY } from '../../protocol/facilitationRoom'
import { facilitationRoomName } from '../../protocol/paths'
import { MAX_VALUE_DEPTH } from '../../protocol/inspectUpdate'
import { MAX_CLIENT_IDS_PER_CONNECTION } from '../../server/relay/presenceOwners'
import { SQLITE_FILE_NAME } from '../../server/store/createStore'
import { SqliteBoardStore } from '../../server/store/sqliteStore'
import { closeClient } from '../../bench/lib/harness/clients'
import { manyEntriesUpdate, nestedValueUpdate } from '../../bench/lib/harness/hostileUpdates'
import { awarenessFrame, updateFrame } from '../../bench/lib/harness/rawFrames'
import { useTeardown } from '../support/lifecycle'
import { createBoard, roomUrl, startServer, tempDataDir, whenSynced } from '../../bench/lib/harness/server'

const teardown = useTeardown()
const { server, client, raw, defer } = teardown
/** A raw socket that sends `frames` once open and resolves with how it was closed. */
async function sendRaw(url: string, frames: Uint8Array[]) {
  const socket = raw(url)
  await socket.opened
  for (const frame of frames) socket.ws.send(frame)
  return socket.closed
}
const notes = (doc: Y.Doc) => doc.getMap<string>('notes')

describe('hostile input cannot destroy a board', () => {
  it('refuses a value nested too deep (4422): the board stays readable for fresh clients and after a restart', async () => {
    const dataDir = tempDataDir()
    const first = await startServer({ DATA_DIR: dataDir })
    const board = await createBoard(first.port)
    const writer = client(first.url, board)
    await whenSynced(writer.provider)
    notes(writer.doc).set('n1', 'de notities van de bijeenkomst')
    for (const depth of [MAX_VALUE_DEPTH + 1, 300, 7_000, 100_000]) {
      const { code } = await sendRaw(roomUrl(first.url, board), [updateFrame(nestedValueUpdate(depth))])
      expect(code, `depth ${depth}`).toBe(CloseCode.UpdateRefused)
    }
    // A value just within the limit is an ordinary edit.
    expect(await Promise.race([sendRaw(roomUrl(first.url, board), [updateFrame(nestedValueUpdate(MAX_VALUE_DEPTH))]), new Promise((r) => setTimeout(() => r('open'), 500))])).toBe('open')
    const fresh = client(first.url, board)
    await whenSynced(fresh.provider)
    expect(notes(fresh.doc).get('n1')).toBe('de notities van de bijeenkomst')
    closeClient(writer)
    closeClient(fresh)
    await first.server.close()
    const second = await server({ DATA_DIR: dataDir })
    const later = client(second.url, board)
    await whenSynced(later.provider)
    expect(notes(later.doc).get('n1')).toBe('de notities van de bijeenkomst')
  })

  it('keeps a stored update it cannot read, never compacts over it, opens the rest and tells the facilitator', async () => {
    const dataDir = tempDataDir()
    const first = await startServer({ DATA_DIR: dataDir, COMPACT_AFTER_UPDATES: '2' })
    const board = await createBoard(first.port)
    const writer = client(first.url, board)
    await whenSynced(writer.provider)
    notes(writer.doc).set('n1', 'bewaard')
    await vi.waitFor(() => expect(first.server.store.logLength(board.boardId)).toBeGreaterThan(0))
    closeClient(writer)
    await first.server.close()
    // What an older server accepted and stored: a value nested 7,000 deep.
    const store = new SqliteBoardStore(join(dataDir, SQLITE_FILE_NAME))
    store.append(board.boardId, nestedValueUpdate(7_000))
    await store.close()

    const second = await server({ DATA_DIR: dataDir, COMPACT_AFTER_UPDATES: '2' })
    const rows = () => second.server.store.logLength(board.boardId) as number
    const reader = client(second.url, board)
    await whenSynced(reader.provider)
    expect(notes(reader.doc).get('n1')).toBe('bewaard')
    const stored = rows()
    // Enough edits to compact twice over; the board is written and unloaded too.
    for (let i = 0; i < 6; i++) notes(reader.doc).set(`extra${i}`, 'nieuw')
    await vi.waitFor(() => expect(rows()).toBe(stored + 6))
    const facilitator = { doc: new Y.Doc(), provider: null as unknown as WebsocketProvider }
    facilitator.provider = new WebsocketProvider(second.url, facilitationRoomName(board.boardId), facilitator.doc, {
      WebSocketPolyfill: WebSocket as never,
      disableBc: true,
      params: { t: board.tokens.facilitator },
    })
    defer(() => closeClient(facilitator))
    await whenSynced(facilitator.provider)
    await vi.waitFor(() => expect(facilitator.doc.getMap(ROOM_META_MAP).get(UNREADABLE_UPDATES_KEY)).toBe(1))
    closeClient(reader)
    await vi.waitFor(() => expect(second.server.relay.isLoaded(board.boardId)).toBe(false))
    expect(rows()).toBe(stored + 6) // not compacted: the unreadable row is still there
    const loaded = await second.server.store.load(board.boardId)
    expect(loaded.some((row) => row.byteLength === nestedValueUpdate(7_000).byteLength)).toBe(true)
    // A copy and a snapshot of the unloaded board read it as a load does: everything but that row.
    const api = `http://127.0.0.1:${second.port}/api/boards`
    const copyRes = await fetch(`${api}?copyFrom=${board.boardId}&t=${board.tokens.facilitator}`, { method: 'POST' })
    expect(copyRes.status).toBe(201)
    const copy = client(second.url, (await copyRes.json()) as typeof board)
    await whenSynced(copy.provider)
    expect(notes(copy.doc).get('n1')).toBe('bewaard')
    const snapshot = await fetch(`${api}/${board.boardId}/snapshots?t=${board.tokens.facilitator}`, { method: 'POST', body: JSON.stringify({ name: 'na' }) })
    expect(snapshot.status).toBe(201)
  })

  it('refuses nested shared types and sub-documents (4422)', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const nested = new Y.Doc()
    nested.getMap('m').set('inner', new Y.Map())
    expect((await sendRaw(roomUrl(url, board), [updateFrame(Y.encodeStateAsUpdate(nested))])).code).toBe(CloseCode.UpdateRefused)
  })

  it('refuses one change with more items than one message may bring (4422)', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    expect((await sendRaw(roomUrl(url, board), [updateFrame(manyEntriesUpdate(20_000))])).code).toBe(CloseCode.UpdateRefused)
  })

  it('bounds a board by its cost in memory, not its bytes (4414), and keeps what it has', async () => {
    const { url, port } = await server({ MAX_BOARD_MEMORY_BYTES: String(8 * 1024 * 1024) })
    const board = await createBoard(port)
    const writer = client(url, board)
    await whenSynced(writer.provider)
    notes(writer.doc).set('n1', 'blijft')
    let code = 0
    for (let round = 0; round < 40 && code === 0; round++) {
      const socket = raw(roomUrl(url, board))
      await socket.opened
      socket.ws.send(updateFrame(manyEntriesUpdate(5_000, { client: 1000 + round })))
      code = await Promise.race([socket.closed.then((c) => c.code), new Promise<number>((r) => setTimeout(() => r(0), 300))])
      socket.ws.close()
    }
    expect(code).toBe(CloseCode.BoardTooBig)
    const fresh = client(url, board)
    await whenSynced(fresh.provider)
    expect(notes(fresh.doc).get('n1')).toBe('blijft')
  })

  it('a full server says "try again later" (1013) instead of running out of memory, and serves the boards it has', async () => {
    const { url, port, server: s } = await server({ MAX_BOARD_MEMORY_BYTES: String(16 * 1024 * 1024), MAX_LOADED_MEMORY_BYTES: String(24 * 1024 * 1024) })
    const boards = await Promise.all([createBoard(port), createBoard(port), createBoard(port)])
    const codes: number[] = []
    const holders: Array<ReturnType<typeof client>> = []
    for (const [i, board] of boards.entries()) {
      const holder = client(url, board) // keeps the board loaded
      holders.push(holder)
      await whenSynced(holder.provider)
      for (let round = 0; round < 10; round++) {
        const socket = raw(roomUrl(url, board))
        await socket.opened
        socket.ws.send(updateFrame(manyEntriesUpdate(4_000, { client: 100 * i + round, firstKey: 4_000 * round })))
        codes.push(await Promise.race([socket.closed.then((c) => c.code), new Promise<number>((r) => setTimeout(() => r(0), 400))]))
        socket.ws.close()
      }
    }
    expect(codes).toContain(CloseCode.TryAgainLater)
    expect(s.relay.memory.usedBytes).toBeLessThanOrEqual(s.relay.memory.limitBytes)
    // The boards that are loaded still work for their participants.
    notes(holders[0].doc).set('ok', 'ja')
    const other = client(url, boards[0])
    await vi.waitFor(() => expect(notes(other.doc).get('ok')).toBe('ja'))
  })
})

describe('no board without a link, no place without a token', () => {
  it('refuses a never-created board id (4404), stores nothing and loads no room', async () => {
    const { url, server: s, port } = await server()
    const boardId = newBoardId()
    const stranger = client(url, boardId)
    const closed = await new Promise<number>((resolve) => stranger.provider.on('connection-close', (e: { code: number } | null) => e && resolve(e.code)))
    expect(closed).toBe(CloseCode.UnknownBoard)
    expect((await sendRaw(`${url}/${boardId}?t=${'A'.repeat(22)}`, [updateFrame(manyEntriesUpdate(10))])).code).toBe(CloseCode.UnknownBoard)
    expect(s.relay.isLoaded(boardId)).toBe(false)
    expect(await s.store.roomCount(boardId)).toBe(0)
    expect((await fetch(`http://127.0.0.1:${port}/api/boards/${boardId}/role`)).status).toBe(404)
  })

  it('sockets without a token take no place: honest participants still join, and a full board lets them retry (1013)', async () => {
    const { url, port } = await server({ MAX_CONNECTIONS_PER_BOARD: '4', MAX_CONNECTIONS_PER_IP: '6' })
    const board = await createBoard(port)
    const strangers = Array.from({ length: 40 }, () => raw(`${url}/${board.boardId}`))
    const codes = await Promise.all(strangers.map((s) => s.closed.then((c) => c.code)))
    expect(new Set(codes)).toEqual(new Set([CloseCode.Forbidden]))
    const honest = Array.from({ length: 4 }, () => client(url, board))
    await Promise.all(honest.map((c) => whenSynced(c.provider)))
    // One more is told to come back later — and does so by itself once a place is free.
    const late = client(url, board)
    const lateCode = await new Promise<number>((resolve) => late.provider.on('connection-close', (e: { code: number } | null) => e && resolve(e.code)))
    expect(lateCode).toBe(CloseCode.TryAgainLater)
    closeClient(honest[0])
    await whenSynced(late.provider)
  })
})

describe('presence has a budget per connection', () => {
  it(`closes a connection that introduces more than ${MAX_CLIENT_IDS_PER_CONNECTION} presence ids (4432); nobody keeps them`, async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const watcher = client(url, board, new Y.Doc(), 'viewer')
    await whenSynced(watcher.provider)
    const big = JSON.stringify({ junk: 'x'.repeat(60_000) })
    const frames = Array.from({ length: 40 }, (_, i) => awarenessFrame([{ clientId: 9000 + i, clock: 1, json: big }]))
    expect((await sendRaw(roomUrl(url, board, 'viewer'), frames)).code).toBe(CloseCode.TooMuchPresence)
    await vi.waitFor(() => expect([...watcher.provider.awareness.getStates().keys()].filter((id) => id >= 9000 && id < 9040)).toEqual([]))
    const joiner = client(url, board)
    await whenSynced(joiner.provider)
    expect([...joiner.provider.awareness.getStates().keys()].filter((id) => id >= 9000 && id < 9040)).toEqual([])
  })

  it('closes a connection whose presence grows past its byte budget (4432)', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const frames = [1, 2].map((i) => awarenessFrame([{ clientId: 7000 + i, clock: 1, json: JSON.stringify({ x: 'y'.repeat(40_000) }) }]))
    expect((await sendRaw(roomUrl(url, board), frames)).code).toBe(CloseCode.TooMuchPresence)
  })

  it('refuses presence nested deeper than a cursor needs (4400)', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const deep = '['.repeat(5_000) + ']'.repeat(5_000)
    expect((await sendRaw(roomUrl(url, board), [awarenessFrame([{ clientId: 5, clock: 1, json: deep }])])).code).toBe(CloseCode.MalformedMessage)
  })
})

describe('messages', () => {
  it('ws refuses a message over the limit itself (1009) before buffering more than the limit', async () => {
    const { url, port } = await server({ MAX_MESSAGE_BYTES: String(64 * 1024) })
    const board = await createBoard(port)
    const justOver = new Uint8Array(64 * 1024 + 1)
    expect((await sendRaw(roomUrl(url, board), [justOver])).code).toBe(CloseCode.MessageTooBig)
  })

  it('a view-only link that sends a huge change is refused at once (4403), without the server building it', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    expect((await sendRaw(roomUrl(url, board, 'viewer'), [updateFrame(manyEntriesUpdate(9_000))])).code).toBe(CloseCode.Forbidden)
  })
})

describe('creating boards', () => {
  it('only from our own pages: another website cannot make a browser create boards (403)', async () => {
    const { port } = await server()
    const api = `http://127.0.0.1:${port}/api/boards`
    expect((await fetch(api, { method: 'POST', headers: { Origin: 'http://kwaadaardig.example' } })).status).toBe(403)
    expect((await fetch(api, { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403)
    expect((await fetch(api, { method: 'POST', headers: { Origin: `http://127.0.0.1:${port}` } })).status).toBe(201)
  })

  it('spending the new-board budget of an address leaves copies and snapshots of existing boards alone', async () => {
    const { port } = await server({ MAX_CREATIONS_PER_IP_PER_HOUR: '2' })
    const board = await createBoard(port)
    await createBoard(port)
    expect((await fetch(`http://127.0.0.1:${port}/api/boards`, { method: 'POST' })).status).toBe(429)
    const snapshot = await fetch(`http://127.0.0.1:${port}/api/boards/${board.boardId}/snapshots?t=${board.tokens.facilitator}`, { method: 'POST', body: JSON.stringify({ name: 'na de bijeenkomst' }) })
    expect(snapshot.status).toBe(201)
    const copy = await fetch(`http://127.0.0.1:${port}/api/boards?copyFrom=${board.boardId}&t=${board.tokens.facilitator}`, { method: 'POST' })
    expect(copy.status).toBe(201)
  })

  it('behind a proxy (TRUST_PROXY) counts each participant by the address the proxy saw; without it the header proves nothing', async () => {
    const post = (port: number, forwardedFor: string) => fetch(`http://127.0.0.1:${port}/api/boards`, { method: 'POST', headers: { 'X-Forwarded-For': forwardedFor } }).then((r) => r.status)
    const direct = await server({ MAX_CREATIONS_PER_IP_PER_HOUR: '1' })
    expect([await post(direct.port, '10.0.0.1'), await post(direct.port, '10.0.0.2')]).toEqual([201, 429])
    const proxied = await server({ MAX_CREATIONS_PER_IP_PER_HOUR: '1', TRUST_PROXY: '1' })
    // The last entry is the proxy's; what the client wrote before it is ignored.
    expect([await post(proxied.port, '10.0.0.1'), await post(proxied.port, '10.0.0.2'), await post(proxied.port, 'spoofed, 10.0.0.1')]).toEqual([201, 201, 429])
  })
})

describe('a store that fails or is locked', () => {
  it('does not hold the event loop while the database is locked, and stores and relays the edit later, also when its writer left', async () => {
    const dataDir = tempDataDir()
    const { url, port, server: s } = await server({ DATA_DIR: dataDir })
    const board = await createBoard(port)
    const writer = client(url, board)
    const reader = client(url, board)
    await Promise.all([whenSynced(writer.provider), whenSynced(reader.provider)])
    const { default: Database } = await import('better-sqlite3')
    const locker = new Database(join(dataDir, SQLITE_FILE_NAME))
    defer(() => locker.close())
    locker.exec('BEGIN EXCLUSIVE')
    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    notes(writer.doc).set('n1', 'tijdens het slot')
    await vi.waitFor(() => expect(writer.provider.wsconnected).toBe(false)) // told: storage unavailable
    closeClient(writer) // and gone before the store works again
    await new Promise((resolve) => setTimeout(resolve, 1500)) // a few retries meet the lock
    delay.disable()
    expect(notes(reader.doc).get('n1')).toBeUndefined() // nothing unstored is relayed
    locker.exec('COMMIT')
    await vi.waitFor(() => expect(notes(reader.doc).get('n1')).toBe('tijdens het slot'), { timeout: 5000 })
    // The old store waited up to 5 s per statement on the event loop; now a locked write fails fast.
    expect(delay.max / 1e6).toBeLessThan(1000)
    const onDisk = new Y.Doc()
    for (const update of await s.store.load(board.boardId)) Y.applyUpdate(onDisk, update)
    expect(notes(onDisk).get('n1')).toBe('tijdens het slot')
  })
})

describe('a server with little memory', () => {
  it('six boards filled to the limit do not kill a server started with --max-old-space-size=512', async () => {
    const dataDir = tempDataDir()
    const { serverProcess } = teardown
    const proc = await serverProcess(dataDir, { NODE_OPTIONS: '--max-old-space-size=512' })
    const boards = await Promise.all(Array.from({ length: 6 }, () => createBoard(proc.port)))
    const codes = new Set<number>()
    for (const [i, board] of boards.entries()) {
      // A reader keeps the board loaded (it reads and drops what it gets, as a browser tab would).
      const holder = raw(roomUrl(proc.url, board, 'viewer'))
      await holder.opened
      // More than the board may hold, in one go; the connection is closed at the first refusal.
      const socket = raw(roomUrl(proc.url, board))
      await socket.opened
      for (let round = 0; round < 40; round++) socket.ws.send(updateFrame(manyEntriesUpdate(4_500, { client: 1000 * i + round, firstKey: 4_500 * round })))
      codes.add((await socket.closed).code)
    }
    expect(proc.child.exitCode).toBeNull()
    expect([...codes].every((c) => c === CloseCode.BoardTooBig || c === CloseCode.TryAgainLater)).toBe(true)
    expect(codes.has(CloseCode.TryAgainLater)).toBe(true) // the server-wide budget, not the heap, said no
    const health = (await (await fetch(`http://127.0.0.1:${proc.port}/healthz`)).json()) as { boardMemory: { usedBytes: number; limitBytes: number } }
    expect(health.boardMemory.usedBytes).toBeLessThanOrEqual(health.boardMemory.limitBytes)
  }, 90_000)
})
