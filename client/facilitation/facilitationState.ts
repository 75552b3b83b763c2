import type * as Y from 'yjs'
import { FACILITATION_MAP } from '../../protocol/facilitationRoom'
import type { TemplateStep } from '../../templates/types'
import { serverNow } from './serverClock'

export interface TimerState {
  /** Length of the countdown as last set, in ms. */
  durationMs: number
  /** Server time (ms) at which it reaches zero while running; null when paused or reset. */
  endsAt: number | null
  /** Remaining time while paused, in ms. */
  remainingMs: number
}

export interface VotingRound {
  roundId: string
  open: boolean
  votesPerPerson: number
}

/** A request from the facilitator to bring everyone's view to an area. */
export interface Summon {
  bounds: { x: number; y: number; w: number; h: number }
  nonce: string
}

export interface FacilitationSnapshot {
  title: string
  agenda: string
  timer: TimerState | null
  steps: TemplateStep[]
  currentStep: number | null
  voting: VotingRound | null
  summon: Summon | null
  privateRound: { roundId: string; active: boolean } | null
  /** Whether participants may insert templates too (by default only the facilitator). */
  templatesForAll: boolean
}

export const DEFAULT_TIMER_MS = 5 * 60_000

/**
 * Typed reads and writes of the facilitation map. `doc` is the board's facilitation room (see
 * BoardSession), which only the facilitator link may write. Plain TypeScript, tested in Node.
 */
export class Facilitation {
  readonly map: Y.Map<unknown>
  constructor(readonly doc: Y.Doc) {
    this.map = doc.getMap(FACILITATION_MAP)
  }

  snapshot(): FacilitationSnapshot {
    const get = <T>(key: string, fallback: T) => (this.map.get(key) as T | undefined) ?? fallback
    const steps = get<unknown>('steps', [])
    return {
      title: String(get('title', '')),
      agenda: String(get('agenda', '')),
      timer: get<TimerState | null>('timer', null),
      steps: Array.isArray(steps) ? (steps as TemplateStep[]) : [],
      currentStep: get<number | null>('currentStep', null),
      voting: get<VotingRound | null>('voting', null),
      summon: get<Summon | null>('summon', null),
      privateRound: get<{ roundId: string; active: boolean } | null>('privateRound', null),
      templatesForAll: this.map.get('templatesForAll') === true,
    }
  }

  setTemplatesForAll(allowed: boolean): void {
    this.map.set('templatesForAll', allowed)
  }

  setTitle(title: string): void {
    this.map.set('title', title.slice(0, 120))
  }

  setAgenda(agenda: string): void {
    this.map.set('agenda', agenda.slice(0, 2000))
  }

  setSteps(steps: TemplateStep[]): void {
    this.doc.transact(() => {
      this.map.set('steps', steps)
      this.map.set('currentStep', null)
    })
  }

  startTimer(durationMs = this.snapshot().timer?.remainingMs || DEFAULT_TIMER_MS): void {
    const previous = this.snapshot().timer
    this.map.set('timer', {
      durationMs: previous?.durationMs ?? durationMs,
      endsAt: serverNow() + durationMs,
      remainingMs: durationMs,
    } satisfies TimerState)
  }

  pauseTimer(): void {
    const timer = this.snapshot().timer
    if (!timer?.endsAt) return
    this.map.set('timer', { ...timer, endsAt: null, remainingMs: Math.max(0, timer.endsAt - serverNow()) })
  }

  resetTimer(durationMs = this.snapshot().timer?.durationMs ?? DEFAULT_TIMER_MS): void {
    this.map.set('timer', { durationMs, endsAt: null, remainingMs: durationMs } satisfies TimerState)
  }

  /**
   * Goes to a step: highlights it and sets the timer to the step's suggested minutes. A running
   * timer keeps running, from the new step's time: a facilitator moving on mid-countdown means
   * "next part, clock on", and a timer that silently stopped would leave the room without one.
   */
  goToStep(index: number): void {
    const { steps, timer } = this.snapshot()
    const step = steps[index]
    if (!step) return
    const durationMs = step.minutes * 60_000
    const running = timer?.endsAt != null && timer.endsAt > serverNow()
    this.doc.transact(() => {
      this.map.set('currentStep', index)
      this.resetTimer(durationMs)
      if (running && durationMs > 0) this.startTimer(durationMs)
    })
  }

  summon(bounds: Summon['bounds']): void {
    this.map.set('summon', { bounds, nonce: `${serverNow()}-${Math.random().toString(36).slice(2)}` })
  }

  openVoting(votesPerPerson: number): VotingRound {
    const round = { roundId: `r${serverNow().toString(36)}`, open: true, votesPerPerson }
    this.map.set('voting', round)
    return round
  }

  closeVoting(): void {
    const voting = this.snapshot().voting
    if (voting) this.map.set('voting', { ...voting, open: false })
  }

  /** Starts "stil schrijven": new notes stay in each writer's private room until the reveal. */
  startPrivateRound(): void {
    this.map.set('privateRound', { roundId: `p${serverNow().toString(36)}`, active: true })
  }

  reveal(): void {
    const round = this.map.get('privateRound') as { roundId: string; active: boolean } | null | undefined
    if (round?.active) this.map.set('privateRound', { ...round, active: false })
  }

  clearVoting(): void {
    this.map.set('voting', null)
  }
}

/** Remaining ms of a timer at server time `now`. */
export function remainingMs(timer: TimerState | null, now = serverNow()): number {
  if (!timer) return DEFAULT_TIMER_MS
  return timer.endsAt === null ? timer.remainingMs : Math.max(0, timer.endsAt - now)
}

export function formatClock(ms: number): string {
  const total = Math.ceil(ms / 1000)
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`
}
