import { attacks } from './attacks'
import { crashSafety } from './crashSafety'
import { fuzz } from './fuzz'
import { RELIABILITY_DOC } from './reliabilityReport'
import { soak, SOAK_IDLE_RSS_TOLERANCE } from './soak'

/**
 * `npm run bench:reliability`: crash safety, fuzzing, the attack run, load and soak, one after the other (never
 * two heavy runs at once); each writes its own section of docs/reliability.md. Sizes: see each
 * script (CRASH_TRIALS, FUZZ_FRAMES, SOAK_MINUTES, SOAK_CLIENTS, SOAK_BOARDS, SEED).
 */
const crash = await crashSafety()
const fuzzed = await fuzz()
const attacked = await attacks()
const soaked = await soak()

const failures = [
  crash.some((r) => r.lost > 0 || r.malformed > 0) && 'crash safety lost relayed updates',
  (!fuzzed.healthOk || !fuzzed.converged || fuzzed.spoofedPresence > 0 || fuzzed.honestCloseCodes.length > 0) &&
    'the fuzzed server or its honest clients misbehaved',
  (soaked.convergedBoards < soaked.boards || soaked.loadedBoardsAfterLeave > 0) &&
    'soak: a board did not converge or stayed loaded',
  (attacked.rows.some((r) => !r.ok) || attacked.boardsLost > 0 || attacked.crashes > 0) &&
    'an attack got through, a board was lost or the server crashed',
  soaked.rssIdleBytes[1] > soaked.rssAfterWarmupBytes * (1 + SOAK_IDLE_RSS_TOLERANCE) &&
    `soak: idle RSS after the GC more than ${SOAK_IDLE_RSS_TOLERANCE * 100} % above its warm-up level`,
].filter(Boolean)
console.log(`\nwritten to ${RELIABILITY_DOC}`)
if (failures.length) {
  console.error(`FAILED: ${failures.join('; ')}`)
  process.exit(1)
}
