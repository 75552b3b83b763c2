import { describe, expect, it, vi } from 'vitest'
import { newBoardId } from '../../protocol/boardId'
import { CloseCode } from '../../protocol/closeCodes'
import { closeClient } from '../../bench/lib/harness/clients'
import { useTeardown } from '../support/lifecycle'
import { connectClient, createBoard, roomUrl, tempDataDir, whenSynced } from '../../bench/lib/harness/server'

const { server, serverProcess, client, raw } = useTeardown()

describe('relay server with real y-websocket clients', () => {
  it('two clients on one board converge, both ways', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const a = client(url, board)
    const b = client(url, board)
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])
    a.doc.getMap('m').set('from-a', 1)
    b.doc.getArray('list').push(['from-b'])
    await vi.waitFor(() => {
      expect(b.doc.getMap('m').get('from-a')).toBe(1)
      expect(a.doc.getArray('list').toArray()).toEqual(['from-b'])
    })
  })

  it('relays messages of every websocket frame length form intact (7-bit, 16-bit and 64-bit lengths)', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const a = client(url, board)
    const b = client(url, board)
    const c = client(url, board)
    await Promise.all([a, b, c].map((x) => whenSynced(x.provider)))
    // One broadcast frame is shared by all recipients (server/http/sharedFrames.ts): both get it whole.
    // The last one is above MAX_SHARED_FRAME_BYTES and goes through ws.send.
    const texts = [10, 1_000, 70_000, 300_000].map((n, i) => String.fromCharCode(97 + i).repeat(n))
    for (const [i, text] of texts.entries()) a.doc.getMap('m').set(`t${i}`, text)
    await vi.waitFor(() => {
      for (const reader of [b, c]) expect(texts.map((_, i) => reader.doc.getMap('m').get(`t${i}`))).toEqual(texts)
    })
  })

  it('keeps the board after a restart, and nothing of one board reaches another', async () => {
    const first = await server()
    const board = await createBoard(first.port)
    const other = await createBoard(first.port)
    const a = connectClient(first.url, board)
    const o = connectClient(first.url, other)
    await Promise.all([whenSynced(a.provider), whenSynced(o.provider)])
    a.doc.getMap('m').set('kept', 'ja')
    o.doc.getMap('m').set('secret', 'other board')
    await vi.waitFor(async () => expect(await first.server.store.logLength(board.boardId)).toBeGreaterThan(0))
    closeClient(a)
    closeClient(o)
    await first.server.close()

    const second = await server({ DATA_DIR: first.dataDir })
    const b = client(second.url, board)
    await whenSynced(b.provider)
    expect(b.doc.getMap('m').get('kept')).toBe('ja')
    expect(b.doc.getMap('m').has('secret')).toBe(false)
  })

  it('an edit that was relayed survives kill -9 of the server process', async () => {
    const dataDir = tempDataDir()
    const first = await serverProcess(dataDir)
    const board = await createBoard(first.port)
    const writer = client(first.url, board)
    const reader = client(first.url, board)
    await Promise.all([whenSynced(writer.provider), whenSynced(reader.provider)])
    for (let i = 0; i < 20; i++) writer.doc.getArray('edits').push([i])
    await vi.waitFor(() => expect(reader.doc.getArray('edits').length).toBe(20))
    first.child.kill('SIGKILL')
    writer.provider.destroy()
    reader.provider.destroy()

    const second = await serverProcess(dataDir)
    const late = client(second.url, board)
    await whenSynced(late.provider)
    expect(late.doc.getArray('edits').toArray()).toEqual([...Array(20).keys()])
  })

  it('a garbage message closes only that socket; the server and other clients carry on', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const a = client(url, board)
    const b = client(url, board)
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])
    const garbage = [
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]),
      new Uint8Array([0, 2, 200, 1, 7]), // an update that claims more bytes than it has
      new Uint8Array([1, 5, 1, 2, 3]), // a broken awareness message
    ]
    for (const frame of garbage) {
      const evil = raw(roomUrl(url, board))
      await evil.admitted
      evil.ws.send(frame)
      expect((await evil.closed).code).toBe(CloseCode.MalformedMessage)
    }
    const health = await fetch(`http://127.0.0.1:${port}/healthz`)
    expect(health.status).toBe(200)
    expect((await health.json()).ok).toBe(true)
    a.doc.getMap('m').set('still', 'working')
    await vi.waitFor(() => expect(b.doc.getMap('m').get('still')).toBe('working'))
  })

  it('rejects a board id with the wrong format cleanly (terminal close code)', async () => {
    const { url } = await server()
    for (const bad of ['short', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(200), 'AAAAAAAAAAAAAAAAAAAAA!']) {
      const s = raw(`${url}/${bad}`)
      expect((await s.closed).code).toBe(CloseCode.UnknownBoard)
    }
  })

  it('refuses a well-formed id that no board was created with (terminal close code), with or without a token', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const never = newBoardId()
    expect((await raw(`${url}/${never}`).closed).code).toBe(CloseCode.UnknownBoard)
    // Another board's valid token does not open it either.
    expect((await raw(roomUrl(url, board, 'facilitator', never)).closed).code).toBe(CloseCode.UnknownBoard)
  })

  it('refuses a websocket from a foreign origin', async () => {
    const { url, port } = await server()
    const s = raw(roomUrl(url, await createBoard(port)), { Origin: 'https://evil.example' })
    expect((await s.closed).code).toBe(CloseCode.OriginNotAllowed)
  })

  it('closes a message over the size limit with its own code (1009, from ws) and keeps the board', async () => {
    const { url, port } = await server({ MAX_MESSAGE_BYTES: '4096' })
    const board = await createBoard(port)
    const a = client(url, board)
    await whenSynced(a.provider)
    a.doc.getMap('m').set('small', 'ok')
    const big = raw(roomUrl(url, board))
    await big.admitted
    big.ws.send(new Uint8Array(6000))
    expect((await big.closed).code).toBe(CloseCode.MessageTooBig)
    const b = client(url, board)
    await whenSynced(b.provider)
    expect(b.doc.getMap('m').get('small')).toBe('ok')
  })

  it('removes the presence of a client that leaves, for everyone', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const a = client(url, board)
    const b = client(url, board)
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])
    a.provider.awareness.setLocalStateField('user', { name: 'Anna' })
    const aId = a.doc.clientID
    await vi.waitFor(() => expect(b.provider.awareness.getStates().get(aId)).toEqual({ user: { name: 'Anna' } }))
    a.provider.destroy()
    await vi.waitFor(() => expect(b.provider.awareness.getStates().has(aId)).toBe(false))
  })

  it('unloads a board when its last client leaves and compacts its log', async () => {
    const { url, port, server: s } = await server()
    const board = await createBoard(port)
    const a = client(url, board)
    await whenSynced(a.provider)
    for (let i = 0; i < 50; i++) a.doc.getMap('m').set('k', i)
    await vi.waitFor(async () => expect(await s.store.logLength(board.boardId)).toBeGreaterThanOrEqual(50))
    closeClient(a)
    await vi.waitFor(async () => {
      const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()
      expect(health.loadedBoards).toBe(0)
      expect(await s.store.logLength(board.boardId)).toBe(1)
    })
    const b = client(url, board)
    await whenSynced(b.provider)
    expect(b.doc.getMap('m').get('k')).toBe(49)
  })

  it('answers a client only after the board is loaded (no empty first sync)', async () => {
    const first = await server()
    const board = await createBoard(first.port)
    const a = connectClient(first.url, board)
    await whenSynced(a.provider)
    a.doc.getMap('m').set('seeded', true)
    await vi.waitFor(async () => expect(await first.server.store.logLength(board.boardId)).toBeGreaterThan(0))
    closeClient(a)
    await first.server.close()
    const second = await server({ DATA_DIR: first.dataDir })
    const b = client(second.url, board)
    let sawEmptySync = false
    b.provider.on('sync', (synced: boolean) => {
      if (synced && !b.doc.getMap('m').has('seeded')) sawEmptySync = true
    })
    await whenSynced(b.provider)
    expect(sawEmptySync).toBe(false)
    expect(b.doc.getMap('m').get('seeded')).toBe(true)
  })
})

