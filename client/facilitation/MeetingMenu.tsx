import { useEffect, useState } from 'react'
import { useEditor } from 'tldraw'
import { HTTP_TOO_MANY_REQUESTS } from '../../protocol/apiStatus'
import { boardPagePath } from '../../protocol/paths'
import { TOKEN_PARAM, type CreatedBoard } from '../../protocol/roles'
import { rememberBoard } from '../home/myBoards'
import { texts } from '../i18n'
import { usePopover } from './usePopover'
import { restoreSnapshot } from './restoreSnapshot'

interface SnapshotInfo {
  id: string
  name: string
  createdAt: number
}

/** The facilitator's "Bijeenkomst" menu: named snapshots kept by the server, and a copy for next time. */
export function MeetingMenu({ boardId, token }: { boardId: string; token: string }) {
  const t = texts()
  const editor = useEditor()
  const [open, setOpen] = usePopover()
  const [name, setName] = useState('')
  const [snapshots, setSnapshots] = useState<SnapshotInfo[]>([])
  const [message, setMessage] = useState<string | null>(null)
  const api = `/api/boards/${boardId}/snapshots`
  const auth = `${TOKEN_PARAM}=${encodeURIComponent(token)}`
  const refresh = async () => {
    const res = await fetch(`${api}?${auth}`)
    if (res.ok) setSnapshots(await res.json())
  }
  useEffect(() => {
    if (open) void refresh().catch(() => setMessage(t.offlineAction))
  }, [open])

  const save = async () => {
    const res = await fetch(`${api}?${auth}`, { method: 'POST', body: JSON.stringify({ name }) }).catch(() => null)
    if (res?.status === HTTP_TOO_MANY_REQUESTS) return setMessage(t.tooManyCreated)
    if (!res?.ok) return setMessage(t.offlineAction)
    setName('')
    setMessage(t.snapshotSaved)
    await refresh()
  }
  const restore = async (snapshot: SnapshotInfo) => {
    const res = await fetch(`${api}/${snapshot.id}?${auth}`).catch(() => null)
    if (!res?.ok) return setMessage(t.offlineAction)
    restoreSnapshot(editor, new Uint8Array(await res.arrayBuffer()))
    setMessage(t.snapshotRestored(snapshot.name))
  }
  const copyForNextMeeting = async () => {
    const res = await fetch(`/api/boards?copyFrom=${boardId}&${auth}`, { method: 'POST' }).catch(() => null)
    if (res?.status === HTTP_TOO_MANY_REQUESTS) return setMessage(t.tooManyCreated)
    if (!res?.ok) return setMessage(t.offlineAction)
    const copy = (await res.json()) as CreatedBoard
    rememberBoard(copy.boardId, copy.tokens)
    location.assign(`${boardPagePath(copy.boardId)}#${TOKEN_PARAM}=${copy.tokens.facilitator}`)
  }

  return (
    <span className="menu-anchor">
      <button className="bar-button" data-testid="meeting-menu" onClick={() => setOpen((v) => !v)}>
        {t.meeting}
      </button>
      {open && (
        <div className="bar-popover meeting-popover">
          <form
            className="snapshot-form"
            onSubmit={(e) => {
              e.preventDefault()
              if (name.trim()) void save()
            }}
          >
            <input data-testid="snapshot-name" placeholder={t.snapshotNamePlaceholder} value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
            <button className="bar-button" data-testid="snapshot-save" disabled={!name.trim()}>
              {t.saveSnapshot}
            </button>
          </form>
          <ul className="snapshot-list" data-testid="snapshot-list">
            {snapshots.map((s) => (
              <li key={s.id}>
                <span>
                  {s.name} <small>{new Date(s.createdAt).toLocaleString()}</small>
                </span>
                <button className="bar-button" data-testid={`restore-${s.name}`} onClick={() => void restore(s)}>
                  {t.restore}
                </button>
              </li>
            ))}
          </ul>
          <button className="bar-button" data-testid="copy-board" onClick={() => void copyForNextMeeting()}>
            {t.copyForNextMeeting}
          </button>
          {message && (
            <p className="menu-hint" role="status">
              {message}
            </p>
          )}
        </div>
      )}
    </span>
  )
}
