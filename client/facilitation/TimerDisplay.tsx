import { useEffect, useRef, useState } from 'react'
import { formatClock, remainingMs, type TimerState } from './facilitationState'
import { playChime } from './chime'

/** How often the display refreshes; well under a second so all screens agree within one. */
const TICK_MS = 200

export function TimerDisplay({ timer }: { timer: TimerState | null }) {
  const [now, setNow] = useState(0)
  const left = remainingMs(timer)
  const wasRunning = useRef(false)
  useEffect(() => {
    if (!timer?.endsAt) return
    const id = setInterval(() => setNow(Date.now()), TICK_MS)
    return () => clearInterval(id)
  }, [timer?.endsAt])
  useEffect(() => {
    const running = Boolean(timer?.endsAt) && left > 0
    // A gentle signal when the countdown reaches zero on this screen (not on a late join after it).
    if (wasRunning.current && !running && timer?.endsAt) playChime()
    wasRunning.current = running
  }, [left, timer?.endsAt, now])
  const done = Boolean(timer?.endsAt) && left === 0
  return (
    <span
      className={`timer${done ? ' timer-done' : ''}${timer?.endsAt ? ' timer-running' : ''}`}
      data-testid="timer"
      data-remaining-ms={Math.round(left)}
      role="timer"
    >
      {formatClock(left)}
    </span>
  )
}
