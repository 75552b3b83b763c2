import { computed, react } from '@tldraw/state'
import { createUserId, UserRecordType, type TLStore } from '@tldraw/tlschema'
import type { Editor } from 'tldraw'
import { CloseCode } from '../../protocol/closeCodes'
import { canWrite, type Role } from '../../protocol/roles'
import { fetchRole } from '../api'
import { Facilitation } from '../facilitation/facilitationState'
import { isPrivateRecord, PrivateNotes } from '../facilitation/privateWriting'
import { rememberBoard } from '../home/myBoards'
import { BoardSession } from './boardSession'
import { bindPresence } from './presence'
import { pageConfig } from '../pageConfig'
import { bindStoreToDoc, maxRecordBytesFor, type StoreBinding } from './storeBinding'

/** "Mijn borden" shows when a board last changed; written at most this often. */
const LAST_CHANGE_WRITE_INTERVAL_MS = 60_000
/** A hidden tab gets no animation frames: remote changes reach its store on this timer instead. */
const HIDDEN_TAB_FLUSH_MS = 250

export interface OpenBoardOptions {
  boardId: string
  role: Role
  token: string | null
  /** The page's tldraw store (the editor is made on it once the board is open). */
  store: TLStore
  /** A record from the board that tldraw refuses; it is skipped. */
  onSkippedRecord?: (record: unknown) => void
  /**
   * The board was deleted ("Bord verwijderen", or by the server after BOARD_RETENTION_DAYS): the
   * page says so and drops its local copy (localCopy.ts) once this board is closed.
   */
  onDeleted?: () => void
}

/** A board whose session is open but whose document could not be bound to the editor. */
export class BoardNotOpened extends Error {
  constructor(
    readonly session: BoardSession,
    override readonly cause: unknown,
  ) {
    super('the board could not be opened')
  }
}

/**
 * Everything a board page does to open a board, without React: the session (local copy and
 * websockets), the binding of the document to the tldraw store, and once the editor exists the
 * presence and private notes. The page only renders what this gives it.
 */
export class OpenBoard {
  private readonly cleanups: Array<() => void> = []

  private constructor(
    readonly session: BoardSession,
    private readonly options: OpenBoardOptions,
    binding: StoreBinding,
  ) {
    this.cleanups.push(() => binding.unbind())
    let lastWrite = 0
    const onUpdate = () => {
      if (Date.now() - lastWrite < LAST_CHANGE_WRITE_INTERVAL_MS) return
      lastWrite = Date.now()
      rememberBoard(options.boardId, {}, { lastChanged: lastWrite })
    }
    session.doc.on('update', onUpdate)
    this.cleanups.push(() => session.doc.off('update', onUpdate))
    // The server closes every socket of a deleted board with BoardDeleted; a page that was away
    // then finds the id refused as unknown (4404) when it comes back, and asks the API why.
    let told = false
    this.cleanups.push(
      react('board deleted?', () => {
        const code = session.closeReason.get()?.code
        if (told || (code !== CloseCode.BoardDeleted && code !== CloseCode.UnknownBoard)) return
        told = true
        if (code === CloseCode.BoardDeleted) return options.onDeleted?.()
        void fetchRole(options.boardId, options.token).then((answer) => {
          if (!answer.ok && answer.why === 'deleted') options.onDeleted?.()
        })
      }),
    )
  }

  /**
   * Opens the board: resolves once it can be shown (from the local copy, the server or a
   * timeout). Rejects with BoardNotOpened (session still open, for a restore) when the document
   * cannot be bound; `signal` abandons it (the session is closed).
   */
  static async open(options: OpenBoardOptions, signal: AbortSignal): Promise<OpenBoard> {
    const { boardId, role, token, store } = options
    const session = new BoardSession(boardId, { token, keepLocalCopy: canWrite(role), writesFacilitation: role === 'facilitator' })
    await session.ready
    if (signal.aborted) {
      session.destroy()
      throw signal.reason
    }
    let binding: StoreBinding | null = null
    try {
      binding = bindStoreToDoc(store, session.doc, {
        readOnly: !canWrite(role),
        owns: (record) => !isPrivateRecord(record),
        // One store change per frame; a hidden tab gets no frames, so it catches up on a timer.
        schedule: (flush) => (document.hidden ? setTimeout(flush, HIDDEN_TAB_FLUSH_MS) : requestAnimationFrame(flush)),
        onInvalidRecord: (record, error) => {
          console.warn('Samenbord: skipped an unreadable record', record, error)
          options.onSkippedRecord?.(record)
        },
        // Refused here, before it enters the doc: sent, the server would refuse it on every reconnect.
        maxRecordBytes: maxRecordBytesFor(pageConfig().maxMessageBytes),
        onTooLarge: (record) => {
          console.warn('Samenbord: a change too large to share was not put on the board', record.id)
          session.tooLargeChanges.update((n) => n + 1)
        },
        onUnusableSchema: (schema) => console.warn("Samenbord: the board's stored schema could not be used; records were read as they are", schema),
      })
      if (canWrite(role)) binding.seedIfEmpty()
    } catch (error) {
      binding?.unbind()
      throw new BoardNotOpened(session, error)
    }
    return new OpenBoard(session, options, binding)
  }

  /** Presence and private notes for the editor on this board; returns what undoes it. */
  attachEditor(editor: Editor): () => void {
    const { store, role, boardId, token } = this.options
    const $user = computed('samenbord user', () =>
      UserRecordType.create({ id: createUserId(editor.user.getId()), name: editor.user.getName(), color: editor.user.getColor() }),
    )
    const unbindPresence = bindPresence(store, this.session.provider.awareness, $user)
    const privateNotes = canWrite(role) ? new PrivateNotes(boardId, token, store, () => this.session.tooLargeChanges.update((n) => n + 1)) : null
    privateNotes?.attach(editor, new Facilitation(this.session.facilitationDoc))
    return () => {
      privateNotes?.destroy()
      unbindPresence()
    }
  }

  close(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup()
    this.session.destroy()
  }
}
