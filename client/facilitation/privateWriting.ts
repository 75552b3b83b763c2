import type { Editor, TLRecord, TLStore } from 'tldraw'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import { MAX_STRUCTS_PER_UPDATE } from '../../protocol/limits'
import { pageConfig } from '../pageConfig'
import { limitedWebSocket } from '../sync/limitedWebSocket'
import { maxRecordBytesFor } from '../sync/storeBinding'
import * as Y from 'yjs'
import { privateRoomName } from '../../protocol/paths'
import { newToken, tokenSubprotocols } from '../../protocol/roles'
import { defaultServerUrl } from '../sync/boardSession'
import { LOCAL_DB_PREFIX, PRIVATE_DB_SUFFIX, WRITER_KEY_PREFIX } from '../sync/localCopy'
import { bindStoreToDoc, type StoreBinding } from '../sync/storeBinding'
import { RECORDS_ARRAY } from '../sync/yRecords'
import type { Facilitation } from './facilitationState'

/** Wait before closing the private room again while its last changes are still on their way. */
const DISCONNECT_RETRY_MS = 1000

/** A note written during a private round carries the round id in `meta.privateRound`. */
export const PRIVATE_META_KEY = 'privateRound'

export interface PrivateRound {
  roundId: string
  /** true while writing; false once the facilitator revealed the round. */
  active: boolean
}

/** What a writer makes private during a round: notes, and pictures with their files (assets). */
const PRIVATE_SHAPE_TYPES = new Set(['note', 'image', 'video'])

export function privateRoundOf(record: TLRecord): string | null {
  if (record.typeName !== 'shape' && record.typeName !== 'asset') return null
  const value = (record.meta as Record<string, unknown>)[PRIVATE_META_KEY]
  return typeof value === 'string' ? value : null
}

export const isPrivateRecord = (record: TLRecord) => privateRoundOf(record) !== null

/** The key of this device's private room for a board: random, kept on this device only. */
export function writerKeyFor(boardId: string): string {
  const key = WRITER_KEY_PREFIX + boardId
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
  private roundActive = false
  private retry: ReturnType<typeof setTimeout> | null = null
  private readonly cleanups: Array<() => void> = []

  constructor(boardId: string, token: string | null, private readonly store: TLStore, onTooLarge: () => void = () => {}) {
    const writerKey = writerKeyFor(boardId)
    this.local = new IndexeddbPersistence(LOCAL_DB_PREFIX + boardId + PRIVATE_DB_SUFFIX, this.doc)
    // Connected only while there is something private to keep on the server (see
    // `updateConnection`): one socket per participant the rest of the time, not two.
    this.provider = new WebsocketProvider(defaultServerUrl(), privateRoomName(boardId, writerKey), this.doc, {
      connect: false,
      protocols: tokenSubprotocols(token),
      // Within the server's limits, like the board's own rooms (client/sync/boardSession.ts).
      WebSocketPolyfill: limitedWebSocket(WebSocket, { maxMessageBytes: pageConfig().maxMessageBytes, maxStructs: MAX_STRUCTS_PER_UPDATE, onUnsendable: onTooLarge }),
    })
    void this.local.whenSynced.then(() => {
      this.binding = bindStoreToDoc(store, this.doc, { owns: isPrivateRecord, maxRecordBytes: maxRecordBytesFor(pageConfig().maxMessageBytes), onTooLarge })
      this.updateConnection()
    })
    const onChange = () => this.updateConnection()
    const records = this.doc.getArray(RECORDS_ARRAY)
    records.observe(onChange)
    this.provider.on('sync', onChange)
    window.addEventListener('online', onChange)
    this.cleanups.push(() => {
      records.unobserve(onChange)
      this.provider.off('sync', onChange)
      window.removeEventListener('online', onChange)
    })
  }

  /**
   * The private room is needed while a round is open or while this device holds private notes
   * (written offline, or not yet revealed); once it is empty and the server has that, the
   * socket is closed again.
   */
  private updateConnection(): void {
    const hasNotes = this.doc.getArray(RECORDS_ARRAY).length > 0 // one entry per private note
    const needed = this.roundActive || hasNotes
    if (needed && !this.provider.shouldConnect && navigator.onLine) this.provider.connect()
    else if (!needed && this.provider.shouldConnect) {
      // Local changes (the reveal's deletions) may still be on their way: try again shortly.
      const unsent = (this.provider.ws?.bufferedAmount ?? 0) > 0
      if (this.provider.synced && !unsent) this.provider.disconnect()
      else if (!this.retry) {
        this.retry = setTimeout(() => {
          this.retry = null
          this.updateConnection()
        }, DISCONNECT_RETRY_MS)
      }
    }
  }

  /** Tags new notes while a round is open, and reveals notes of rounds that are over. */
  attach(editor: Editor, facilitation: Facilitation): void {
    const currentRound = () => facilitation.map.get('privateRound') as PrivateRound | null | undefined
    this.cleanups.push(
      editor.sideEffects.registerBeforeCreateHandler('shape', (shape, source) => {
        const round = currentRound()
        if (source !== 'user' || !PRIVATE_SHAPE_TYPES.has(shape.type) || !round?.active) return shape
        return { ...shape, meta: { ...shape.meta, [PRIVATE_META_KEY]: round.roundId } }
      }),
      // A picture's asset record holds the file's address: it stays private with the picture.
      editor.sideEffects.registerBeforeCreateHandler('asset', (asset, source) => {
        const round = currentRound()
        if (source !== 'user' || !round?.active) return asset
        return { ...asset, meta: { ...asset.meta, [PRIVATE_META_KEY]: round.roundId } }
      }),
      // tldraw replaces the asset's meta when the upload is done; the mark must survive that
      // while the round is still open (else the file's address would go to the board early).
      editor.sideEffects.registerBeforeChangeHandler('asset', (prev, next) => {
        const roundId = privateRoundOf(prev)
        const round = currentRound()
        if (!roundId || privateRoundOf(next) || !(round?.active && round.roundId === roundId)) return next
        return { ...next, meta: { ...next.meta, [PRIVATE_META_KEY]: roundId } }
      }),
    )
    const revealFinished = () => {
      const round = currentRound()
      const finished = (record: TLRecord) => {
        const roundId = privateRoundOf(record)
        return roundId !== null && !(round?.active && round.roundId === roundId)
      }
      const toReveal: TLRecord[] = [...editor.getCurrentPageShapes(), ...editor.getAssets()].filter(finished)
      if (toReveal.length === 0) return
      editor.run(
        () => {
          this.store.put(toReveal.map((s) => withoutPrivateMark(s)))
        },
        { history: 'ignore', ignoreShapeLock: true },
      )
    }
    const onFacilitation = () => {
      this.roundActive = currentRound()?.active === true
      this.updateConnection()
      revealFinished()
    }
    facilitation.map.observe(onFacilitation)
    void this.local.whenSynced.then(onFacilitation)
    this.cleanups.push(() => facilitation.map.unobserve(onFacilitation))
  }

  destroy(): void {
    if (this.retry) clearTimeout(this.retry)
    for (const cleanup of this.cleanups) cleanup()
    this.binding?.unbind()
    this.provider.destroy()
    void this.local.destroy()
    this.doc.destroy()
  }
}

function withoutPrivateMark(record: TLRecord): TLRecord {
  const meta = { ...(record.meta as Record<string, unknown>) }
  delete meta[PRIVATE_META_KEY]
  return { ...record, meta } as TLRecord
}
