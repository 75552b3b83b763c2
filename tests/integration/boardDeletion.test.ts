import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { newBoardId } from '../../protocol/boardId'
import { CloseCode } from '../../protocol/closeCodes'
import { facilitationRoomId, facilitationRoomName, privateRoomName, privateRoomPrefix } from '../../protocol/paths'
import { newToken, tokenHeader, type CreatedBoard } from '../../protocol/roles'
import { newAccess } from '../../server/access/boardAccess'
import { createSamenbordServer } from '../../server/app'
import { readConfig } from '../../server/config'
import { DAY_MS } from '../../server/retention'
import { SQLITE_FILE_NAME } from '../../server/store/createStore'
import { RedisBoardStore } from '../../server/store/redisStore'
import { startRedis } from '../../bench/lib/harness/redis'
import { createBoard, roomUrl, tempDataDir, whenSynced } from '../../bench/lib/harness/server'
import { useTeardown } from '../support/lifecycle'
import { redisContents, redisKeysWith, sqliteContents } from '../support/storeContents'

const { client, raw, defer } = useTeardown()

type Backend = 'sqlite' | 'redis'

/** A server of the given backend on port 0; `now` is the clock retention counts with. */
async function start(backend: Backend, env: Record<string, string> = {}, now: () => number = Date.now) {
  let redisUrl: string | null = null
  if (backend === 'redis') {
    const redis = await startRedis()
    defer(() => redis.child.kill('SIGKILL'))
    redisUrl = redis.url
  }
  const dataDir = tempDataDir()
  const server = createSamenbordServer(
    readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...(redisUrl ? { REDIS_URL: redisUrl } : {}), ...env }),
    undefined,
    { now },
  )
  const port = await server.listen()
  defer(() => server.close())
  const api = `http://127.0.0.1:${port}/api/boards`
  return {
    server,
    port,
    api,
    dataDir,
    redisUrl,
    url: `ws://127.0.0.1:${port}/sync`,
    /** Everything the store holds, as text (rows, keys, values; SQLite also its files' bytes). */
    contents: () => (redisUrl ? redisContents(redisUrl) : Promise.resolve(sqliteContents(join(dataDir, SQLITE_FILE_NAME)))),
    /** Store keys or table rows that name the id. */
    keysWith: async (id: string) =>
      redisUrl ? redisKeysWith(redisUrl, id) : sqliteContents(join(dataDir, SQLITE_FILE_NAME)).split('\n').filter((line) => line.includes(id)),
    remove: (board: CreatedBoard, token: string, headers: Record<string, string> = {}) =>
      fetch(`${api}/${board.boardId}`, { method: 'DELETE', headers: { ...tokenHeader(token), ...headers } }),
  }
}

/** Resolves with the code of the first connection close the server sends this provider. */
function closeCode(provider: { on: (e: 'connection-close', f: (event: { code: number } | null) => void) => void }): Promise<number> {
  return new Promise((resolve) => provider.on('connection-close', (event) => event && resolve(event.code)))
}

const text = (doc: Y.Doc, key: string, value: string) => doc.getMap('m').set(key, value)

for (const backend of ['sqlite', 'redis'] as const) {
  describe(`"Bord verwijderen" (${backend})`, () => {
    it('closes every connection with 4410, leaves nothing of the board in the store, refuses the id for good, and touches no other board', async () => {
      const s = await start(backend)
      const board = await createBoard(s.port)
      const other = await createBoard(s.port)
      const secret = `geheim-${newToken()}`
      const writerKey = newToken()

      // A facilitator in the facilitation room, a participant on the board and in a private room.
      const facilitator = client(s.url, board, new Y.Doc(), 'facilitator', facilitationRoomName(board.boardId))
      const participant = client(s.url, board)
      const privately = client(s.url, board, new Y.Doc(), 'participant', privateRoomName(board.boardId, writerKey))
      const elsewhere = client(s.url, other)
      await Promise.all([facilitator, participant, privately, elsewhere].map((c) => whenSynced(c.provider)))
      text(facilitator.doc, 'title', `titel ${secret}`)
      text(participant.doc, 'note', `notitie ${secret}`)
      text(privately.doc, 'note', `stil ${secret}`)
      text(elsewhere.doc, 'note', 'ander bord')
      const rooms = [board.boardId, facilitationRoomId(board.boardId), privateRoomPrefix(board.boardId) + writerKey]
      await vi.waitFor(async () => {
        for (const room of [...rooms, other.boardId]) expect(await s.server.store.logLength(room)).toBeGreaterThan(0)
      })
      const snapshot = await fetch(`${s.api}/${board.boardId}/snapshots`, {
        method: 'POST',
        headers: tokenHeader(board.tokens.facilitator),
        body: JSON.stringify({ name: `Na bijeenkomst ${secret}` }),
      })
      expect(snapshot.status).toBe(201)
      expect(await s.contents()).toContain(secret)

      // Only the facilitator, and only from our own pages (or a program, which sends no Origin).
      expect((await s.remove(board, board.tokens.participant)).status).toBe(403)
      expect((await s.remove(board, board.tokens.viewer)).status).toBe(403)
      expect((await s.remove(board, newToken())).status).toBe(403)
      const crossSite = { Origin: 'https://elders.example', 'Sec-Fetch-Site': 'cross-site' }
      expect((await s.remove(board, board.tokens.facilitator, crossSite)).status).toBe(403)
      expect((await s.remove({ ...board, boardId: newBoardId() }, board.tokens.facilitator)).status).toBe(404)
      expect(await s.server.store.loadAccess(board.boardId)).not.toBe('deleted')

      const codes = [facilitator, participant, privately].map((c) => closeCode(c.provider))
      const deleted = await s.remove(board, board.tokens.facilitator)
      expect(deleted.status).toBe(204)
      expect(await Promise.all(codes)).toEqual([CloseCode.BoardDeleted, CloseCode.BoardDeleted, CloseCode.BoardDeleted])
      for (const room of rooms) expect(s.server.relay.isLoaded(room)).toBe(false)

      // Nothing of the board is left: no key or row with its id, none of its text anywhere.
      expect(await s.keysWith(board.boardId)).toEqual([])
      const left = await s.contents()
      expect(left).not.toContain(board.boardId)
      expect(left).not.toContain(secret)
      expect(await s.server.store.loadAccess(board.boardId)).toBe('deleted')

      // The id is refused for good: the API answers 410 Gone to every link, a socket gets 4410.
      for (const token of [board.tokens.facilitator, board.tokens.participant, board.tokens.viewer]) {
        expect((await fetch(`${s.api}/${board.boardId}/role`, { headers: tokenHeader(token) })).status).toBe(410)
      }
      expect((await fetch(`${s.api}/${board.boardId}/snapshots`, { headers: tokenHeader(board.tokens.facilitator) })).status).toBe(410)
      expect((await fetch(`${s.api}?copyFrom=${board.boardId}`, { method: 'POST', headers: tokenHeader(board.tokens.facilitator) })).status).toBe(410)
      expect((await s.remove(board, board.tokens.facilitator)).status).toBe(410)
      for (const room of [board.boardId, facilitationRoomName(board.boardId), privateRoomName(board.boardId, writerKey)]) {
        const socket = raw(roomUrl(s.url, board, 'facilitator', room))
        expect((await socket.closed).code).toBe(CloseCode.BoardDeleted)
      }
      expect(await s.keysWith(board.boardId)).toEqual([])

      // The other board is untouched, for the one who has it open and for someone new.
      expect(elsewhere.provider.wsconnected).toBe(true)
      text(elsewhere.doc, 'later', 'nog steeds')
      const late = client(s.url, other)
      await whenSynced(late.provider)
      await vi.waitFor(() => expect(late.doc.getMap('m').toJSON()).toEqual({ note: 'ander bord', later: 'nog steeds' }))
      expect((await fetch(`${s.api}/${other.boardId}/role`, { headers: tokenHeader(other.tokens.viewer) })).status).toBe(200)
    })

    it('logs one line with the board id and nothing else', async () => {
      const s = await start(backend)
      const board = await createBoard(s.port)
      const c = client(s.url, board)
      await whenSynced(c.provider)
      text(c.doc, 'note', 'inhoud-die-niet-in-het-logboek-mag')
      await vi.waitFor(async () => expect(await s.server.store.logLength(board.boardId)).toBeGreaterThan(0))
      const lines: string[] = []
      const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
      const quiet = process.env.SAMENBORD_QUIET
      process.env.SAMENBORD_QUIET = '0'
      try {
        expect((await s.remove(board, board.tokens.facilitator)).status).toBe(204)
      } finally {
        process.env.SAMENBORD_QUIET = quiet
        spy.mockRestore()
      }
      const deletions = lines.filter((line) => line.includes('board deleted'))
      expect(deletions).toHaveLength(1)
      expect(JSON.parse(deletions[0])).toEqual({ time: expect.any(String), message: 'board deleted', boardId: board.boardId, by: 'facilitator' })
      for (const line of lines) {
        for (const token of Object.values(board.tokens)) expect(line).not.toContain(token)
        expect(line).not.toContain('inhoud-die-niet')
      }
    })
  })

  describe(`retention: BOARD_RETENTION_DAYS (${backend})`, () => {
    it('the sweep deletes boards nobody opened for that long, not one opened lately, not an open one, not an old one seen the first time', async () => {
      let now = Date.UTC(2026, 8, 1)
      const s = await start(backend, { BOARD_RETENTION_DAYS: '30' }, () => now)
      const forgotten = await createBoard(s.port)
      const lately = await createBoard(s.port)
      const open = await createBoard(s.port)
      // A board made before openings were recorded (only its links and content are stored).
      const older = newBoardId()
      await s.server.store.saveAccess(older, (await newAccess()).record)
      await s.server.store.append(older, Y.encodeStateAsUpdate(new Y.Doc()))
      for (const board of [forgotten, lately]) {
        const c = client(s.url, board)
        await whenSynced(c.provider)
        text(c.doc, 'note', 'iets')
        await vi.waitFor(async () => expect(await s.server.store.logLength(board.boardId)).toBeGreaterThan(0))
        c.provider.destroy()
      }
      const keep = client(s.url, open)
      await whenSynced(keep.provider)
      await vi.waitFor(() => expect(s.server.relay.isLoaded(forgotten.boardId)).toBe(false))

      // 31 days on: `lately` is opened again; `open` has been open all the time.
      now += 31 * DAY_MS
      const again = client(s.url, lately)
      await whenSynced(again.provider)
      again.provider.destroy()
      await vi.waitFor(async () => expect(await s.server.store.lastOpened(lately.boardId)).toBe(now))
      const role = await (await fetch(`${s.api}/${lately.boardId}/role`, { headers: tokenHeader(lately.tokens.facilitator) })).json()
      expect(role).toEqual({ role: 'facilitator', deleteAfter: now + 30 * DAY_MS })
      expect(await (await fetch(`${s.api}/${lately.boardId}/role`, { headers: tokenHeader(lately.tokens.participant) })).json()).toEqual({ role: 'participant' })

      expect(await s.server.retention.sweep()).toEqual([forgotten.boardId])
      expect(await s.server.store.loadAccess(forgotten.boardId)).toBe('deleted')
      expect(await s.keysWith(forgotten.boardId)).toEqual([])
      for (const board of [lately.boardId, open.boardId, older]) expect(await s.server.store.loadAccess(board)).not.toBe('deleted')
      expect(keep.provider.wsconnected).toBe(true)

      // Another 31 days: the old board (first seen at the last sweep) and `lately` go; `open` stays.
      now += 31 * DAY_MS
      expect((await s.server.retention.sweep()).sort()).toEqual([lately.boardId, older].sort())
      expect(await s.server.store.loadAccess(open.boardId)).not.toBe('deleted')
      expect(keep.provider.wsconnected).toBe(true)
      // Closed now, it counts from the last sweep that saw it open.
      keep.provider.destroy()
      await vi.waitFor(() => expect(s.server.relay.isOpen(open.boardId)).toBe(false))
      now += 29 * DAY_MS
      expect(await s.server.retention.sweep()).toEqual([])
      now += 2 * DAY_MS
      expect(await s.server.retention.sweep()).toEqual([open.boardId])
      for (const id of [forgotten.boardId, lately.boardId, older, open.boardId]) expect(await s.contents()).not.toContain(id)
    })
  })
}

describe('several instances on one Redis', () => {
  it('a deletion on one instance closes the rooms of the board on the others, and nothing of it comes back', async () => {
    const redis = await startRedis()
    defer(() => redis.child.kill('SIGKILL'))
    const instance = async () => {
      const server = createSamenbordServer(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDataDir(), REDIS_URL: redis.url }))
      const port = await server.listen()
      defer(() => server.close())
      return { server, port, url: `ws://127.0.0.1:${port}/sync` }
    }
    const [one, two] = [await instance(), await instance()]
    const board = await createBoard(one.port)
    const writerKey = newToken()
    const onTwo = client(two.url, board)
    const privateOnTwo = client(two.url, board, new Y.Doc(), 'participant', privateRoomName(board.boardId, writerKey))
    await Promise.all([whenSynced(onTwo.provider), whenSynced(privateOnTwo.provider)])
    text(onTwo.doc, 'note', 'op instantie twee')
    text(privateOnTwo.doc, 'note', 'stil op twee')
    await vi.waitFor(async () => {
      for (const room of [board.boardId, privateRoomPrefix(board.boardId) + writerKey]) expect(await two.server.store.logLength(room)).toBeGreaterThan(0)
    })
    const codes = [onTwo, privateOnTwo].map((c) => closeCode(c.provider))

    const res = await fetch(`http://127.0.0.1:${one.port}/api/boards/${board.boardId}`, { method: 'DELETE', headers: tokenHeader(board.tokens.facilitator) })
    expect(res.status).toBe(204)
    expect(await Promise.all(codes)).toEqual([CloseCode.BoardDeleted, CloseCode.BoardDeleted])
    await vi.waitFor(() => expect(two.server.relay.isOpen(board.boardId)).toBe(false))
    await new Promise((resolve) => setTimeout(resolve, 200)) // whatever two had on its way
    expect(await redisKeysWith(redis.url, board.boardId)).toEqual([])
    expect(await redisContents(redis.url)).not.toContain('op instantie twee')
  })

  it('an instance that missed the news cannot write the board back: the write is refused and its rooms are dropped', async () => {
    const redis = await startRedis()
    defer(() => redis.child.kill('SIGKILL'))
    const store = new RedisBoardStore(redis.url, () => undefined)
    defer(() => store.close())
    const heard: string[] = []
    store.onBoardDeleted((boardId) => heard.push(boardId))
    const board = newBoardId()
    await store.saveAccess(board, (await newAccess()).record)
    await store.append(board, Y.encodeStateAsUpdate(new Y.Doc()))
    await store.deleteBoard(board) // its own news it does not hear
    const doc = new Y.Doc()
    doc.getMap('m').set('note', 'te laat')
    await store.append(privateRoomPrefix(board) + 'a'.repeat(22), Y.encodeStateAsUpdate(doc))
    await store.saveSnapshot(board, { id: 's1', name: 'te laat', createdAt: 1, state: Y.encodeStateAsUpdate(doc) })
    await store.touchBoard(board, 1)
    expect(heard).toEqual([board])
    expect(await redisKeysWith(redis.url, board)).toEqual([])
    expect(await redisContents(redis.url)).not.toContain('te laat')
  })
})

describe('`npm run delete-board`: IT deletes a board without the facilitator link', () => {
  const run = promisify(execFile)
  const deleteBoardScript = (arg: string, env: Record<string, string>) =>
    run('npm', ['run', '--silent', 'delete-board', '--', arg], { env: { ...process.env, SAMENBORD_QUIET: '1', ...env } })

  it('SQLite: by a link of the board, while the server runs and nobody has the board open', async () => {
    const s = await start('sqlite')
    const board = await createBoard(s.port)
    const c = client(s.url, board)
    await whenSynced(c.provider)
    text(c.doc, 'note', 'weg ermee')
    await vi.waitFor(async () => expect(await s.server.store.logLength(board.boardId)).toBeGreaterThan(0))
    c.provider.destroy()
    await vi.waitFor(() => expect(s.server.relay.isOpen(board.boardId)).toBe(false))
    const env = { DATA_DIR: s.dataDir }

    const { stdout } = await deleteBoardScript(`http://127.0.0.1:${s.port}/b/${board.boardId}#t=${board.tokens.viewer}`, env)
    expect(stdout).toContain(`${board.boardId} is deleted`)
    expect((await fetch(`${s.api}/${board.boardId}/role`, { headers: tokenHeader(board.tokens.facilitator) })).status).toBe(410)
    expect(await s.contents()).not.toContain(board.boardId)
    expect((await deleteBoardScript(board.boardId, env)).stdout).toContain('deleted already')
    await expect(deleteBoardScript(newBoardId(), env)).rejects.toMatchObject({ code: 1 })
    await expect(deleteBoardScript('geen-bord', env)).rejects.toMatchObject({ code: 1 })
  })

  it('Redis: the running instances close the board at once', async () => {
    const s = await start('redis')
    const board = await createBoard(s.port)
    const c = client(s.url, board)
    await whenSynced(c.provider)
    text(c.doc, 'note', 'weg ermee')
    await vi.waitFor(async () => expect(await s.server.store.logLength(board.boardId)).toBeGreaterThan(0))
    const code = closeCode(c.provider)
    await deleteBoardScript(board.boardId, { REDIS_URL: s.redisUrl! })
    expect(await code).toBe(CloseCode.BoardDeleted)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await s.keysWith(board.boardId)).toEqual([])
  })
})

describe('configuration', () => {
  it('BOARD_RETENTION_DAYS is 365 unless set, and at least 1', () => {
    expect(readConfig({}).boardRetentionDays).toBe(365)
    expect(readConfig({ BOARD_RETENTION_DAYS: '30' }).boardRetentionDays).toBe(30)
    expect(() => readConfig({ BOARD_RETENTION_DAYS: '0' })).toThrow(/BOARD_RETENTION_DAYS/)
    expect(() => readConfig({ BOARD_RETENTION_DAYS: 'een jaar' })).toThrow(/BOARD_RETENTION_DAYS/)
  })
})
