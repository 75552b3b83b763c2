import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useEffect, useMemo, useState } from 'react'
import {
  computed,
  createTLStore,
  createUserId,
  defaultBindingUtils,
  defaultShapeUtils,
  Tldraw,
  UserRecordType,
  type Editor,
  type TLComponents,
} from 'tldraw'
import 'tldraw/tldraw.css'
import { currentLanguage, texts } from '../i18n'
import { BoardSession } from '../sync/boardSession'
import { bindPresence } from '../sync/presence'
import { bindStoreToDoc } from '../sync/storeBinding'
import { ConnectionIndicator } from './ConnectionIndicator'
import { NameDialog } from './NameDialog'
import { ShareButton } from './ShareButton'
import { applyTemplateFromUrl } from './templateParam'
import { InsertTemplateButton } from './InsertTemplateButton'

/** Fonts, icons and translations come from our own origin: no CDN, works on a closed network. */
const assetUrls = getAssetUrlsByImport()
/** Needed on a production (https, non-localhost) host only; see README. */
const licenseKey = import.meta.env.VITE_TLDRAW_LICENSE_KEY as string | undefined
const NAME_KEY = 'samenbord:name'

declare global {
  interface Window {
    /** The tldraw editor of the open board, for tests and debugging. */
    editor?: Editor
  }
}

export function BoardPage({ boardId }: { boardId: string }) {
  const t = texts()
  const store = useMemo(
    () => createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils }),
    [boardId],
  )
  const [session, setSession] = useState<BoardSession | null>(null)
  const [name, setName] = useState(() => localStorage.getItem(NAME_KEY))

  useEffect(() => {
    const s = new BoardSession(boardId)
    let binding: ReturnType<typeof bindStoreToDoc> | null = null
    let cancelled = false
    s.ready.then(() => {
      if (cancelled) return
      binding = bindStoreToDoc(store, s.doc, {
        onInvalidRecord: (record, error) => console.warn('Samenbord: skipped an unreadable record', record, error),
      })
      binding.seedIfEmpty()
      setSession(s)
    })
    return () => {
      cancelled = true
      binding?.unbind()
      s.destroy()
      setSession(null)
    }
  }, [boardId, store])

  const components = useMemo<TLComponents>(
    () => ({
      SharePanel: () =>
        session ? (
          <div className="board-top-right">
            <ConnectionIndicator session={session} />
            <InsertTemplateButton />
            <ShareButton />
          </div>
        ) : null,
    }),
    [session],
  )

  if (!session) return <div className="loading">{t.loading}</div>

  const onMount = (editor: Editor) => {
    window.editor = editor
    editor.user.updateUserPreferences({ locale: currentLanguage(), ...(name ? { name } : {}) })
    const $user = computed('samenbord user', () =>
      UserRecordType.create({
        id: createUserId(editor.user.getId()),
        name: editor.user.getName(),
        color: editor.user.getColor(),
      }),
    )
    const unbindPresence = bindPresence(store, session.provider.awareness, $user)
    applyTemplateFromUrl(editor)
    return () => {
      unbindPresence()
      if (window.editor === editor) delete window.editor
    }
  }

  return (
    <div className="board">
      <Tldraw
        store={store}
        assetUrls={assetUrls}
        licenseKey={licenseKey}
        components={components}
        onMount={onMount}
      />
      {!name && (
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
