import { useState } from 'react'
import { useEditor } from 'tldraw'
import { texts } from '../i18n'
import type { Facilitation, FacilitationSnapshot } from './facilitationState'

/** Timer, steps, "Breng iedereen hierheen" and voting rounds: the facilitator's buttons. */
export function FacilitatorControls({ facilitation, state }: { facilitation: Facilitation; state: FacilitationSnapshot }) {
  const t = texts()
  const editor = useEditor()
  const [votesPerPerson, setVotesPerPerson] = useState(3)
  const running = Boolean(state.timer?.endsAt)
  const stepCount = state.steps.length
  const current = state.currentStep
  const bringEveryone = () => {
    const step = current === null ? null : state.steps[current]
    const bounds = (step && editor.getShapePageBounds(step.frameId as never)) ?? editor.getViewportPageBounds()
    facilitation.summon({ x: bounds.x, y: bounds.y, w: bounds.w, h: bounds.h })
  }
  return (
    <span className="facilitator-controls">
      {running ? (
        <button className="bar-button" data-testid="timer-pause" onClick={() => facilitation.pauseTimer()}>
          {t.pause}
        </button>
      ) : (
        <button className="bar-button" data-testid="timer-start" onClick={() => facilitation.startTimer()}>
          {t.start}
        </button>
      )}
      <button className="bar-button" data-testid="timer-reset" onClick={() => facilitation.resetTimer()}>
        {t.reset}
      </button>
      {stepCount > 0 && (
        <>
          <button
            className="bar-button"
            data-testid="step-prev"
            aria-label={t.previousStep}
            title={t.previousStep}
            disabled={current === null || current === 0}
            onClick={() => facilitation.goToStep((current ?? 1) - 1)}
          >
            ‹
          </button>
          <button
            className="bar-button"
            data-testid="step-next"
            disabled={current === stepCount - 1}
            onClick={() => facilitation.goToStep(current === null ? 0 : current + 1)}
          >
            {current === null ? t.firstStep : t.nextStep}
          </button>
        </>
      )}
      <button className="bar-button" data-testid="summon" onClick={bringEveryone}>
        {t.bringEveryone}
      </button>
      {state.privateRound?.active ? (
        <button className="bar-button" data-testid="private-reveal" onClick={() => facilitation.reveal()}>
          {t.reveal}
        </button>
      ) : (
        <button className="bar-button" data-testid="private-start" onClick={() => facilitation.startPrivateRound()}>
          {t.privateWriting}
        </button>
      )}
      {state.voting?.open ? (
        <button className="bar-button" data-testid="voting-close" onClick={() => facilitation.closeVoting()}>
          {t.closeVoting}
        </button>
      ) : (
        <span className="voting-start">
          <input
            type="number"
            min={1}
            max={20}
            aria-label={t.votesPerPerson}
            title={t.votesPerPerson}
            data-testid="votes-per-person"
            value={votesPerPerson}
            onChange={(e) => setVotesPerPerson(Math.min(20, Math.max(1, Number(e.target.value) || 1)))}
          />
          <button className="bar-button" data-testid="voting-open" onClick={() => facilitation.openVoting(votesPerPerson)}>
            {t.openVoting}
          </button>
        </span>
      )}
    </span>
  )
}
