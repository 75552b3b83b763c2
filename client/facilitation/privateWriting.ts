import type { Editor, TLRecord, TLShape, TLStore } from 'tldraw'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { privateRoomName } from '../../protocol/paths'
import { newToken, TOKEN_PARAM } from '../../protocol/roles'
import { defaultServerUrl, LOCAL_DB_PREFIX } from '../sync/boardSession'
import { bindStoreToDoc, type StoreBinding } from '../sync/storeBinding'
import type { Facilitation } from './facilitationState'

/** A note written during a private round carries the round id in `meta.privateRound`. */
export const PRIVATE_META_KEY = 'privateRound'

export interface PrivateRound {
  roundId: string
  /** true while writing; false once the facilitator revealed the round. */
  active: boolean
}

export function privateRoundOf(record: TLRecord): string | null {
  if (record.typeName !== 'shape') return null
  const value = (record.meta as Record<string, unknown>)[PRIVATE_META_KEY]
  return typeof value === 'string' ? value : null
}

export const isPrivateRecord = (record: TLRecord) => privateRoundOf(record) !== null

/** The key of this device's private room for a board: random, kept on this device only. */
export function writerKeyFor(boardId: string): string {
  const key = `samenbord:writer:${boardId}`
  let writerKey = localStorage.getItem(key)
  if (!writerKey) {
    writerKey = newToken()
    localStorage.setItem(key, writerKey)
  }
  return writerKey
}

/**
 * "Stil schrijven": while a private round is open, the notes you create go to your own private
 * room on the server instead of the board, so their content reaches no other browser — not the
 * facilitator's either. When the facilitator reveals the round, your browser moves them onto
 * the board for everyone (also later, if you were offline at that moment).
 */
export class PrivateNotes {
  readonly doc = new Y.Doc()
  readonly provider: WebsocketProvider
  readonly local: IndexeddbPersistence
  private binding: StoreBinding | null = null
  private readonly cleanups: Array<() => void> = []

  constructor(boardId: string, token: string | null, private readonly store: TLStore) {
    const writerKey = writerKeyFor(boardId)
    this.local = new IndexeddbPersistence(`${LOCAL_DB_PREFIX}${boardId}-prive`, this.doc)
    this.provider = new WebsocketProvider(defaultServerUrl(), privateRoomName(boardId, writerKey), this.doc, {
      connect: navigator.onLine,
      params: token ? { [TOKEN_PARAM]: token } : {},
    })
    void this.local.whenSynced.then(() => {
      this.binding = bindStoreToDoc(store, this.doc, { owns: isPrivateRecord })
    })
  }

  /** Tags new notes while a round is open, and reveals notes of rounds that are over. */
  attach(editor: Editor, facilitation: Facilitation): void {
    const currentRound = () => facilitation.map.get('privateRound') as PrivateRound | null | undefined
    this.cleanups.push(
      editor.sideEffects.registerBeforeCreateHandler('shape', (shape, source) => {
        const round = currentRound()
        if (source !== 'user' || shape.type !== 'note' || !round?.active) return shape
        return { ...shape, meta: { ...shape.meta, [PRIVATE_META_KEY]: round.roundId } }
      }),
    )
    const revealFinished = () => {
      const round = currentRound()
      const toReveal = editor
        .getCurrentPageShapes()
        .filter((s) => {
          const roundId = privateRoundOf(s)
          return roundId !== null && !(round?.active && round.roundId === roundId)
        })
      if (toReveal.length === 0) return
      editor.run(
        () => {
          this.store.put(toReveal.map((s) => withoutPrivateMark(s)))
        },
        { history: 'ignore', ignoreShapeLock: true },
      )
    }
    facilitation.map.observe(revealFinished)
    void this.local.whenSynced.then(revealFinished)
    this.cleanups.push(() => facilitation.map.unobserve(revealFinished))
  }

  destroy(): void {
    for (const cleanup of this.cleanups) cleanup()
    this.binding?.unbind()
    this.provider.destroy()
    void this.local.destroy()
    this.doc.destroy()
  }
}

function withoutPrivateMark(shape: TLShape): TLShape {
  const meta = { ...(shape.meta as Record<string, unknown>) }
  delete meta[PRIVATE_META_KEY]
  return { ...shape, meta } as TLShape
}
