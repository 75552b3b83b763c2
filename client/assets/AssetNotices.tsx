import { useEffect } from 'react'
import { useToasts, useValue } from 'tldraw'
import type { BoardAssetStore } from './assetStore'
import { assetTexts } from './assetTexts'

/** How long a refusal stays on screen unless closed first, in ms. */
export const REFUSAL_VISIBLE_MS = 12_000

/**
 * What the page says about photos: why a file was refused (until closed, or for
 * REFUSAL_VISIBLE_MS), and how many wait for the connection.
 */
export function AssetNotices({ assets, refusal, onClose }: { assets: BoardAssetStore; refusal: string | null; onClose: () => void }) {
  const t = assetTexts()
  const waiting = useValue('uploads waiting', () => assets.waiting.get(), [assets])
  useEffect(() => {
    if (!refusal) return
    const timer = setTimeout(onClose, REFUSAL_VISIBLE_MS)
    return () => clearTimeout(timer)
  }, [refusal, onClose])
  return (
    <>
      {refusal && (
        <p className="board-notice board-notice-warning" role="alert" data-testid="asset-refused">
          {refusal}{' '}
          <button type="button" className="link-button" onClick={onClose}>
            {t.close}
          </button>
        </p>
      )}
      {waiting > 0 && !refusal && (
        <p className="board-notice" role="status" data-testid="uploads-waiting">
          {t.waiting(waiting)}
        </p>
      )}
    </>
  )
}

/**
 * tldraw follows a refused upload with its own toast ("Upload failed", fixed in English when the
 * editor mounted, and cut off on a phone); ours says why, so theirs goes. Rendered inside <Tldraw>.
 */
export function ReplaceUploadToasts({ refusal }: { refusal: string | null }) {
  const toasts = useToasts()
  useEffect(() => {
    if (!refusal) return
    // tldraw adds its toast right after our upload threw; a task later it is there.
    const timer = setTimeout(() => {
      for (const toast of toasts.toasts.get()) if (toast.severity === 'error') toasts.removeToast(toast.id)
    })
    return () => clearTimeout(timer)
  }, [refusal, toasts])
  return null
}
