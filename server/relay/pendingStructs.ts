import type * as Y from 'yjs'

/**
 * Yjs keeps an update that builds on changes it has not seen as "pending" and retries it with
 * every later update. A real client's edit can overtake its own sync step 2 by a message, so a
 * little is normal; this much means the changes it builds on will never come.
 */
export const MAX_PENDING_UPDATE_BYTES = 256 * 1024

export function pendingBytes(doc: Y.Doc): number {
  return (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0)
}

/** Forgets what waits: it would be served to everyone and stored, and can never be integrated. */
export function dropPending(doc: Y.Doc): void {
  doc.store.pendingStructs = null
  doc.store.pendingDs = null
}
