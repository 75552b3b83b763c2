import { useEffect, useState } from 'react'
import type { BoardDocs } from '../sync/boardSession'
import type { Role } from '../../protocol/roles'
import { rememberBoard } from '../home/myBoards'
import { texts } from '../i18n'
import { useFacilitation } from './useFacilitation'
import { TimerDisplay } from './TimerDisplay'
import { ExportMenu } from './ExportMenu'
import { FacilitatorControls } from './FacilitatorControls'
import { MeetingMenu } from './MeetingMenu'

/**
 * The meeting bar at the top: title, agenda, countdown, current step — for everyone; the
 * facilitator also gets the controls. Only the facilitator's page ever writes facilitation state
 * (the server refuses anyone else in the facilitation room).
 */
export function FacilitationBar({ docs, role, boardId, token }: { docs: BoardDocs; role: Role; boardId: string; token: string | null }) {
  const t = texts()
  const { facilitation, state } = useFacilitation(docs.facilitationDoc)
  const [showAgenda, setShowAgenda] = useState(false)
  useEffect(() => {
    if (state.title) rememberBoard(boardId, {}, { title: state.title })
  }, [boardId, state.title])
  const isFacilitator = role === 'facilitator'
  const step = state.currentStep === null ? null : state.steps[state.currentStep]
  return (
    <div className="facilitation-bar" data-testid="facilitation-bar">
      {isFacilitator ? (
        <input
          className="board-title-input"
          data-testid="board-title-input"
          placeholder={t.titlePlaceholder}
          defaultValue={state.title}
          key={state.title}
          onBlur={(e) => e.currentTarget.value !== state.title && facilitation.setTitle(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
        />
      ) : (
        <strong className="board-title" data-testid="board-title">
          {state.title || t.untitled}
        </strong>
      )}
      <button className="bar-button" data-testid="agenda-toggle" onClick={() => setShowAgenda((v) => !v)}>
        {t.agenda}
      </button>
      <TimerDisplay timer={state.timer} />
      {step && (
        <span className="current-step" data-testid="current-step">
          {t.step} {state.currentStep! + 1}/{state.steps.length}: {step.title}
        </span>
      )}
      {isFacilitator && <FacilitatorControls facilitation={facilitation} state={state} />}
      {isFacilitator && token && <MeetingMenu boardId={boardId} token={token} facilitation={facilitation} templatesForAll={state.templatesForAll} />}
      <ExportMenu docs={docs} />
      {showAgenda && (
        <div className="agenda-popover" data-testid="agenda">
          {isFacilitator ? (
            <textarea
              data-testid="agenda-input"
              defaultValue={state.agenda}
              placeholder={t.agendaPlaceholder}
              rows={6}
              onBlur={(e) => facilitation.setAgenda(e.currentTarget.value)}
            />
          ) : (
            <pre>{state.agenda || t.noAgenda}</pre>
          )}
        </div>
      )}
    </div>
  )
}
