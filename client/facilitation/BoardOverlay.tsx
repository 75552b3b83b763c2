import { useEffect, useRef } from 'react'
import { useEditor, useValue, type TLShapeId } from 'tldraw'
import type { BoardDocs } from '../sync/boardSession'
import { canWrite, type Role } from '../../protocol/roles'
import { texts } from '../i18n'
import { useFacilitation } from './useFacilitation'
import { useVotes } from './useVotes'
import { privateRoundOf } from './privateWriting'
import { castVote, countVotes, votesLeft, withdrawVote } from './votes'

/** Duration of the camera move when the facilitator brings everyone to an area. */
const SUMMON_ANIMATION_MS = 600
const SUMMON_INSET_PX = 48

/**
 * Drawn in front of the canvas: the highlight of the current step, vote buttons while a round is
 * open, vote counts once it is closed; and it follows "Breng iedereen hierheen".
 */
export function BoardOverlay({ docs, role }: { docs: BoardDocs; role: Role }) {
  const t = texts()
  const editor = useEditor()
  const { state } = useFacilitation(docs.facilitationDoc)
  const { map: votesMap, entries } = useVotes(docs.doc)
  const voterId = useValue('voter', () => editor.user.getId(), [editor])

  // Follow a summon that happens while we are here (not one from before we joined).
  const lastNonce = useRef(state.summon?.nonce)
  useEffect(() => {
    const summon = state.summon
    if (!summon || summon.nonce === lastNonce.current) return
    lastNonce.current = summon.nonce
    editor.zoomToBounds(summon.bounds, { inset: SUMMON_INSET_PX, animation: { duration: SUMMON_ANIMATION_MS } })
  }, [state.summon, editor])

  const step = state.currentStep === null ? null : state.steps[state.currentStep]
  // Only while a voting or private round needs them: on a big board this would otherwise run
  // for every remote change.
  const needsNotes = Boolean(state.voting) || Boolean(state.privateRound?.active)
  const notes = useValue(
    'notes on screen',
    () => {
      if (!needsNotes) return []
      editor.getCamera() // re-run when the view moves
      return editor
        .getCurrentPageShapes()
        .filter((s) => s.type === 'note')
        .map((s) => {
          const b = editor.getShapePageBounds(s)!
          const topRight = editor.pageToViewport({ x: b.maxX, y: b.minY })
          return { id: s.id, x: topRight.x, y: topRight.y, isPrivate: privateRoundOf(s) !== null }
        })
    },
    [editor, needsNotes],
  )
  const highlight = useValue(
    'step highlight',
    () => {
      editor.getCamera()
      const b = step ? editor.getShapePageBounds(step.frameId as TLShapeId) : undefined
      if (!b) return null
      const tl = editor.pageToViewport({ x: b.minX, y: b.minY })
      const br = editor.pageToViewport({ x: b.maxX, y: b.maxY })
      return { x: tl.x, y: tl.y, w: br.x - tl.x, h: br.y - tl.y }
    },
    [editor, step?.frameId],
  )

  const voting = state.voting
  const shapeIds = new Set(notes.map((n) => n.id as string))
  const counts = voting ? countVotes(entries, voting.roundId, voting.votesPerPerson, shapeIds) : new Map<string, number>()
  const myKey = voting ? `${voting.roundId}|${voterId}` : ''
  const mine = voting ? (votesMap.get(myKey) as unknown) : undefined
  const myDots = (id: string) => (Array.isArray(mine) ? mine.filter((v) => v === id).length : 0)
  const left = voting ? votesLeft(entries, voting.roundId, voterId, voting.votesPerPerson, shapeIds) : 0
  const mayVote = Boolean(voting?.open) && canWrite(role)

  return (
    <div className="board-overlay">
      {highlight && <div className="step-highlight" data-testid="step-highlight" style={{ left: highlight.x, top: highlight.y, width: highlight.w, height: highlight.h }} />}
      {state.privateRound?.active && (
        <div className="private-banner" data-testid="private-banner">
          {t.privateBanner}
        </div>
      )}
      {notes
        .filter((n) => n.isPrivate)
        .map((n) => (
          <span key={`p-${n.id}`} className="private-badge" data-testid={`private-${n.id}`} style={{ left: n.x, top: n.y + 24 }}>
            {t.onlyYou}
          </span>
        ))}
      {mayVote && (
        <div className="votes-left" data-testid="votes-left">
          {t.votesLeft(left)}
        </div>
      )}
      {voting &&
        notes.map((note) => {
          const count = counts.get(note.id) ?? 0
          if (mayVote) {
            const dots = myDots(note.id)
            return (
              <span key={note.id} className="vote-control" style={{ left: note.x, top: note.y }}>
                {dots > 0 && (
                  <button className="vote-dots" title="−" data-testid={`unvote-${note.id}`} onClick={() => votesMap.set(myKey, withdrawVote(mine, note.id))}>
                    {'●'.repeat(dots)}
                  </button>
                )}
                <button
                  className="vote-button"
                  data-testid={`vote-${note.id}`}
                  disabled={left === 0}
                  onClick={() => {
                    const next = castVote(mine, note.id, voting.votesPerPerson, shapeIds)
                    if (next) votesMap.set(myKey, next)
                  }}
                >
                  + {t.vote}
                </button>
              </span>
            )
          }
          if (voting.open || count === 0) return null
          return (
            <span key={note.id} className="vote-count" data-testid={`votes-${note.id}`} style={{ left: note.x, top: note.y }}>
              {t.votes(count)}
            </span>
          )
        })}
    </div>
  )
}
