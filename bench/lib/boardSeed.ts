import {
  createShapeId,
  GeoShapeUtil,
  getIndices,
  NoteShapeUtil,
  TextShapeUtil,
  toRichText,
  type TLShape,
  type TLStore,
} from 'tldraw'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { bindStoreToDoc, type StoreBinding } from '../../client/sync/storeBinding'
import { recordsOf } from '../../client/sync/yRecords'
import { seededRandom } from './harness/random'
import { newTestStore, PAGE_ID } from './harness/tlStore'
import { tokenParams, type BenchBoard } from './benchBoard'

/**
 * A tldraw store hands its changes to listeners (our binding) on an animation frame, at most
 * 120 times a second. Node has no frames: a turn of the event loop stands in for one.
 */
globalThis.requestAnimationFrame ??= (callback) => setImmediate(() => callback(performance.now())) as unknown as number
globalThis.cancelAnimationFrame ??= (handle) => clearImmediate(handle as unknown as NodeJS.Immediate)

/**
 * Ends a participant's frame: the store hands its changes to the binding now (one Yjs update),
 * as a browser does once per frame during a drag or while typing, and the websocket gets a turn.
 */
export async function endFrame(store: TLStore): Promise<void> {
  store._flushHistory()
  await new Promise<void>((resolve) => setImmediate(resolve))
}

/** Longest a seeding client waits for the server. */
const SYNC_TIMEOUT_MS = 60_000
/** Words the sticky notes are written with (a PLG session). */
const WORDS = 'leerling feedback les doel toets lezen rekenen samen onderzoek data vraag actie evaluatie klas team'.split(' ')

const noteProps = new NoteShapeUtil({} as never).getDefaultProps()
const geoProps = new GeoShapeUtil({} as never).getDefaultProps()
const textProps = new TextShapeUtil({} as never).getDefaultProps()

export function sentence(random: ReturnType<typeof seededRandom>, words: number): string {
  return Array.from({ length: words }, () => random.pick(WORDS)).join(' ')
}

/**
 * `count` shapes as a real PLG board has them: mostly sticky notes with a few words, some labelled
 * rectangles and free texts, on a grid; fractional indices in order. Deterministic for a seed.
 */
export function realisticShapes(count: number, seed = 1): TLShape[] {
  const random = seededRandom(seed)
  const indices = getIndices(count)
  return Array.from({ length: count }, (_, i) => {
    const base = {
      id: createShapeId(),
      typeName: 'shape' as const,
      x: (i % 50) * 240,
      y: Math.floor(i / 50) * 240,
      rotation: 0,
      index: indices[i],
      parentId: PAGE_ID,
      isLocked: false,
      opacity: 1,
      meta: {},
    }
    const kind = random.next()
    if (kind < 0.7) {
      const color = random.pick(['yellow', 'light-green', 'light-blue', 'orange', 'violet'] as const)
      return { ...base, type: 'note', props: { ...noteProps, color, richText: toRichText(sentence(random, 3 + random.int(10))) } }
    }
    if (kind < 0.9) {
      return {
        ...base,
        type: 'geo',
        props: { ...geoProps, w: 200, h: 120, richText: toRichText(sentence(random, 1 + random.int(4))) },
      }
    }
    return { ...base, type: 'text', props: { ...textProps, richText: toRichText(sentence(random, 4 + random.int(12))) } }
  }) as TLShape[]
}

/** A Node participant: a tldraw store bound to a Y.Doc that a stock y-websocket client syncs. */
export interface Participant {
  store: TLStore
  doc: Y.Doc
  binding: StoreBinding
  provider: WebsocketProvider
}

/** Connects a participant and resolves once it has synced and its store holds the board. */
export async function joinAsParticipant(url: string, board: BenchBoard): Promise<Participant> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, board.boardId, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true, params: tokenParams(board) })
  await whenSynced(provider)
  const store = newTestStore(false)
  const binding = bindStoreToDoc(store, doc)
  binding.seedIfEmpty()
  await endFrame(store)
  return { store, doc, binding, provider }
}

export async function leave(p: Participant): Promise<void> {
  p.binding.unbind()
  p.provider.destroy()
  p.doc.destroy()
}

export function whenSynced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no sync from the server in time')), SYNC_TIMEOUT_MS)
    provider.once('sync', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Resolves once a fresh client of the board sees `records` records (the server has them all). */
export async function waitForRecords(url: string, board: BenchBoard, records: number): Promise<void> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, board.boardId, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true, params: tokenParams(board) })
  try {
    await whenSynced(provider)
    const map = recordsOf(doc).map
    const deadline = Date.now() + SYNC_TIMEOUT_MS
    while (map.size < records) {
      if (Date.now() > deadline) throw new Error(`the server holds ${map.size} of ${records} records`)
      await new Promise((r) => setTimeout(r, 50))
    }
  } finally {
    provider.destroy()
    doc.destroy()
  }
}

/**
 * Writes `shapes` onto a board through the real binding, leaves, and checks with a second
 * client that the server has them all. Returns the number of records on the board.
 */
export async function seedBoard(url: string, board: BenchBoard, shapes: TLShape[]): Promise<number> {
  const p = await joinAsParticipant(url, board)
  p.store.put(shapes)
  await endFrame(p.store)
  const records = recordsOf(p.doc).map.size
  await waitForRecords(url, board, records)
  await leave(p)
  return records
}
