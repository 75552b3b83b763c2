import { useEffect } from 'react'
import { useValue } from 'tldraw'
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
