import { describe, expect, it } from 'vitest'
import { useTeardown } from '../support/lifecycle'
import { BYTES_PER_MIB } from '../../bench/lib/harness/processStats'
import { runSoak } from '../../bench/lib/harness/soakRun'
import { tempDataDir } from '../../bench/lib/harness/server'

/** Scaled down from `bench/reliability/soak.ts` (200 clients, 20 boards, 10 minutes). */
const CLIENTS = 20
const BOARDS = 4
const DURATION_MS = 15_000
/** Over 15 s the server may grow by its caches and the boards' content, not by much more. */
const MAX_RSS_GROWTH_AFTER_WARMUP_BYTES = 64 * BYTES_PER_MIB
const TEST_TIMEOUT_MS = 60_000

const { serverProcess } = useTeardown()

describe('load and soak', () => {
  it(`${CLIENTS} clients on ${BOARDS} boards for ${DURATION_MS / 1000} s: converged, bounded, unloaded when empty`, async () => {
    const server = await serverProcess(tempDataDir())
    const result = await runSoak({
      url: server.url,
      port: server.port,
      pid: server.child.pid!,
      clients: CLIENTS,
      boards: BOARDS,
      durationMs: DURATION_MS,
      seed: 1,
      editIntervalMs: 200,
      presenceIntervalMs: 1000,
      churnIntervalMs: 1000,
      idlePauseMs: 500,
    })
    expect(result.edits).toBeGreaterThan(CLIENTS * 10)
    expect(result.reconnects).toBeGreaterThan(5)
    expect(result.convergedBoards).toBe(BOARDS)
    expect(result.closeCodes).toEqual([])
    expect(result.loadedBoardsAfterLeave).toBe(0)
    expect(result.connectionsAfterLeave).toBe(0)
    expect(result.rssEndBytes - result.rssAfterWarmupBytes).toBeLessThan(MAX_RSS_GROWTH_AFTER_WARMUP_BYTES)
  }, TEST_TIMEOUT_MS)
})
