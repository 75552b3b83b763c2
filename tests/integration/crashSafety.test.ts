import { describe, expect, it } from 'vitest'
import { runCrashTrial } from '../../bench/lib/harness/crashTrial'

/** Scaled down from `bench/reliability/crashSafety.ts` (50 trials): the same trial, fewer times. */
const TRIALS = 5
const FIRST_SEED = 1
const TEST_TIMEOUT_MS = 60_000

describe('crash safety: kill -9 of the server loses nothing that was relayed', () => {
  it(`${TRIALS} seeded trials with 10 clients editing`, async () => {
    for (let seed = FIRST_SEED; seed < FIRST_SEED + TRIALS; seed++) {
      const result = await runCrashTrial({ seed, clients: 10, editIntervalMs: 10, killAfterMs: [200, 800] })
      // The seed in the message replays a failing trial.
      expect(result, `seed ${seed}`).toMatchObject({ lost: 0, malformed: 0 })
      expect(result.relayed, `seed ${seed}`).toBeGreaterThan(0)
    }
  }, TEST_TIMEOUT_MS)
})
