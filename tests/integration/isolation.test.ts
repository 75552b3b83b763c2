import { randomBytes } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { useTeardown } from '../support/lifecycle'
import { QUERY_AWARENESS_FRAME, recordFrames, syncStep1Frame } from '../../bench/lib/harness/rawFrames'
import { createBoard, roomUrl, whenSynced } from '../../bench/lib/harness/server'

const BOARDS = 20
const CLIENTS_PER_BOARD = 2
const WAIT_MS = 15_000
const TEST_TIMEOUT_MS = 30_000

const { server, client, raw } = useTeardown()

/** A unique string per board and client; random, so that no secret is part of another. */
const newSecret = (board: number, client: number, what: string) =>
  `geheim-${what}-${board}-${client}-${randomBytes(8).toString('hex')}`

describe('isolation: nothing of one board reaches another', () => {
  it(`${BOARDS} boards × ${CLIENTS_PER_BOARD} clients, each with its own secrets in the doc and in presence`, async () => {
    const { url, port } = await server()
    const created = await Promise.all(Array.from({ length: BOARDS }, () => createBoard(port)))
    const boards = created.map((board, b) => {
      const clients = Array.from({ length: CLIENTS_PER_BOARD }, () => client(url, board))
      // One raw socket per board records every byte the server sends to that board.
      const socket = raw(roomUrl(url, board))
      const frames = recordFrames(socket.ws)
      const docSecrets = clients.map((_, c) => newSecret(b, c, 'doc'))
      const presenceSecrets = clients.map((_, c) => newSecret(b, c, 'presence'))
      return { id: board.boardId, clients, raw: socket, frames, docSecrets, presenceSecrets, secrets: [...docSecrets, ...presenceSecrets] }
    })
    await Promise.all(boards.flatMap((b) => [...b.clients.map((c) => whenSynced(c.provider)), b.raw.admitted]))

    for (const board of boards) {
      board.clients.forEach((c, i) => {
        c.doc.getMap('m').set(board.docSecrets[i], board.docSecrets[i])
        c.provider.awareness.setLocalStateField('user', { name: board.presenceSecrets[i] })
      })
    }
    // Every client gets its partner's secrets; every raw socket gets its own board's secrets
    // (the positive control that shows the search below would find a leak).
    for (const board of boards) {
      board.raw.ws.send(syncStep1Frame())
      await vi.waitFor(
        () => {
          for (const c of board.clients) {
            expect(Object.keys(c.doc.getMap('m').toJSON()).sort()).toEqual([...board.docSecrets].sort())
            const names = [...c.provider.awareness.getStates().values()].map((s) => (s as { user?: { name: string } }).user?.name)
            expect(names.sort()).toEqual([...board.presenceSecrets].sort())
          }
          board.raw.ws.send(QUERY_AWARENESS_FRAME)
          const received = Buffer.concat(board.frames).toString('latin1')
          for (const secret of board.secrets) expect(received).toContain(secret)
        },
        { timeout: WAIT_MS, interval: 50 },
      )
    }

    for (const board of boards) {
      const received = Buffer.concat(board.frames).toString('latin1')
      const foreign = boards.filter((other) => other !== board).flatMap((other) => other.secrets)
      expect(foreign.filter((secret) => received.includes(secret))).toEqual([])
      for (const c of board.clients) {
        expect([...c.doc.share.keys()]).toEqual(['m'])
        expect(c.doc.getMap('m').size).toBe(CLIENTS_PER_BOARD)
        expect(c.provider.awareness.getStates().size).toBe(CLIENTS_PER_BOARD)
      }
    }
  }, TEST_TIMEOUT_MS)
})
