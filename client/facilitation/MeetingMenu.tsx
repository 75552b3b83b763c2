import { useEffect, useState } from 'react'
import { useEditor } from 'tldraw'
import type { SnapshotInfo } from '../../protocol/api'
import { boardPagePath } from '../../protocol/paths'
import { TOKEN_PARAM } from '../../protocol/roles'
import { copyBoard, listSnapshots, loadSnapshot, saveSnapshot } from '../api'
import { rememberBoard } from '../home/myBoards'
import { formatDateTime, texts } from '../i18n'
import { usePopover } from './usePopover'
import { restoreSnapshot } from './restoreSnapshot'

/** The facilitator's "Bijeenkomst" menu: named snapshots kept by the server, and a copy for next time. */
export function MeetingMenu({ boardId, token }: { boardId: string; token: string }) {
  const t = texts()
  const editor = useEditor()
  const [open, setOpen] = usePopover()
  const [name, setName] = useState('')
  const [snapshots, setSnapshots] = useState<SnapshotInfo[]>([])
  const [message, setMessage] = useState<string | null>(null)
  const refresh = async () => {
    const result = await listSnapshots(boardId, token)
    if (result.ok) setSnapshots(result.value)
    else setMessage(t.offlineAction)
  }
  useEffect(() => {
    if (open) void refresh()
  }, [open])

  const save = async () => {
    const result = await saveSnapshot(boardId, token, name)
    if (!result.ok) return setMessage(result.why === 'tooMany' ? t.tooManyCreated : t.offlineAction)
    setName('')
    setMessage(t.snapshotSaved)
    await refresh()
  }
  const restore = async (snapshot: SnapshotInfo) => {
    const result = await loadSnapshot(boardId, token, snapshot.id)
    if (!result.ok) return setMessage(t.offlineAction)
    restoreSnapshot(editor, result.value)
    setMessage(t.snapshotRestored(snapshot.name))
  }
  const copyForNextMeeting = async () => {
    const result = await copyBoard(boardId, token)
    if (!result.ok) return setMessage(result.why === 'tooMany' ? t.tooManyCreated : t.offlineAction)
    const copy = result.value
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
                  {s.name} <small>{formatDateTime(new Date(s.createdAt))}</small>
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
