import { useState } from 'react'
import { texts } from '../i18n'

/** Copies the board link. Where the clipboard is not allowed (plain http), shows it to copy by hand. */
export function ShareButton() {
  const t = texts()
  const [copied, setCopied] = useState(false)
  const [manual, setManual] = useState(false)
  const link = location.origin + location.pathname
  const share = async () => {
    try {
      await navigator.clipboard.writeText(link)
      setCopied(true)
      setTimeout(() => setCopied(false), 2000)
    } catch {
      setManual(true)
    }
  }
  return (
    <div className="share">
      <button className="button primary" data-testid="share" onClick={share}>
        {copied ? t.linkCopied : t.share}
      </button>
      {manual && (
        <label className="share-manual">
          {t.copyThisLink}
          <input readOnly value={link} autoFocus onFocus={(e) => e.currentTarget.select()} />
        </label>
      )}
    </div>
  )
}
