import { atom, type Atom } from '@tldraw/state'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { CloseCode } from '../../protocol/closeCodes'
import { MAX_STRUCTS_PER_UPDATE } from '../../protocol/limits'
import { facilitationRoomName, SYNC_PATH_PREFIX } from '../../protocol/paths'
import { tokenSubprotocols } from '../../protocol/roles'
import { pageConfig } from '../pageConfig'
import { limitedWebSocket } from './limitedWebSocket'
import { FACILITATION_DB_SUFFIX, LOCAL_DB_PREFIX } from './localCopy'
import { guardUnsavedEdits, type UnsavedEditsGuard } from './unsavedEdits'
import { RECORDS_ARRAY } from './yRecords'

/** What the connection indicator shows. `closed` means the server refused us for good. */
export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'closed'

/** How long a new, empty board waits for the server before it opens empty anyway. */
export const INITIAL_SYNC_TIMEOUT_MS = 5_000
export { LOCAL_DB_PREFIX }

/**
 * Everything that keeps one board's Y.Docs alive in the browser: the local copy in IndexedDB
 * (edits made offline survive a reload), the websockets to the relay, and the connection state.
 * A board has two docs, each its own room on the server: the canvas (`doc`), which every writing
 * link edits, and the facilitation state (`facilitationDoc`: title, steps, timer, rounds), which
 * only the facilitator link writes and everyone else reads.
 * No React here; the board page only reads `state` and `ready`.
 */
export class BoardSession {
  readonly doc = new Y.Doc()
  readonly facilitationDoc = new Y.Doc()
  /** The copy on this device; none for view-only links (they never have edits of their own). */
  readonly local: IndexeddbPersistence | null
  /** The facilitator's copy of the facilitation room; others only read it and keep none. */
  readonly facilitationLocal: IndexeddbPersistence | null
  readonly provider: WebsocketProvider
  readonly facilitationProvider: WebsocketProvider
  readonly state: Atom<ConnectionState>
  /** The server's reason when it closed the connection for good (e.g. board too big). */
  readonly closeReason: Atom<{ code: number; reason: string } | null>
  /**
   * How many of this page's changes were too large to share (not put on the board, or not
   * sent): the page says so. Counted by the store binding (openBoard.ts) and the socket.
   */
  readonly tooLargeChanges = atom('changes too large to share', 0)
  /** Resolves once the board can be shown: from the local copy, the server, or a timeout. */
  readonly ready: Promise<void>
  private readonly cleanups: Array<() => void> = []
  /** Edits of the last seconds, saved synchronously when the page goes away (see unsavedEdits.ts). */
  private readonly unsaved: UnsavedEditsGuard[]

  constructor(
    readonly boardId: string,
    {
      token = null,
      keepLocalCopy = true,
      writesFacilitation = false,
    }: { token?: string | null; keepLocalCopy?: boolean; writesFacilitation?: boolean } = {},
    serverUrl = defaultServerUrl(),
  ) {
    this.local = keepLocalCopy ? new IndexeddbPersistence(LOCAL_DB_PREFIX + boardId, this.doc) : null
    this.facilitationLocal = writesFacilitation
      ? new IndexeddbPersistence(LOCAL_DB_PREFIX + boardId + FACILITATION_DB_SUFFIX, this.facilitationDoc)
      : null
    // The token as a subprotocol, not in the URL: proxies log URLs (protocol/roles.ts).
    // Every message within the server's limits: a long offline backlog leaves in pieces, and a
    // change that can never be sent is held back instead of refused on every reconnect.
    const WebSocketPolyfill = limitedWebSocket(WebSocket, {
      maxMessageBytes: pageConfig().maxMessageBytes,
      maxStructs: MAX_STRUCTS_PER_UPDATE,
      onUnsendable: () => this.tooLargeChanges.update((n) => n + 1),
    })
    const options = { connect: navigator.onLine, protocols: tokenSubprotocols(token), WebSocketPolyfill }
    this.provider = new WebsocketProvider(serverUrl, boardId, this.doc, options)
    this.facilitationProvider = new WebsocketProvider(serverUrl, facilitationRoomName(boardId), this.facilitationDoc, options)
    // Presence lives in the board's room; this one carries none.
    this.facilitationProvider.awareness.setLocalState(null)
    const guard = (doc: Y.Doc, key: string, local: IndexeddbPersistence | null, provider: WebsocketProvider) =>
      local ? [guardUnsavedEdits(doc, key, { skipOrigins: [local, provider], events: window, storage: localStorage })] : []
    this.unsaved = [
      ...guard(this.doc, boardId, this.local, this.provider),
      ...guard(this.facilitationDoc, boardId + FACILITATION_DB_SUFFIX, this.facilitationLocal, this.facilitationProvider),
    ]
    this.state = atom('connection state', navigator.onLine ? 'connecting' : 'offline')
    this.closeReason = atom('close reason', null)

    // Both rooms count: the board's, and the facilitation room's (without it the title, timer
    // and rounds stand still, and a facilitator's changes to them reach nobody).
    const onStatus = () => this.updateState()
    const onClosed = (event: { code: number; reason: string }) => {
      if (!this.closeReason.get()) this.closeReason.set({ code: event.code, reason: event.reason })
      this.updateState()
    }
    for (const provider of [this.provider, this.facilitationProvider]) {
      provider.on('status', onStatus)
      provider.on('sync', onStatus)
      provider.on('closed', onClosed)
      // ws refuses a message over the limit with 1009, a code y-websocket retries: it would send
      // the same message again on every reconnect. Stop, and say so.
      provider.on('connection-close', (event: CloseEvent | null) => {
        if (event?.code !== CloseCode.MessageTooBig) return
        provider.disconnect()
        onClosed(event)
      })
    }
    // A browser that knows it is offline should not keep dialling; it says so in the UI.
    const goOffline = () => {
      this.provider.disconnect()
      this.facilitationProvider.disconnect()
      this.updateState()
    }
    const goOnline = () => {
      if (!this.closeReason.get()) {
        this.provider.connect()
        this.facilitationProvider.connect()
      }
      this.updateState()
    }
    window.addEventListener('offline', goOffline)
    window.addEventListener('online', goOnline)
    this.cleanups.push(() => {
      window.removeEventListener('offline', goOffline)
      window.removeEventListener('online', goOnline)
    })
    this.ready = this.waitUntilReady()
  }

  private updateState(): void {
    let next: ConnectionState
    if (this.closeReason.get()) next = 'closed'
    else if (!navigator.onLine) next = 'offline'
    else if ([this.provider, this.facilitationProvider].every((p) => p.wsconnected && p.synced)) next = 'connected'
    else next = 'connecting'
    this.state.set(next)
  }

  private async waitUntilReady(): Promise<void> {
    // The facilitator's own copy first: a template's steps set on opening must not race it.
    await Promise.all([this.local?.whenSynced, this.facilitationLocal?.whenSynced])
    for (const guard of this.unsaved) guard.restore()
    // The array itself, not a YKeyValue over it: that would observe the board for the whole session.
    if (this.doc.getArray(RECORDS_ARRAY).length > 0 || !navigator.onLine) return
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.provider.off('sync', onSync)
        this.provider.off('closed', done)
        window.removeEventListener('offline', done)
        resolve()
      }
      const onSync = (synced: boolean) => synced && done()
      const timer = setTimeout(done, INITIAL_SYNC_TIMEOUT_MS)
      this.provider.on('sync', onSync)
      this.provider.on('closed', done)
      window.addEventListener('offline', done)
    })
  }

  destroy(): void {
    for (const cleanup of this.cleanups) cleanup()
    for (const guard of this.unsaved) guard.dispose()
    this.provider.destroy()
    this.facilitationProvider.destroy()
    void this.local?.destroy()
    void this.facilitationLocal?.destroy()
    this.doc.destroy()
    this.facilitationDoc.destroy()
  }
}

/** The two documents of a board, for the parts of the page that read or write them. */
export type BoardDocs = Pick<BoardSession, 'doc' | 'facilitationDoc'>

/** Same host and port as the page: the server serves both the app and the relay. */
export function defaultServerUrl(): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${protocol}//${location.host}${SYNC_PATH_PREFIX.replace(/\/$/, '')}`
}
