import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { createTLStore, defaultBindingUtils, defaultShapeUtils, getUserPreferences, PeopleMenu, setUserPreferences, Tldraw, type Editor, type TLComponents } from 'tldraw'
import 'tldraw/tldraw.css'
import type { TemplateStep } from '../../templates/types'
import { BoardOverlay } from '../facilitation/BoardOverlay'
import { FacilitationBar } from '../facilitation/FacilitationBar'
import { Facilitation } from '../facilitation/facilitationState'
import { syncServerClock } from '../facilitation/serverClock'
import { currentLanguage, texts } from '../i18n'
import type { BoardSession } from '../sync/boardSession'
import { dropLocalCopy } from '../sync/localCopy'
import { BoardNotOpened, OpenBoard } from '../sync/openBoard'
import { ConnectionIndicator } from './ConnectionIndicator'
import { NameDialog } from './NameDialog'
import { canWrite, type Role } from '../../protocol/roles'
import { rememberBoard } from '../home/myBoards'
import { tokenFromLocation } from './boardLink'
import { fetchRole, type RoleAnswer } from './roleOfPage'
import { UnreadableNotice } from '../facilitation/UnreadableNotice'
import { pageConfig, tldrawLicenseKey } from '../pageConfig'
import { AssetNotices, ReplaceUploadToasts } from '../assets/AssetNotices'
import { BoardAssetStore, MAX_ORIGINAL_FILE_BYTES } from '../assets/assetStore'
import { MAX_IMAGE_SIDE_PX } from '../assets/prepareImage'
import { refusalMessage } from '../assets/assetTexts'
import { BoardUnavailable } from './BoardUnavailable'
import { LicenceMessage } from './LicenceMessage'
import { ShareButton } from './ShareButton'
import { applyTemplateFromUrl } from './templateParam'
import { InsertTemplateButton } from './InsertTemplateButton'

/** Fonts, icons and translations come from our own origin: no CDN, works on a closed network. */
const assetUrls = getAssetUrlsByImport()
const NAME_KEY = 'samenbord:name'

declare global {
  interface Window {
    /** The tldraw editor of the open board, for tests and debugging. */
    editor?: Editor
    /** The board's Y.Doc, for tests and debugging. */
    samenbordDoc?: import('yjs').Doc
    /** The board's facilitation room (title, steps, timer), for tests and debugging. */
    samenbordFacilitationDoc?: import('yjs').Doc
  }
}

/** Finds out what this page's link allows, then opens the board with that role. */
export function BoardPage({ boardId }: { boardId: string }) {
  const t = texts()
  const [answer, setAnswer] = useState<RoleAnswer | null>(null)
  const token = useMemo(tokenFromLocation, [])
  useEffect(() => {
    let cancelled = false
    fetchRole(boardId, token).then((a) => {
      if (cancelled) return
      if ('role' in a) rememberBoard(boardId, token ? { [a.role]: token } : {})
      setAnswer(a)
    })
    return () => {
      cancelled = true
    }
  }, [boardId, token])
  const deleted = answer !== null && 'error' in answer && answer.error === 'deleted'
  // After the board (and with it its session and local databases) has closed: nothing of it stays here.
  useEffect(() => {
    if (deleted) void dropLocalCopy(boardId)
  }, [deleted, boardId])
  if (!answer) return <div className="loading">{t.loading}</div>
  if ('error' in answer) {
    return (
      <main className="home">
        <h1>Samenbord</h1>
        <p role="alert" data-testid="link-error" data-error={answer.error}>
          {answer.error === 'forbidden' ? t.wrongLink : answer.error === 'unknown' ? t.unknownBoard : answer.error === 'deleted' ? t.boardDeleted : t.offlineNoCopy}
        </p>
        {deleted && <p>{t.boardDeletedHint}</p>}
        <a className="button" href="/">
          {t.toHome}
        </a>
      </main>
    )
  }
  return <Board boardId={boardId} role={answer.role} token={token} onDeleted={() => setAnswer({ error: 'deleted' })} />
}

function Board({ boardId, role, token, onDeleted }: { boardId: string; role: Role; token: string | null; onDeleted: () => void }) {
  const t = texts()
  /** Bumped by "Opnieuw proberen": a fresh store and session. */
  const [attempt, setAttempt] = useState(0)
  const [refusal, setRefusal] = useState<string | null>(null)
  const closeRefusal = useCallback(() => setRefusal(null), [])
  /** Photos and files: uploaded to the server, the document holds only their reference. */
  const assets = useMemo(() => {
    const { maxAssetBytes } = pageConfig()
    return new BoardAssetStore({ boardId, token, maxAssetBytes, writes: canWrite(role), onRefused: (because) => setRefusal(refusalMessage(because, maxAssetBytes)) })
  }, [boardId, token, role, attempt])
  useEffect(() => () => assets.destroy(), [assets])
  const store = useMemo(() => {
    // The language before the editor mounts: tldraw's messages about dropped files are fixed then.
    setUserPreferences({ ...getUserPreferences(), locale: currentLanguage() })
    return createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils, assets })
  }, [assets])
  const [board, setBoard] = useState<OpenBoard | null>(null)
  const session = board?.session ?? null
  /** The board could not be bound to the editor; the session stays open for a restore. */
  const [unavailable, setUnavailable] = useState<BoardSession | null>(null)
  const [skipped, setSkipped] = useState(0)
  const [name, setName] = useState(() => localStorage.getItem(NAME_KEY))

  useEffect(() => {
    const abort = new AbortController()
    let opened: OpenBoard | null = null
    let failed: BoardSession | null = null
    setSkipped(0)
    OpenBoard.open({ boardId, role, token, store, onSkippedRecord: () => setSkipped((n) => n + 1), onDeleted }, abort.signal).then(
      (b) => {
        if (abort.signal.aborted) return b.close()
        opened = b
        setBoard(b)
      },
      (error) => {
        if (!(error instanceof BoardNotOpened)) return
        // Whatever went wrong, the page says so and offers a way back, instead of loading for ever.
        console.error('Samenbord: the board could not be opened', error.cause)
        if (abort.signal.aborted) return error.session.destroy()
        failed = error.session
        setUnavailable(error.session)
      },
    )
    return () => {
      abort.abort()
      opened?.close()
      failed?.destroy()
      setBoard(null)
      setUnavailable(null)
    }
  }, [boardId, store, token, role])

  const components = useMemo<TLComponents>(
    () => ({
      SharePanel: () =>
        session ? (
          <div className="board-top-right">
            <PeopleMenu />
            <ConnectionIndicator session={session} />
            <InsertTemplateButton onSteps={saveSteps} role={role} facilitationDoc={session.facilitationDoc} />
            <ShareButton boardId={boardId} role={role} token={token} />
          </div>
        ) : null,
      TopPanel: () => (session ? <FacilitationBar docs={session} role={role} boardId={boardId} token={token} /> : null),
      InFrontOfTheCanvas: () => (session ? <BoardOverlay docs={session} role={role} /> : null),
    }),
    [session, boardId, role, token],
  )

  if (unavailable) {
    return <BoardUnavailable boardId={boardId} role={role} token={token} doc={unavailable.doc} store={store} onRetry={() => setAttempt((n) => n + 1)} />
  }
  if (!board || !session) return <div className="loading">{t.loading}</div>

  /** A template's meeting steps become the board's steps; only the facilitator may set them. */
  function saveSteps(steps: TemplateStep[]) {
    if (role === 'facilitator' && session) new Facilitation(session.facilitationDoc).setSteps(steps)
  }

  const onMount = (editor: Editor) => {
    window.editor = editor
    window.samenbordDoc = session.doc
    window.samenbordFacilitationDoc = session.facilitationDoc
    if (!canWrite(role)) editor.updateInstanceState({ isReadonly: true })
    // A viewer is not asked for a name (they may only look) but is not a nameless cursor either.
    const shownName = name ?? (canWrite(role) ? null : t.viewerName)
    editor.user.updateUserPreferences({ locale: currentLanguage(), ...(shownName ? { name: shownName } : {}) })
    const detach = board.attachEditor(editor)
    if (canWrite(role)) assets.attach(editor)
    applyTemplateFromUrl(editor, saveSteps)
    void syncServerClock()
    return () => {
      detach()
      assets.detach()
      if (window.editor === editor) delete window.editor
    }
  }

  return (
    <div className="board">
      <Tldraw
        store={store}
        assetUrls={assetUrls}
        licenseKey={tldrawLicenseKey()}
        components={components}
        onMount={onMount}
        maxImageDimension={MAX_IMAGE_SIDE_PX}
        maxAssetSize={MAX_ORIGINAL_FILE_BYTES}
      >
        <ReplaceUploadToasts refusal={refusal} />
      </Tldraw>
      <AssetNotices assets={assets} refusal={refusal} onClose={closeRefusal} />
      <LicenceMessage />
      {role === 'facilitator' && <UnreadableNotice facilitationDoc={session.facilitationDoc} />}
      {skipped > 0 && (
        <p className="board-notice" role="status" data-testid="skipped-records">
          {t.skippedRecords(skipped)}
        </p>
      )}
      {!name && canWrite(role) && (
        <NameDialog
          onDone={(chosen) => {
            localStorage.setItem(NAME_KEY, chosen)
            window.editor?.user.updateUserPreferences({ name: chosen })
            setName(chosen)
          }}
        />
      )}
    </div>
  )
}
