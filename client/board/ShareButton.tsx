import { useEffect, useState } from 'react'
import { boardLink, tokensFromFacilitator, type Role } from '../../protocol/roles'
import { texts } from '../i18n'
import { publicOrigin } from '../pageConfig'
import { rememberBoard } from '../home/myBoards'
import { ShareDialog } from './ShareDialog'

/**
 * "Delen". The facilitator gets all three links and a QR code; everyone else shares the link
 * they have (a viewer can only pass on viewing).
 */
export function ShareButton({ boardId, role, token }: { boardId: string; role: Role; token: string | null }) {
  const t = texts()
  const [open, setOpen] = useState(false)
  const [links, setLinks] = useState<Partial<Record<Role, string>>>({})
  useEffect(() => {
    const origin = publicOrigin()
    if (role === 'facilitator' && token) {
      const tokens = tokensFromFacilitator(token)
      rememberBoard(boardId, tokens)
      setLinks({
        facilitator: boardLink(origin, boardId, tokens.facilitator),
        participant: boardLink(origin, boardId, tokens.participant),
        viewer: boardLink(origin, boardId, tokens.viewer),
      })
    } else {
      setLinks({ [role]: token ? boardLink(origin, boardId, token) : `${origin}/b/${boardId}` })
    }
  }, [boardId, role, token])
  return (
    <>
      {role === 'viewer' && <span className="role-badge">{t.viewOnly}</span>}
      <button className="button primary" data-testid="share" onClick={() => setOpen(true)}>
        {t.share}
      </button>
      {open && <ShareDialog links={links} onClose={() => setOpen(false)} />}
    </>
  )
}
