import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { facilitationRoomId, facilitationRoomName } from '../../protocol/paths'
import type { CreatedBoard } from '../../protocol/roles'
import { startServer, whenSynced } from '../support/server'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup() {
  const s = await startServer()
  cleanups.push(() => s.server.close())
  const api = `http://127.0.0.1:${s.port}/api`
  const create = async (query = '') =>
    (await (await fetch(`${api}/boards${query}`, { method: 'POST' })).json()) as CreatedBoard
  const join = (board: CreatedBoard, token = board.tokens.facilitator, room = board.boardId) => {
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(s.url, room, doc, {
      WebSocketPolyfill: WebSocket as never,
      disableBc: true,
      params: { t: token },
    })
    cleanups.push(() => provider.destroy())
    return { doc, provider }
  }
  /** Waits until the server has stored at least `n` updates of the board (or of another of its rooms). */
  const stored = (board: CreatedBoard, n = 1, roomId = board.boardId) =>
    vi.waitFor(async () => expect(await s.server.store.logLength(roomId)).toBeGreaterThanOrEqual(n))
  return { api, create, join, stored }
}

describe('board API: snapshots and copies', () => {
  it('saves a named snapshot of the live board and gives it back, to the facilitator only', async () => {
    const { api, create, join, stored } = await setup()
    const board = await create()
    const a = join(board)
    await whenSynced(a.provider)
    a.doc.getArray('tl_records').push([{ key: 'shape:1', val: 'eerste' }])
    await stored(board)
    const saved = await fetch(`${api}/boards/${board.boardId}/snapshots?t=${board.tokens.facilitator}`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Na bijeenkomst 3' }),
    })
    expect(saved.status).toBe(201)
    const info = (await saved.json()) as { id: string; name: string }
    expect(info.name).toBe('Na bijeenkomst 3')
    const list = await (await fetch(`${api}/boards/${board.boardId}/snapshots?t=${board.tokens.facilitator}`)).json()
    expect(list).toEqual([expect.objectContaining({ id: info.id, name: 'Na bijeenkomst 3' })])
    a.doc.getArray('tl_records').push([{ key: 'shape:2', val: 'later' }])

    const state = new Uint8Array(
      await (await fetch(`${api}/boards/${board.boardId}/snapshots/${info.id}?t=${board.tokens.facilitator}`)).arrayBuffer(),
    )
    const restored = new Y.Doc()
    Y.applyUpdate(restored, state)
    expect(restored.getArray('tl_records').toJSON()).toEqual([{ key: 'shape:1', val: 'eerste' }])

    for (const token of [board.tokens.participant, board.tokens.viewer, 'x']) {
      const res = await fetch(`${api}/boards/${board.boardId}/snapshots?t=${token}`)
      expect(res.status).toBe(403)
    }
    const noName = await fetch(`${api}/boards/${board.boardId}/snapshots?t=${board.tokens.facilitator}`, { method: 'POST', body: '{}' })
    expect(noName.status).toBe(400)
  })

  it('copies a board for the next meeting, with new links, only for its facilitator', async () => {
    const { create, join, stored } = await setup()
    const board = await create()
    const a = join(board)
    const aLeiding = join(board, board.tokens.facilitator, facilitationRoomName(board.boardId))
    await Promise.all([whenSynced(a.provider), whenSynced(aLeiding.provider)])
    aLeiding.doc.getMap('facilitation').set('title', 'PLG week 1')
    a.doc.getArray('tl_records').push([{ key: 'shape:1', val: 'notitie' }])
    await stored(board, 1)
    await stored(board, 1, facilitationRoomId(board.boardId))
    const refused = await create(`?copyFrom=${board.boardId}&t=${board.tokens.participant}`)
    expect(refused.boardId).toBeUndefined()
    const copy = await create(`?copyFrom=${board.boardId}&t=${board.tokens.facilitator}`)
    expect(copy.boardId).not.toBe(board.boardId)
    expect(copy.tokens.facilitator).not.toBe(board.tokens.facilitator)
    const b = join(copy)
    const bLeiding = join(copy, copy.tokens.facilitator, facilitationRoomName(copy.boardId))
    await Promise.all([whenSynced(b.provider), whenSynced(bLeiding.provider)])
    expect(bLeiding.doc.getMap('facilitation').get('title')).toBe('PLG week 1')
    expect(b.doc.getArray('tl_records').length).toBe(1)
    // The copy is its own board: a change there does not reach the original.
    b.doc.getArray('tl_records').push([{ key: 'shape:2', val: 'alleen in kopie' }])
    const original = join(board)
    await whenSynced(original.provider)
    expect(original.doc.getArray('tl_records').length).toBe(1)
  })
})

describe('creation budget per address', () => {
  it('answers 429 with Retry-After once an address has created its hourly budget, and nothing is made', async () => {
    const s = await startServer({ MAX_CREATIONS_PER_IP_PER_HOUR: '3' })
    cleanups.push(() => s.server.close())
    const post = () => fetch(`http://127.0.0.1:${s.port}/api/boards`, { method: 'POST' })
    const made = await Promise.all([post(), post(), post()])
    expect(made.map((r) => r.status)).toEqual([201, 201, 201])
    const refused = await post()
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/too many/) })
    const { boardId, tokens } = (await made[0].json()) as CreatedBoard
    const snapshot = await fetch(`http://127.0.0.1:${s.port}/api/boards/${boardId}/snapshots?t=${tokens.facilitator}`, {
      method: 'POST',
      body: JSON.stringify({ name: 'te veel' }),
    })
    expect(snapshot.status).toBe(429) // snapshots share the budget
    const list = await fetch(`http://127.0.0.1:${s.port}/api/boards/${boardId}/snapshots?t=${tokens.facilitator}`)
    expect(await list.json()).toEqual([]) // reading is not limited, and nothing was saved
  })
})
