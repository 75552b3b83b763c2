import { LOCAL_DB_PREFIX, UPLOADS_DB_SUFFIX } from '../sync/localCopy'

/** A file this device has put on the board and the server does not have yet. */
export interface PendingUpload {
  assetId: string
  /** The tldraw asset record the file belongs to (its src is filled in if a reload cut the upload short). */
  tldrawAssetId: string
  /** The bytes as they will be uploaded (already downscaled). */
  blob: Blob
}

const STORE = 'uploads'
const DB_VERSION = 1

/**
 * The files of one board waiting for the server, in IndexedDB (`samenbord-<id>-fotos`): a photo
 * dropped offline survives a reload and goes up when the connection is back. One database per
 * board, so deleting a board's local copy (client/sync/localCopy.ts) deletes these too.
 * Without IndexedDB (a private window that refuses it) the queue lives in memory only.
 */
export class UploadQueue {
  /** Opened on first use and closed by `close()` (deleting the board's databases waits for that). */
  private db: Promise<IDBDatabase | null> | null = null
  private readonly memory = new Map<string, PendingUpload>()

  constructor(
    private readonly boardId: string,
    private readonly databases: IDBFactory | undefined = globalThis.indexedDB,
  ) {}

  async put(upload: PendingUpload): Promise<void> {
    this.memory.set(upload.assetId, upload)
    await this.run('readwrite', (store) => store.put(upload))
  }

  async get(assetId: string): Promise<PendingUpload | null> {
    const found = this.memory.get(assetId)
    if (found) return found
    return ((await this.run('readonly', (store) => store.get(assetId))) as PendingUpload | undefined) ?? null
  }

  async all(): Promise<PendingUpload[]> {
    const stored = ((await this.run('readonly', (store) => store.getAll())) as PendingUpload[] | undefined) ?? []
    const byId = new Map(stored.map((u) => [u.assetId, u]))
    for (const [id, upload] of this.memory) byId.set(id, upload)
    return [...byId.values()]
  }

  async delete(assetId: string): Promise<void> {
    this.memory.delete(assetId)
    await this.run('readwrite', (store) => store.delete(assetId))
  }

  async close(): Promise<void> {
    const db = this.db
    this.db = null
    ;(await db)?.close()
  }

  private open(): Promise<IDBDatabase | null> {
    this.db ??= new Promise((resolve) => {
      if (!this.databases) return resolve(null)
      const request = this.databases.open(LOCAL_DB_PREFIX + this.boardId + UPLOADS_DB_SUFFIX, DB_VERSION)
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'assetId' })
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => resolve(null)
      request.onblocked = () => resolve(null)
    })
    return this.db
  }

  private async run(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
    const db = await this.open()
    if (!db) return undefined
    return new Promise((resolve) => {
      try {
        const request = action(db.transaction(STORE, mode).objectStore(STORE))
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => resolve(undefined)
      } catch {
        resolve(undefined) // closed while the page goes away: the memory copy still counts
      }
    })
  }
}
