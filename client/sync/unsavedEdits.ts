import { fromBase64, toBase64 } from 'lib0/buffer'
import * as Y from 'yjs'

/**
 * How long a local update is kept for the last-moment copy. y-indexeddb writes each update in
 * its own asynchronous transaction, which takes milliseconds; a page that is reloaded or closed
 * in that moment can lose it (and when offline, the server does not have it either).
 */
export const RECENT_EDITS_WINDOW_MS = 10_000
export const UNSAVED_KEY_PREFIX = 'samenbord-unsaved-'

type Events = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>
type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export interface UnsavedEditsGuard {
  /** Applies a copy left by the previous page (after the IndexedDB copy is loaded), then forgets it. */
  restore(): void
  dispose(): void
}

/**
 * Keeps the updates of the last few seconds that did not come from the server or from
 * IndexedDB, and when the page goes away (`pagehide`, or hidden on a tablet that may discard
 * it) writes them merged to localStorage, which is synchronous and so finishes before the page
 * is gone. The next page of this board applies them once: Yjs ignores what it already has.
 */
export function guardUnsavedEdits(
  doc: Y.Doc,
  boardId: string,
  { skipOrigins, events, storage, now = () => Date.now() }: { skipOrigins: unknown[]; events: Events; storage: KeyValueStorage; now?: () => number },
): UnsavedEditsGuard {
  const key = UNSAVED_KEY_PREFIX + boardId
  /** Oldest first, so what is past the window is always at the front. */
  const recent: { at: number; update: Uint8Array }[] = []
  const dropOld = (at: number) => {
    while (recent.length > 0 && at - recent[0].at >= RECENT_EDITS_WINDOW_MS) recent.shift()
  }
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (skipOrigins.includes(origin)) return
    const at = now()
    dropOld(at)
    recent.push({ at, update })
  }
  const save = () => {
    dropOld(now())
    if (recent.length === 0) return
    try {
      storage.setItem(key, toBase64(Y.mergeUpdates(recent.map((r) => r.update))))
    } catch {
      // Storage full or blocked: IndexedDB most likely has the edits anyway.
    }
  }
  const onVisibility = () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') save()
  }
  doc.on('update', onUpdate)
  events.addEventListener('pagehide', save)
  events.addEventListener('visibilitychange', onVisibility)
  return {
    restore() {
      const saved = storage.getItem(key)
      if (saved === null) return
      try {
        Y.applyUpdate(doc, fromBase64(saved), 'unsaved-copy')
      } catch {
        // A damaged copy is dropped; the board itself is not touched.
      }
      storage.removeItem(key)
    },
    dispose() {
      doc.off('update', onUpdate)
      events.removeEventListener('pagehide', save)
      events.removeEventListener('visibilitychange', onVisibility)
    },
  }
}
