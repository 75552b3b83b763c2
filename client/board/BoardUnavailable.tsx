import type { TLStore } from '@tldraw/tlschema'
import { useEffect, useState } from 'react'
import type * as Y from 'yjs'
import type { SnapshotInfo } from '../../protocol/api'
import type { Role } from '../../protocol/roles'
import { listSnapshots, loadSnapshot } from '../api'
import { restoreSnapshotIntoDoc } from '../facilitation/restoreSnapshot'
import { formatDateTime, texts } from '../i18n'

/**
 * What a board page shows when the board cannot be opened (never an endless "Bord laden…"): what
 * happened, "Opnieuw proberen", and for the facilitator the board's snapshots, which can be put
 * back without the editor (straight into the board's document, synced like any edit).
 */
export function BoardUnavailable(props: { boardId: string; role: Role; token: string | null; doc: Y.Doc; store: TLStore; onRetry: () => void }) {
  const { boardId, role, token, doc, store, onRetry } = props
  const t = texts()
  const [snapshots, setSnapshots] = useState<SnapshotInfo[] | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const facilitator = role === 'facilitator' && token !== null
  useEffect(() => {
    if (!facilitator) return
    void listSnapshots(boardId, token).then((result) => (result.ok ? setSnapshots(result.value) : setMessage(t.offlineAction)))
  }, [boardId, token, facilitator])
  const restore = async (snapshot: SnapshotInfo) => {
    const result = await loadSnapshot(boardId, token!, snapshot.id)
    if (!result.ok) return setMessage(t.offlineAction)
    restoreSnapshotIntoDoc(doc, store, result.value)
    onRetry()
  }
  return (
    <main className="home board-unavailable" data-testid="board-unavailable">
      <h1>Samenbord</h1>
      <p role="alert">{t.boardUnavailable}</p>
      <p>{t.boardUnavailableHint}</p>
      <button className="button primary" data-testid="board-retry" onClick={onRetry}>
        {t.retry}
      </button>
      {facilitator && (
        <section aria-labelledby="restore-heading">
          <p id="restore-heading">{t.restoreSnapshotHint}</p>
          {snapshots?.length === 0 && <p>{t.noSnapshots}</p>}
          <ul className="snapshot-list">
            {snapshots?.map((s) => (
              <li key={s.id}>
                <span>
                  {s.name} — {formatDateTime(new Date(s.createdAt))}
                </span>{' '}
                <button className="button" data-testid="unavailable-restore" onClick={() => void restore(s)}>
                  {t.restore}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {message && <p role="status">{message}</p>}
      <a className="button" href="/">
        {t.toHome}
      </a>
    </main>
  )
}
