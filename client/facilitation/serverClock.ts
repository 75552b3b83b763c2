import { fetchServerTime } from '../api'

/**
 * The offset between this device's clock and the server's, so a countdown ends at the same moment
 * on every screen even when the devices' clocks disagree. Measured like NTP: the server's time is
 * taken to be in the middle of the round trip.
 */
let offsetMs = 0

export function serverNow(): number {
  return Date.now() + offsetMs
}

export async function syncServerClock(samples = 3): Promise<void> {
  let best: { rtt: number; offset: number } | null = null
  for (let i = 0; i < samples; i++) {
    const sent = Date.now()
    const result = await fetchServerTime()
    if (!result.ok) return // offline: keep the last offset
    const received = Date.now()
    const rtt = received - sent
    if (!best || rtt < best.rtt) best = { rtt, offset: result.value - (sent + rtt / 2) }
  }
  if (best) offsetMs = best.offset
}
