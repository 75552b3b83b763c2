import QRCode from 'qrcode'
import { useEffect, useState } from 'react'
import type { Role } from '../../protocol/roles'
import { texts } from '../i18n'

/** Large enough to scan from the back of a classroom when shown on a projector. */
const QR_SIZE_PX = 320

export function ShareDialog({ links, onClose }: { links: Partial<Record<Role, string>>; onClose(): void }) {
  const t = texts()
  const [qr, setQr] = useState<string | null>(null)
  const [copied, setCopied] = useState<Role | null>(null)
  const joinLink = links.participant ?? links.viewer
  useEffect(() => {
    if (!joinLink) return
    QRCode.toString(joinLink, { type: 'svg', margin: 1, width: QR_SIZE_PX }).then(setQr, () => setQr(null))
  }, [joinLink])
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onClose])
  const [selected, setSelected] = useState<Role | null>(null)
  const copy = async (role: Role, link: string) => {
    try {
      await navigator.clipboard.writeText(link)
      setCopied(role)
    } catch {
      // Without clipboard access (plain http: no navigator.clipboard) the field is selected to copy by hand.
      document.querySelector<HTMLInputElement>(`[data-testid="link-${role}"]`)?.select()
      setSelected(role)
    }
  }
  const labels: Record<Role, string> = {
    facilitator: t.linkFacilitator,
    participant: t.linkParticipant,
    viewer: t.linkViewer,
  }
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog share-dialog" role="dialog" aria-labelledby="share-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="share-title">{t.shareTitle}</h2>
        {(['participant', 'viewer', 'facilitator'] as Role[]).map((role) =>
          links[role] ? (
            <label key={role} className="share-link">
              <span>{labels[role]}</span>
              <span className="share-link-row">
                <input readOnly data-testid={`link-${role}`} value={links[role]} onFocus={(e) => e.currentTarget.select()} />
                <button className="button" onClick={() => copy(role, links[role]!)}>
                  {copied === role ? t.copied : selected === role ? t.selectedCopyByHand : t.copy}
                </button>
              </span>
            </label>
          ) : null,
        )}
        {!window.isSecureContext && (
          <p className="share-hint" data-testid="insecure-hint">
            {t.insecureHint}
          </p>
        )}
        {qr && (
          <figure className="share-qr" data-testid="share-qr">
            <img alt={t.qrHint} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr)}`} width={QR_SIZE_PX} height={QR_SIZE_PX} />
            <figcaption>{t.qrHint}</figcaption>
          </figure>
        )}
        <button className="button" onClick={onClose}>
          {t.close}
        </button>
      </div>
    </div>
  )
}
