import { crashSafety } from './crashSafety'
import { fuzz } from './fuzz'
import { RELIABILITY_DOC } from './reliabilityReport'
import { soak } from './soak'

/**
 * `npm run bench:reliability`: crash safety, fuzzing, load and soak, one after the other (never
 * two heavy runs at once); each writes its own section of docs/reliability.md. Sizes: see each
 * script (CRASH_TRIALS, FUZZ_FRAMES, SOAK_MINUTES, SOAK_CLIENTS, SOAK_BOARDS, SEED).
 */
const crash = await crashSafety()
const fuzzed = await fuzz()
const soaked = await soak()

const failures = [
  crash.some((r) => r.lost > 0 || r.malformed > 0) && 'crash safety lost relayed updates',
  (!fuzzed.healthOk || !fuzzed.converged || fuzzed.spoofedPresence > 0 || fuzzed.honestCloseCodes.length > 0) &&
    'the fuzzed server or its honest clients misbehaved',
  (soaked.convergedBoards < soaked.boards || soaked.loadedBoardsAfterLeave > 0) &&
    'soak: a board did not converge or stayed loaded',
].filter(Boolean)
console.log(`\nwritten to ${RELIABILITY_DOC}`)
if (failures.length) {
  console.error(`FAILED: ${failures.join('; ')}`)
  process.exit(1)
}
