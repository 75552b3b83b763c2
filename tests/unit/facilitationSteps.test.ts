import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Facilitation, remainingMs } from '../../client/facilitation/facilitationState'

const steps = [
  { title: 'Casus inbrengen', minutes: 5 },
  { title: 'Vragen stellen', minutes: 10 },
  { title: 'Advies', minutes: 0 },
] as Parameters<Facilitation['setSteps']>[0]

describe('Volgende stap and the timer', () => {
  it('a stopped timer is set to the next step\'s minutes and stays stopped', () => {
    const f = new Facilitation(new Y.Doc())
    f.setSteps(steps)
    f.goToStep(0)
    f.goToStep(1)
    const { timer, currentStep } = f.snapshot()
    expect(currentStep).toBe(1)
    expect(timer).toEqual({ durationMs: 10 * 60_000, endsAt: null, remainingMs: 10 * 60_000 })
  })

  it('a running timer keeps running, from the next step\'s minutes', () => {
    const f = new Facilitation(new Y.Doc())
    f.setSteps(steps)
    f.goToStep(0)
    f.startTimer()
    f.goToStep(1)
    const { timer } = f.snapshot()
    expect(timer?.endsAt).not.toBeNull()
    expect(timer?.durationMs).toBe(10 * 60_000)
    expect(remainingMs(timer)).toBeGreaterThan(10 * 60_000 - 5_000)
    expect(remainingMs(timer)).toBeLessThanOrEqual(10 * 60_000)
  })

  it('a step without minutes stops the clock instead of ringing at once', () => {
    const f = new Facilitation(new Y.Doc())
    f.setSteps(steps)
    f.goToStep(1)
    f.startTimer()
    f.goToStep(2)
    expect(f.snapshot().timer?.endsAt).toBeNull()
  })
})
