import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { facilitationRoomId, facilitationRoomName } from '../../protocol/paths'
import type { CreatedBoard } from '../../protocol/roles'
import { useTeardown } from '../support/lifecycle'
import { whenSynced } from '../../bench/lib/harness/server'

const { server, client } = useTeardown()

async function setup() {
  const s = await server()
  const api = `http://127.0.0.1:${s.port}/api`
  const create = async (query = '') =>
    (await (await fetch(`${api}/boards${query}`, { method: 'POST' })).json()) as CreatedBoard
  /** The board's facilitator on the board or on one of its other rooms. */
  const join = (board: CreatedBoard, room = board.boardId) => client(s.url, board, new Y.Doc(), 'facilitator', room)
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
    const aLeiding = join(board, facilitationRoomName(board.boardId))
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
    const bLeiding = join(copy, facilitationRoomName(copy.boardId))
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

describe('creation budgets', () => {
  it('answers 429 with Retry-After once an address has created its hourly budget of new boards', async () => {
    const s = await server({ MAX_CREATIONS_PER_IP_PER_HOUR: '3' })
    const post = () => fetch(`http://127.0.0.1:${s.port}/api/boards`, { method: 'POST' })
    const made = await Promise.all([post(), post(), post()])
    expect(made.map((r) => r.status)).toEqual([201, 201, 201])
    const refused = await post()
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/too many/) })
  })

  it('answers 429 once a board has had its hourly budget of copies and snapshots, and nothing is made', async () => {
    const s = await server({ MAX_SNAPSHOTS_PER_BOARD_PER_HOUR: '2' })
    const create = (query = '') => fetch(`http://127.0.0.1:${s.port}/api/boards${query}`, { method: 'POST' })
    const board = (await (await create()).json()) as CreatedBoard
    const snapshots = `http://127.0.0.1:${s.port}/api/boards/${board.boardId}/snapshots?t=${board.tokens.facilitator}`
    const snapshot = (name: string) => fetch(snapshots, { method: 'POST', body: JSON.stringify({ name }) })
    const copy = () => create(`?copyFrom=${board.boardId}&t=${board.tokens.facilitator}`)
    expect((await snapshot('eerste')).status).toBe(201)
    expect((await copy()).status).toBe(201) // copies and snapshots share the budget
    const refused = await snapshot('te veel')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await copy()).status).toBe(429)
    const list = await fetch(snapshots)
    expect(await list.json()).toEqual([expect.objectContaining({ name: 'eerste' })]) // reading is not limited, and nothing more was saved
    // Another board has a budget of its own.
    const other = (await (await create()).json()) as CreatedBoard
    const elsewhere = await fetch(`http://127.0.0.1:${s.port}/api/boards/${other.boardId}/snapshots?t=${other.tokens.facilitator}`, {
      method: 'POST',
      body: JSON.stringify({ name: 'ander bord' }),
    })
    expect(elsewhere.status).toBe(201)
  })
})
