import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { newBoardId } from '../../protocol/boardId'
import { CloseCode } from '../../protocol/closeCodes'
import { facilitationRoomName } from '../../protocol/paths'
import type { CreatedBoard, Role } from '../../protocol/roles'
import { useTeardown } from '../support/lifecycle'
import { createBoard, whenSynced } from '../../bench/lib/harness/server'

const { server, defer } = useTeardown()

/** A y-websocket client on `room` of a server with any token (or none), and how it was closed. */
function open(url: string, room: string, token: string | null) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
    params: token ? { t: token } : {},
  })
  defer(() => provider.destroy())
  const closed = new Promise<number>((resolve) => provider.on('closed', (e: { code: number }) => resolve(e.code)))
  return { doc, provider, closed }
}

async function setup() {
  const s = await server()
  const board = await createBoard(s.port)
  /** A client on the board, or on one of its other rooms (`leiding`: the facilitation room). */
  const join = (token: string | null, room = board.boardId) => open(s.url, room, token)
  return { ...s, board, join }
}

describe('role links, enforced by the server', () => {
  it('creates a board with three different unguessable tokens and tells each page its role', async () => {
    const { port, board } = await setup()
    const tokens = Object.values(board.tokens)
    expect(new Set(tokens).size).toBe(3)
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{22}$/)
    for (const role of ['facilitator', 'participant', 'viewer'] as Role[]) {
      const res = await fetch(`http://127.0.0.1:${port}/api/boards/${board.boardId}/role?t=${board.tokens[role]}`)
      // The facilitator also hears when the server would delete the board (BOARD_RETENTION_DAYS).
      expect(await res.json()).toEqual(role === 'facilitator' ? { role, deleteAfter: expect.any(Number) } : { role })
    }
    const wrong = await fetch(`http://127.0.0.1:${port}/api/boards/${board.boardId}/role?t=${'A'.repeat(22)}`)
    expect(wrong.status).toBe(403)
    // An id no board was created with is not a board, whatever the token.
    const never = await fetch(`http://127.0.0.1:${port}/api/boards/${newBoardId()}/role?t=${board.tokens.facilitator}`)
    expect(never.status).toBe(404)
  })

  it('a viewer reads live but its writes are refused and reach nobody', async () => {
    const { board, join } = await setup()
    const participant = join(board.tokens.participant)
    const viewer = join(board.tokens.viewer)
    await Promise.all([whenSynced(participant.provider), whenSynced(viewer.provider)])
    participant.doc.getMap('m').set('note', 'van deelnemer')
    await vi.waitFor(() => expect(viewer.doc.getMap('m').get('note')).toBe('van deelnemer'))

    viewer.doc.getMap('m').set('note', 'vervalst door kijker')
    expect(await viewer.closed).toBe(CloseCode.Forbidden)
    const late = join(board.tokens.facilitator)
    await whenSynced(late.provider)
    expect(late.doc.getMap('m').get('note')).toBe('van deelnemer')
    expect(participant.doc.getMap('m').get('note')).toBe('van deelnemer')
  })

  it('a viewer whose copy holds deleted notes reconnects without being refused', async () => {
    const { board, join } = await setup()
    const participant = join(board.tokens.participant)
    const viewer = join(board.tokens.viewer)
    await Promise.all([whenSynced(participant.provider), whenSynced(viewer.provider)])
    const notes = participant.doc.getArray<string>('tl_records')
    notes.push(['eerste', 'tweede'])
    notes.delete(0, 1)
    await vi.waitFor(() => expect(viewer.doc.getArray('tl_records').toArray()).toEqual(['tweede']))
    let closedWith: number | null = null
    viewer.provider.on('connection-close', (e: { code: number } | null) => {
      if (e && e.code !== 1000 && e.code !== 1005) closedWith = e.code
    })
    // A network blip: its sync step 2 now repeats the deletion the server has already.
    viewer.provider.disconnect()
    viewer.provider.connect()
    await whenSynced(viewer.provider)
    notes.push(['derde'])
    await vi.waitFor(() => expect(viewer.doc.getArray('tl_records').toArray()).toEqual(['tweede', 'derde']))
    expect(viewer.provider.wsconnected).toBe(true)
    expect(closedWith).toBeNull()
  })

  it('refuses a connection without a token or with another board\'s token', async () => {
    const { board, join, port } = await setup()
    expect(await join(null).closed).toBe(CloseCode.Forbidden)
    const other = await createBoard(port)
    expect(await join(other.tokens.facilitator).closed).toBe(CloseCode.Forbidden)
    expect(board.boardId).not.toBe(other.boardId)
    // A never-created id is refused as unknown, even with a valid token of a real board.
    expect(await join(board.tokens.facilitator, newBoardId()).closed).toBe(CloseCode.UnknownBoard)
  })
})

describe('facilitator-only state: the facilitation room', () => {
  it('only the facilitator link writes it; everyone else reads it live and is refused when writing', async () => {
    const { board, join } = await setup()
    const leiding = facilitationRoomName(board.boardId)
    const facilitator = join(board.tokens.facilitator, leiding)
    const participant = join(board.tokens.participant, leiding)
    const participantOnBoard = join(board.tokens.participant)
    await Promise.all([facilitator, participant, participantOnBoard].map((c) => whenSynced(c.provider)))
    facilitator.doc.getMap('facilitation').set('title', 'PLG rekenen')
    await vi.waitFor(() => expect(participant.doc.getMap('facilitation').get('title')).toBe('PLG rekenen'))

    participant.doc.getMap('facilitation').set('title', 'gekaapt')
    expect(await participant.closed).toBe(CloseCode.Forbidden)
    // Its writing link still writes the board itself.
    participantOnBoard.doc.getArray('tl_records').push([{ key: 'shape:x', val: 1 }])
    const late = join(board.tokens.viewer, leiding)
    const lateOnBoard = join(board.tokens.viewer)
    await Promise.all([whenSynced(late.provider), whenSynced(lateOnBoard.provider)])
    expect(late.doc.getMap('facilitation').get('title')).toBe('PLG rekenen')
    await vi.waitFor(() => expect(lateOnBoard.doc.getArray('tl_records').length).toBe(1))
    // The rooms are separate documents.
    expect(lateOnBoard.doc.getMap('facilitation').size).toBe(0)
    expect(late.doc.getArray('tl_records').length).toBe(0)
  })

  it('a board made before the facilitation room keeps its title and steps: they move over once', async () => {
    const { board, join, port, server } = await setup()
    // Before, the facilitation map lived in the board's own doc (only the facilitator could write it).
    const before = new Y.Doc()
    before.getMap('facilitation').set('title', 'PLG van vorig jaar')
    before.getMap('facilitation').set('steps', [{ title: 'Terugblik', minutes: 10 }])
    await server.store.append(board.boardId, Y.encodeStateAsUpdate(before))

    // A copy for the next meeting, made before anyone opened the board again, has it too.
    const copyRes = await fetch(`http://127.0.0.1:${port}/api/boards?copyFrom=${board.boardId}&t=${board.tokens.facilitator}`, { method: 'POST' })
    const copy = (await copyRes.json()) as CreatedBoard
    const onCopy = join(copy.tokens.participant, facilitationRoomName(copy.boardId))
    await vi.waitFor(() => expect(onCopy.doc.getMap('facilitation').get('title')).toBe('PLG van vorig jaar'))

    const participant = join(board.tokens.participant, facilitationRoomName(board.boardId))
    await vi.waitFor(() =>
      expect(participant.doc.getMap('facilitation').toJSON()).toEqual({
        title: 'PLG van vorig jaar',
        steps: [{ title: 'Terugblik', minutes: 10 }],
      }),
    )
    // From now on the room is what counts; the board's old map is ignored.
    const onBoard = join(board.tokens.participant)
    await whenSynced(onBoard.provider)
    onBoard.doc.getMap('facilitation').set('title', 'oude plek')
    const facilitator = join(board.tokens.facilitator, facilitationRoomName(board.boardId))
    await whenSynced(facilitator.provider)
    facilitator.doc.getMap('facilitation').set('title', 'PLG dit jaar')
    await vi.waitFor(() => expect(participant.doc.getMap('facilitation').get('title')).toBe('PLG dit jaar'))
  })

  it("a participant cannot slip facilitation state in through the board's old map", async () => {
    const { board, join, server } = await setup()
    const onBoard = join(board.tokens.participant)
    await whenSynced(onBoard.provider)
    onBoard.doc.getMap('facilitation').set('title', 'gekaapt')
    onBoard.doc.getMap('facilitation').set('privateRound', { roundId: 'x', active: true })
    await vi.waitFor(async () => expect(await server.store.logLength(board.boardId)).toBeGreaterThanOrEqual(1))
    onBoard.provider.destroy()
    await vi.waitFor(() => expect(server.relay.isLoaded(board.boardId)).toBe(false))
    // The facilitation room, opened for the first time only now, does not take the board's map.
    const reader = join(board.tokens.viewer, facilitationRoomName(board.boardId))
    await whenSynced(reader.provider)
    expect(reader.doc.getMap('facilitation').toJSON()).toEqual({})
  })
})

describe('private rooms (stil schrijven)', () => {
  it('a private room is separate from the board and closed to view-only links', async () => {
    const { board, join } = await setup()
    const key = 'K'.repeat(22)
    const writer = join(board.tokens.participant, `${board.boardId}/prive/${key}`)
    const onBoard = join(board.tokens.facilitator)
    await Promise.all([whenSynced(writer.provider), whenSynced(onBoard.provider)])
    writer.doc.getArray('tl_records').push([{ key: 'shape:p', val: 'geheim' }])
    const again = join(board.tokens.participant, `${board.boardId}/prive/${key}`)
    await vi.waitFor(() => expect(again.doc.getArray('tl_records').length).toBe(1))
    expect(onBoard.doc.getArray('tl_records').length).toBe(0)
    expect(await join(board.tokens.viewer, `${board.boardId}/prive/${key}`).closed).toBe(CloseCode.Forbidden)
    expect(await join(board.tokens.participant, `${board.boardId}/prive/short`).closed).toBe(CloseCode.UnknownBoard)
  })
})

describe('derived tokens', () => {
  it('the participant and viewer tokens follow from the facilitator token, not the other way', async () => {
    const { board } = await setup()
    const { tokensFromFacilitator } = await import('../../protocol/roles')
    expect(await tokensFromFacilitator(board.tokens.facilitator)).toEqual(board.tokens)
  })
})
