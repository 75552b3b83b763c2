import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../server/config'
import { FRAME_KINDS, type FrameKind } from '../../bench/lib/harness/fuzzFrames'
import { runFuzz } from '../../bench/lib/harness/fuzzRun'
import { useTeardown } from '../support/lifecycle'
import { BYTES_PER_MIB } from '../../bench/lib/harness/processStats'
import { tempDataDir } from '../../bench/lib/harness/server'

/** Scaled down from `bench/reliability/fuzz.ts` (100,000 frames). */
const FRAMES = 3000
const SEED = 1
/** Generous: the server needs a few MiB per hostile connection at most, and frees it when it closes. */
const MAX_RSS_GROWTH_BYTES = 150 * BYTES_PER_MIB
const TEST_TIMEOUT_MS = 60_000

const { serverProcess } = useTeardown()

describe('fuzzing: hostile frames close only the sender', () => {
  it(`${FRAMES} seeded malformed and hostile frames while two honest clients edit`, async () => {
    const server = await serverProcess(tempDataDir())
    const result = await runFuzz({
      url: server.url,
      port: server.port,
      pid: server.child.pid!,
      frames: FRAMES,
      seed: SEED,
      concurrency: 8,
      maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    })
    expect(server.child.exitCode).toBeNull()
    expect(result.healthOk).toBe(true)
    expect(result.converged).toBe(true)
    expect(result.spoofedPresence).toBe(0)
    expect(result.honestCloseCodes).toEqual([])
    expect(result.rssAfterBytes - result.rssBeforeBytes).toBeLessThan(MAX_RSS_GROWTH_BYTES)
    for (const kind of FRAME_KINDS) {
      // Whatever the frame, a connection either still gets answers or is closed with a code.
      for (const outcome of Object.keys(result.byKind[kind].outcomes)) {
        expect(outcome, kind).toMatch(/^(answered|close (1009|4\d\d\d))$/)
      }
    }
    // Presence for another participant is dropped, not punished; malformed frames close with 4400.
    expect(Object.keys(result.byKind.foreignAwareness.outcomes)).toEqual(['answered'])
    expect(Object.keys(result.byKind.textFrame.outcomes)).toEqual(['close 4400'])
    expect(Object.keys(result.byKind.invalidJsonAwareness.outcomes)).toEqual(['close 4400'])
    // What would have destroyed a board or exhausted the server is refused, never applied.
    const refusedWith: Partial<Record<FrameKind, string>> = {
      nestedValue: 'close 4422',
      nestedType: 'close 4422',
      manySmallItems: 'close 4422',
      presenceFlood: 'close 4432',
      deepPresence: 'close 4400',
    }
    for (const [kind, outcome] of Object.entries(refusedWith)) {
      for (const seen of Object.keys(result.byKind[kind as FrameKind].outcomes)) expect(seen, kind).toBe(outcome)
    }
  }, TEST_TIMEOUT_MS)
})
