import { describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import { closeClient } from '../../bench/lib/harness/clients'
import { createBoard, whenSynced } from '../../bench/lib/harness/server'
import { limitedWebSocket } from '../../client/sync/limitedWebSocket'
import { CloseCode } from '../../protocol/closeCodes'
import { inspectUpdate } from '../../protocol/inspectUpdate'
import { DEFAULT_MAX_MESSAGE_BYTES, MAX_STRUCTS_PER_UPDATE } from '../../protocol/limits'
import { TOKEN_PARAM, type CreatedBoard } from '../../protocol/roles'
import { useTeardown } from '../support/lifecycle'

const { server, client, defer } = useTeardown()
/** Long enough for 6 MB at the server's default 4 MiB/s, with room for a slow machine. */
const CONVERGE_TIMEOUT_MS = 30_000
/** Records of a long offline session: each far under the limit, together far over it. */
const RECORDS = 100
const RECORD_TEXT_BYTES = 60 * 1024

/** A page's doc after a long time offline: 6 MB of notes, three times the message limit. */
function offlineNotes(): Y.Doc {
  const doc = new Y.Doc()
  const records = new YKeyValue(doc.getArray<{ key: string; val: unknown }>('tl_records'))
  for (let i = 0; i < RECORDS; i++) {
    doc.transact(() => records.set(`shape:${i}`, { id: `shape:${i}`, text: `${i}`.padEnd(RECORD_TEXT_BYTES, 'abcdefghij') }))
  }
  expect(Y.encodeStateAsUpdate(doc).byteLength).toBeGreaterThan(DEFAULT_MAX_MESSAGE_BYTES * 2.5)
  return doc
}

/** Many small edits at once (one transaction): more structs than the server takes in one update. */
function manyStructs(): Y.Doc {
  const doc = new Y.Doc()
  const map = doc.getMap('m')
  doc.transact(() => {
    for (let i = 0; i < MAX_STRUCTS_PER_UPDATE * 2.4; i++) map.set(`k${i}`, i)
  })
  expect(inspectUpdate(Y.encodeStateAsUpdate(doc)).structs).toBeGreaterThan(MAX_STRUCTS_PER_UPDATE * 2)
  return doc
}

/** A client as the page makes one: y-websocket over the limited socket. */
function limitedClient(url: string, board: CreatedBoard, doc: Y.Doc) {
  const WebSocketPolyfill = limitedWebSocket(WebSocket as never, { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, maxStructs: MAX_STRUCTS_PER_UPDATE })
  const provider = new WebsocketProvider(url, board.boardId, doc, { WebSocketPolyfill, disableBc: true, params: { [TOKEN_PARAM]: board.tokens.participant } })
  const c = { doc, provider }
  defer(() => closeClient(c))
  return c
}

function closeCodes(provider: WebsocketProvider): number[] {
  const codes: number[] = []
  provider.on('connection-close', (event: { code: number } | null) => codes.push(event?.code ?? 0))
  return codes
}

const recordsOf = (doc: Y.Doc) => new YKeyValue(doc.getArray<{ key: string; val: unknown }>('tl_records')).map

describe('a backlog larger than one message', () => {
  it('a page back online with 6 MB of offline notes syncs them all, in pieces, without being closed', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const watcher = client(url, board)
    await whenSynced(watcher.provider)
    const offline = limitedClient(url, board, offlineNotes())
    const codes = closeCodes(offline.provider)
    await vi.waitFor(() => expect(recordsOf(watcher.doc).size).toBe(RECORDS), { timeout: CONVERGE_TIMEOUT_MS, interval: 50 })
    expect(Y.encodeStateVector(watcher.doc)).toEqual(Y.encodeStateVector(offline.doc))
    expect(watcher.doc.getArray('tl_records').toJSON()).toEqual(offline.doc.getArray('tl_records').toJSON())
    expect(codes).toEqual([])
    expect(offline.provider.wsconnected).toBe(true)
    // Stored, not only relayed: a newcomer gets all of it from the server.
    const newcomer = client(url, board)
    await whenSynced(newcomer.provider)
    expect(recordsOf(newcomer.doc).size).toBe(RECORDS)
    // And the page's next edit still reaches the others.
    offline.doc.getMap('m').set('after', 1)
    await vi.waitFor(() => expect(watcher.doc.getMap('m').get('after')).toBe(1))
  })

  it('without the limited socket the same page is refused (1009) and nothing of it arrives', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const stock = client(url, board, offlineNotes())
    const codes = closeCodes(stock.provider)
    await vi.waitFor(() => expect(codes[0]).toBe(CloseCode.MessageTooBig), { timeout: CONVERGE_TIMEOUT_MS, interval: 50 })
    const reader = client(url, board)
    await whenSynced(reader.provider)
    expect(recordsOf(reader.doc).size).toBe(0)
  })

  it(`an update over ${MAX_STRUCTS_PER_UPDATE} structs arrives in pieces; a stock client is refused (4422)`, async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const watcher = client(url, board)
    await whenSynced(watcher.provider)
    const source = manyStructs()
    const limited = limitedClient(url, board, source)
    const codes = closeCodes(limited.provider)
    await vi.waitFor(() => expect(watcher.doc.getMap('m').size).toBe(source.getMap('m').size), { timeout: CONVERGE_TIMEOUT_MS, interval: 50 })
    expect(watcher.doc.getMap('m').toJSON()).toEqual(source.getMap('m').toJSON())
    expect(codes).toEqual([])

    const otherBoard = await createBoard(port)
    const stock = client(url, otherBoard, manyStructs())
    const closed = new Promise<number>((resolve) => stock.provider.on('closed', (event: { code: number }) => resolve(event.code)))
    expect(await closed).toBe(CloseCode.UpdateRefused)
  })

  it('a live change over the limit (a large paste while connected) leaves in pieces too', async () => {
    const { url, port } = await server()
    const board = await createBoard(port)
    const watcher = client(url, board)
    const sender = limitedClient(url, board, new Y.Doc())
    await Promise.all([whenSynced(watcher.provider), whenSynced(sender.provider)])
    const codes = closeCodes(sender.provider)
    const records = new YKeyValue(sender.doc.getArray<{ key: string; val: unknown }>('tl_records'))
    sender.doc.transact(() => {
      for (let i = 0; i < RECORDS; i++) records.set(`shape:${i}`, { text: `${i}`.padEnd(RECORD_TEXT_BYTES, 'klmnopqrst') })
    })
    await vi.waitFor(() => expect(recordsOf(watcher.doc).size).toBe(RECORDS), { timeout: CONVERGE_TIMEOUT_MS, interval: 50 })
    expect(codes).toEqual([])
    expect(sender.provider.wsconnected).toBe(true)
  })
})
