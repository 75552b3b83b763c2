import { atom, type Atom } from '@tldraw/state'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { SYNC_PATH_PREFIX } from '../../protocol/paths'
import { TOKEN_PARAM } from '../../protocol/roles'
import { guardUnsavedEdits, type UnsavedEditsGuard } from './unsavedEdits'
import { RECORDS_ARRAY } from './yRecords'

/** What the connection indicator shows. `closed` means the server refused us for good. */
export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'closed'

/** How long a new, empty board waits for the server before it opens empty anyway. */
export const INITIAL_SYNC_TIMEOUT_MS = 5_000
/** IndexedDB database name prefix; one database per board. */
export const LOCAL_DB_PREFIX = 'samenbord-'

/**
 * Everything that keeps one board's Y.Doc alive in the browser: the local copy in IndexedDB
 * (edits made offline survive a reload), the websocket to the relay, and the connection state.
 * No React here; the board page only reads `state` and `ready`.
 */
export class BoardSession {
  readonly doc = new Y.Doc()
  /** The copy on this device; none for view-only links (they never have edits of their own). */
  readonly local: IndexeddbPersistence | null
  readonly provider: WebsocketProvider
  readonly state: Atom<ConnectionState>
  /** The server's reason when it closed the connection for good (e.g. board too big). */
  readonly closeReason: Atom<{ code: number; reason: string } | null>
  /** Resolves once the board can be shown: from the local copy, the server, or a timeout. */
  readonly ready: Promise<void>
  private readonly cleanups: Array<() => void> = []
  /** Edits of the last seconds, saved synchronously when the page goes away (see unsavedEdits.ts). */
  private readonly unsaved: UnsavedEditsGuard | null

  constructor(
    readonly boardId: string,
    { token = null, keepLocalCopy = true }: { token?: string | null; keepLocalCopy?: boolean } = {},
    serverUrl = defaultServerUrl(),
  ) {
    this.local = keepLocalCopy ? new IndexeddbPersistence(LOCAL_DB_PREFIX + boardId, this.doc) : null
    this.provider = new WebsocketProvider(serverUrl, boardId, this.doc, {
      connect: navigator.onLine,
      params: token ? { [TOKEN_PARAM]: token } : {},
    })
    this.unsaved = this.local
      ? guardUnsavedEdits(this.doc, boardId, { skipOrigins: [this.local, this.provider], events: window, storage: localStorage })
      : null
    this.state = atom('connection state', navigator.onLine ? 'connecting' : 'offline')
    this.closeReason = atom('close reason', null)

    const onStatus = () => this.updateState()
    this.provider.on('status', onStatus)
    this.provider.on('sync', onStatus)
    this.provider.on('closed', (event: { code: number; reason: string }) => {
      this.closeReason.set({ code: event.code, reason: event.reason })
      this.updateState()
    })
    // A browser that knows it is offline should not keep dialling; it says so in the UI.
    const goOffline = () => {
      this.provider.disconnect()
      this.updateState()
    }
    const goOnline = () => {
      if (!this.closeReason.get()) this.provider.connect()
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
    else if (this.provider.wsconnected && this.provider.synced) next = 'connected'
    else next = 'connecting'
    this.state.set(next)
  }

  private async waitUntilReady(): Promise<void> {
    await this.local?.whenSynced
    this.unsaved?.restore()
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
    this.unsaved?.dispose()
    this.provider.destroy()
    void this.local?.destroy()
    this.doc.destroy()
  }
}

/** Same host and port as the page: the server serves both the app and the relay. */
export function defaultServerUrl(): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${protocol}//${location.host}${SYNC_PATH_PREFIX.replace(/\/$/, '')}`
}
