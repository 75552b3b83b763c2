import { atom, type Atom } from '@tldraw/state'
import type { Editor } from '@tldraw/editor'
import type { TLAsset, TLAssetId, TLAssetStore } from '@tldraw/tlschema'
import { assetIdOfSrc, assetPath, assetSrc, newAssetId, sniffAssetType, SNIFF_BYTES } from '../../protocol/assets'
import { prepareImage } from './prepareImage'
import { UploadQueue, type PendingUpload } from './uploadQueue'
import { uploadAsset, type RefusedBecause } from './uploadAsset'

/** `asset.meta.uploading`: the file is still on the uploader's device; others show nothing yet. */
export const UPLOADING_META_KEY = 'uploading'
/** First wait before trying a queued upload again, in ms; doubled up to RETRY_MAX_MS. */
export const RETRY_MIN_MS = 2_000
export const RETRY_MAX_MS = 60_000
/**
 * Largest file tldraw may hand us before we downscale it, in bytes: a photo straight off a
 * camera may be larger than the server takes; after prepareImage it is not. Bounds the memory
 * a decoded file can take in the page.
 */
export const MAX_ORIGINAL_FILE_BYTES = 200 * 1024 * 1024

/** A picture inside the document itself (how tldraw stored one without an asset store). */
const INLINE_PICTURE = /^data:(image|video)\//

export interface BoardAssetStoreOptions {
  boardId: string
  token: string | null
  maxAssetBytes: number
  /** false for view-only links: they upload nothing and keep no queue on the device. */
  writes: boolean
  /** A file the server will never take (or we know it will not): the page says why. */
  onRefused: (because: RefusedBecause) => void
}

/** Thrown from `upload` so that tldraw removes the picture it showed while uploading. */
export class UploadRefused extends Error {
  constructor(readonly because: RefusedBecause) {
    super(`upload refused: ${because}`)
  }
}

/**
 * tldraw's asset store for one board (`createTLStore({ assets })`). A dropped, pasted or picked
 * file is downscaled (prepareImage.ts), given a random id, kept in IndexedDB (uploadQueue.ts)
 * and sent to the server; the document holds only `asset:<id>` (protocol/assets.ts), never the
 * bytes, so no picture can make an update too large to sync.
 * Offline or with the server away the upload returns at once with `meta.uploading` set: this
 * device shows its own copy, the others show nothing yet, and the queue sends the file when
 * the connection is back (also after a reload), then clears the mark.
 */
export class BoardAssetStore implements TLAssetStore {
  /** Files on this device the server does not have yet. */
  readonly waiting: Atom<number> = atom('uploads waiting', 0)
  private readonly queue: UploadQueue
  /** Object URLs of files from this device, by asset id: shown without a download. */
  private readonly localUrls = new Map<string, string>()
  private readonly loaded: Promise<void>
  private editor: Editor | null = null
  private flushing: Promise<void> | null = null
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private retryDelayMs = RETRY_MIN_MS
  private readonly onOnline = () => void this.flush()
  /** Files `upload()` is sending right now: the queue's flush leaves them alone. */
  private readonly inFlight = new Set<string>()

  constructor(private readonly options: BoardAssetStoreOptions) {
    this.queue = new UploadQueue(options.boardId)
    this.loaded = !options.writes ? Promise.resolve() : this.queue.all().then((pending) => {
      for (const upload of pending) this.keepLocalUrl(upload)
      this.waiting.set(pending.length)
    })
  }

  /** Starts sending what is queued: now, when back online, and on a growing interval. */
  attach(editor: Editor): void {
    if (this.editor === editor) return
    this.editor = editor
    window.addEventListener('online', this.onOnline)
    void this.loaded.then(() => this.flush())
  }

  detach(): void {
    this.editor = null
    window.removeEventListener('online', this.onOnline)
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }

  upload = async (asset: TLAsset, file: File, signal?: AbortSignal): Promise<{ src: string; meta?: { [UPLOADING_META_KEY]: true } }> => {
    // The same bytes again are the same tldraw asset (its id is their hash): already on the
    // board, so nothing to send; uploading again would risk the first picture (a refusal
    // would delete the record both pictures use).
    const existing = this.editor?.getAsset(asset.id)
    const existingSrc = existing && 'src' in existing.props ? existing.props.src : null
    if (assetIdOfSrc(existingSrc) && !(existing!.meta as Record<string, unknown>)[UPLOADING_META_KEY]) return { src: existingSrc! }
    const type = sniffAssetType(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()))
    if (!type) return this.refuse('unsupported', asset.id)
    const blob = await prepareImage(file, type)
    if (blob.size > this.options.maxAssetBytes) return this.refuse('tooLarge', asset.id)
    const pending: PendingUpload = { assetId: newAssetId(), tldrawAssetId: asset.id, blob }
    this.keepLocalUrl(pending)
    this.inFlight.add(pending.assetId)
    await this.queue.put(pending)
    const src = assetSrc(pending.assetId)
    const outcome = navigator.onLine
      ? await uploadAsset(this.options.boardId, pending.assetId, blob, this.options.token, signal).finally(() => this.inFlight.delete(pending.assetId))
      : { kind: 'later' as const, retryAfterMs: null }
    this.inFlight.delete(pending.assetId)
    if (outcome.kind === 'stored') {
      await this.queue.delete(pending.assetId)
      return { src }
    }
    if (outcome.kind === 'refused') {
      await this.forget(pending.assetId)
      return this.refuse(outcome.because, asset.id)
    }
    this.waiting.set(this.waiting.get() + 1)
    this.retryLater(outcome.retryAfterMs)
    return { src, meta: { [UPLOADING_META_KEY]: true } }
  }

  resolve = async (asset: TLAsset): Promise<string | null> => {
    const src = 'src' in asset.props ? asset.props.src : null
    const id = assetIdOfSrc(src)
    // Only our own files and pictures inside the document (boards from before the asset store).
    // Any other address written into a record by a hostile page would make every participant's
    // browser fetch it: a tracking pixel that tells an outsider who is in the meeting.
    if (!id) return src && INLINE_PICTURE.test(src) ? src : null
    await this.loaded
    const local = this.localUrls.get(id)
    if (local) return local
    if ((asset.meta as Record<string, unknown>)[UPLOADING_META_KEY]) return null
    return new URL(assetPath(this.options.boardId, id), location.origin).href
  }

  /** Sends every queued file, oldest first; stops at the first that has to wait. */
  flush(): Promise<void> {
    this.flushing ??= this.sendQueued().finally(() => (this.flushing = null))
    return this.flushing
  }

  destroy(): void {
    this.detach()
    for (const url of this.localUrls.values()) URL.revokeObjectURL(url)
    this.localUrls.clear()
    void this.queue.close()
  }

  private async sendQueued(): Promise<void> {
    const pending = await this.queue.all()
    let left = pending.length
    for (const upload of pending) {
      if (!this.editor || !navigator.onLine) break
      if (this.inFlight.has(upload.assetId)) continue
      this.linkToRecord(upload)
      const outcome = await uploadAsset(this.options.boardId, upload.assetId, upload.blob, this.options.token)
      if (outcome.kind === 'later') {
        this.retryLater(outcome.retryAfterMs)
        break
      }
      // The page let go of the editor meanwhile: keep the entry, so the next page clears the mark.
      if (!this.editor) break
      left--
      if (outcome.kind === 'stored') {
        await this.queue.delete(upload.assetId)
        this.updateRecords(upload, (record) => withoutUploadingMark(record))
      } else {
        await this.forget(upload.assetId)
        this.options.onRefused(outcome.because)
        // Nobody will ever see it: take the picture off the board instead of a grey box.
        this.updateRecords(upload, () => null)
      }
      this.retryDelayMs = RETRY_MIN_MS
    }
    this.waiting.set(left)
  }

  /**
   * A page closed while tldraw was still waiting for our upload leaves the asset without a src:
   * the queue knows which asset the file belongs to and fills it in.
   */
  private linkToRecord(upload: PendingUpload): void {
    const record = this.editor?.getAsset(upload.tldrawAssetId as TLAssetId)
    if (!record || !('src' in record.props) || record.props.src) return
    this.change([{ ...record, props: { ...record.props, src: assetSrc(upload.assetId) }, meta: { ...record.meta, [UPLOADING_META_KEY]: true } } as TLAsset], [])
  }

  /** Changes (or, for null, removes) the asset records that show this upload. */
  private updateRecords(upload: PendingUpload, change: (record: TLAsset) => TLAsset | null): void {
    const src = assetSrc(upload.assetId)
    const records = (this.editor?.getAssets() ?? []).filter((a) => 'src' in a.props && a.props.src === src)
    const changed = records.map(change)
    this.change(changed.filter((r): r is TLAsset => r !== null), records.filter((_, i) => changed[i] === null).map((r) => r.id))
  }

  /** Our own bookkeeping, not the user's action: shared like any edit, but not undone by Ctrl+Z. */
  private change(puts: TLAsset[], removes: TLAssetId[]): void {
    const editor = this.editor
    if (!editor || puts.length + removes.length === 0) return
    editor.run(
      () => {
        if (puts.length > 0) editor.store.put(puts)
        if (removes.length === 0) return
        editor.store.remove(removes)
        // Its shapes would stay as empty frames on everyone's board.
        const gone = new Set<string>(removes)
        editor.deleteShapes(editor.getCurrentPageShapes().filter((s) => gone.has((s.props as { assetId?: string }).assetId ?? '')))
      },
      { history: 'ignore', ignoreShapeLock: true },
    )
  }

  private retryLater(afterMs: number | null): void {
    if (this.retryTimer || !this.editor) return
    const delay = Math.max(afterMs ?? 0, this.retryDelayMs)
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      void this.flush()
    }, delay)
  }

  private keepLocalUrl(upload: PendingUpload): void {
    if (!this.localUrls.has(upload.assetId)) this.localUrls.set(upload.assetId, URL.createObjectURL(upload.blob))
  }

  private async forget(assetId: string): Promise<void> {
    await this.queue.delete(assetId)
    const url = this.localUrls.get(assetId)
    if (url) URL.revokeObjectURL(url)
    this.localUrls.delete(assetId)
  }

  private refuse(because: RefusedBecause, tldrawAssetId: TLAssetId): never {
    this.options.onRefused(because)
    // tldraw removes the asset when upload throws, but leaves its shape as an empty frame on
    // everyone's board; once it has, the shape goes too.
    setTimeout(() => {
      const editor = this.editor
      if (!editor || editor.getAsset(tldrawAssetId)) return
      const empty = editor.getCurrentPageShapes().filter((s) => (s.type === 'image' || s.type === 'video') && (s.props as { assetId?: string }).assetId === tldrawAssetId)
      if (empty.length > 0) editor.run(() => editor.deleteShapes(empty), { history: 'ignore', ignoreShapeLock: true })
    })
    throw new UploadRefused(because)
  }
}

function withoutUploadingMark(record: TLAsset): TLAsset {
  const meta = { ...(record.meta as Record<string, unknown>) }
  delete meta[UPLOADING_META_KEY]
  return { ...record, meta } as TLAsset
}
