import { useEffect, useState } from 'react'
import { texts } from '../i18n'

/** The element tldraw puts in place of the whole editor when it finds no valid licence. */
const TLDRAW_LICENCE_HIDDEN_SELECTOR = '[data-testid="tl-license-expired"]'
/** tldraw decides 5 s after load (LICENSE_TIMEOUT); we look for its verdict until a while after. */
const CHECK_EVERY_MS = 1_000
const CHECK_FOR_MS = 20_000

/**
 * On a production host (https, not localhost) tldraw hides the editor 5 s after it loads when the
 * licence key is missing, invalid, for another domain or expired. We never work around that
 * check: we only notice that it happened, and tell the administrator what to do, instead of
 * leaving a blank page.
 */
export function LicenceMessage() {
  const t = texts()
  const [hidden, setHidden] = useState(false)
  useEffect(() => {
    const started = Date.now()
    const timer = setInterval(() => {
      if (document.querySelector(TLDRAW_LICENCE_HIDDEN_SELECTOR)) setHidden(true)
      else if (Date.now() - started < CHECK_FOR_MS) return
      clearInterval(timer)
    }, CHECK_EVERY_MS)
    return () => clearInterval(timer)
  }, [])
  if (!hidden) return null
  return (
    <main className="home licence-message" role="alert" data-testid="licence-message">
      <h1>Samenbord</h1>
      <h2>{t.licenceTitle}</h2>
      <p>{t.licenceWhat}</p>
      <p>{t.licenceHow}</p>
      <p lang={t.licenceOtherLanguage.lang}>
        <strong>{t.licenceOtherLanguage.title}</strong> {t.licenceOtherLanguage.text}
      </p>
    </main>
  )
}
