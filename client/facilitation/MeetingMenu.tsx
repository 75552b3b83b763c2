import { useEffect, useRef, useState } from 'react'
import { useEditor } from 'tldraw'
import type { SnapshotInfo } from '../../protocol/api'
import { boardPagePath } from '../../protocol/paths'
import { TOKEN_PARAM } from '../../protocol/roles'
import { copyBoard, deleteBoard, fetchDeleteAfter, listSnapshots, loadSnapshot, saveSnapshot } from '../api'
import { rememberBoard } from '../home/myBoards'
import { formatDate, formatDateTime, texts } from '../i18n'
import { usePopover } from './usePopover'
import { restoreSnapshot } from './restoreSnapshot'
import type { Facilitation } from './facilitationState'

/** How long the page waits for the server's 4410 after "Bord verwijderen" before it reloads (then the server says 410). */
const RELOAD_AFTER_DELETE_MS = 3_000

/**
 * The facilitator's "Bijeenkomst" menu: named snapshots kept by the server, a copy for next time,
 * when the server would delete the board by itself, and "Bord verwijderen" (after a confirmation).
 */
export function MeetingMenu({ boardId, token, facilitation, templatesForAll }: { boardId: string; token: string; facilitation: Facilitation; templatesForAll: boolean }) {
  const t = texts()
  const editor = useEditor()
  const [open, setOpen] = usePopover()
  const [name, setName] = useState('')
  const [snapshots, setSnapshots] = useState<SnapshotInfo[]>([])
  const [message, setMessage] = useState<string | null>(null)
  const [deleteAfter, setDeleteAfter] = useState<number | null>(null)
  const [confirmingDelete, setConfirmingDelete] = useState(false)
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])
  const refresh = async () => {
    const result = await listSnapshots(boardId, token)
    if (result.ok) setSnapshots(result.value)
    else setMessage(t.offlineAction)
  }
  useEffect(() => {
    if (!open) {
      setConfirmingDelete(false)
      return
    }
    void refresh()
    void fetchDeleteAfter(boardId, token).then((result) => result.ok && setDeleteAfter(result.value))
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
  const removeBoard = async () => {
    const result = await deleteBoard(boardId, token)
    if (!result.ok && result.why !== 'deleted') return setMessage(t.deleteFailed)
    // The server closed this page's sockets with 4410 before it answered, and the page is
    // switching to "Dit bord is verwijderd"; if those sockets were not open, a reload gets there.
    setTimeout(() => mounted.current && location.reload(), RELOAD_AFTER_DELETE_MS)
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
          <label className="menu-check">
            <input
              type="checkbox"
              data-testid="templates-for-all"
              checked={templatesForAll}
              onChange={(e) => facilitation.setTemplatesForAll(e.currentTarget.checked)}
            />{' '}
            {t.templatesForAll}
          </label>
          <button className="bar-button" data-testid="copy-board" onClick={() => void copyForNextMeeting()}>
            {t.copyForNextMeeting}
          </button>
          {deleteAfter !== null && (
            <p className="menu-hint" data-testid="delete-after">
              {t.deleteAfter(formatDate(new Date(deleteAfter)))}
            </p>
          )}
          {confirmingDelete ? (
            <div className="delete-confirm" role="group" aria-label={t.deleteBoard}>
              <p className="menu-hint">{t.deleteBoardWarning}</p>
              <span className="delete-confirm-buttons">
                <button className="bar-button danger" data-testid="delete-board-confirm" onClick={() => void removeBoard()}>
                  {t.deleteBoardConfirm}
                </button>
                <button className="bar-button" data-testid="delete-board-cancel" onClick={() => setConfirmingDelete(false)}>
                  {t.cancel}
                </button>
              </span>
            </div>
          ) : (
            <button className="bar-button danger-quiet" data-testid="delete-board" onClick={() => setConfirmingDelete(true)}>
              {t.deleteBoard}
            </button>
          )}
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
