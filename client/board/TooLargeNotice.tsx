import { useEffect, useState } from 'react'
import { createPortal } from 'react-dom'
import { useValue } from 'tldraw'
import type { BoardSession } from '../sync/boardSession'
import { syncTexts } from '../sync/syncTexts'

/** How long the notice stays unless closed first, in ms: long enough to read, then out of the way. */
export const TOO_LARGE_VISIBLE_MS = 12_000
/** Per session, how many were already shown: tldraw may mount its panel again, the notice must not come back. */
const shownUpTo = new WeakMap<BoardSession, number>()

/**
 * Says that a change of this page was too large to share (storeBinding.ts refused it, or the
 * socket held it back): otherwise a teacher would think colleagues see it. Shown again for each
 * new one. In the page's body, not in the tldraw panel it is rendered from (where the board's
 * notices could not position it).
 */
export function TooLargeNotice({ session }: { session: BoardSession }) {
  const t = syncTexts()
  const count = useValue(session.tooLargeChanges)
  const [closedAt, setClosed] = useState(() => shownUpTo.get(session) ?? 0)
  const setClosedAt = (n: number) => {
    shownUpTo.set(session, n)
    setClosed(n)
  }
  const visible = count > closedAt
  useEffect(() => {
    if (!visible) return
    const timer = setTimeout(() => setClosedAt(count), TOO_LARGE_VISIBLE_MS)
    return () => clearTimeout(timer)
  }, [visible, count])
  if (!visible) return null
  return createPortal(
    <p className="board-notice board-notice-warning" role="alert" data-testid="too-large">
      {t.tooLarge}{' '}
      <button type="button" className="link-button" onClick={() => setClosedAt(count)}>
        {t.close}
      </button>
    </p>,
    document.body,
  )
}
