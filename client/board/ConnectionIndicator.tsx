import { useValue } from 'tldraw'
import { texts } from '../i18n'
import type { BoardSession } from '../sync/boardSession'
import { TooLargeNotice } from './TooLargeNotice'

/** Always visible: teachers must know whether colleagues see their notes right now. */
export function ConnectionIndicator({ session }: { session: BoardSession }) {
  const t = texts()
  const state = useValue(session.state)
  const closeReason = useValue(session.closeReason)
  const label = {
    connected: t.connected,
    connecting: t.reconnecting,
    offline: t.offline,
    closed: t.closed,
  }[state]
  const hint =
    state === 'offline'
      ? t.offlineHint
      : state === 'closed'
        ? (t.closeMessages[closeReason?.code ?? 0] ?? t.closedFallback)
        : undefined
  return (
    <div className={`connection connection-${state}`} data-testid="connection" data-state={state} title={hint}>
      <span className="connection-dot" aria-hidden="true" />
      <span role="status">{label}</span>
      {state === 'closed' && <span className="connection-error" role="alert">{hint}</span>}
      <TooLargeNotice session={session} />
    </div>
  )
}
