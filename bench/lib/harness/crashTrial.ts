import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { closeClient } from './clients'
import { delay, pollUntil } from './processStats'
import { seededRandom } from './random'
import { connectClient, createBoard, startServerProcess, tempDataDir, whenSynced } from './server'

export interface CrashTrialOptions {
  seed: number
  clients: number
  /** Each client pushes one item to its own array this often. */
  editIntervalMs: number
  /** The kill comes at a seeded moment between these two, counted from the first edit. */
  killAfterMs: [number, number]
}

export interface CrashTrialResult {
  seed: number
  killAfterMs: number
  compactAfterUpdates: number
  /** Updates the clients made before the kill. */
  sent: number
  /** Updates that at least one other client received from the server before it died. */
  relayed: number
  /** Relayed updates missing after the restart (must be 0). */
  lost: number
  /** Updates on disk that no other client had received yet (stored, not yet relayed: fine). */
  storedNotRelayed: number
  /** Items found out of order or twice in a client's array after the restart (must be 0). */
  malformed: number
}

/** Compaction thresholds drawn per trial, so that kills also land during and after compactions. */
const COMPACT_AFTER_CHOICES = [20, 100, 500]
const SERVER_TIMEOUT_MS = 10_000

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

const arrayName = (client: number) => `c${client}`

/**
 * One crash trial: `clients` stock y-websocket clients edit one board on a server child process,
 * which gets SIGKILL at a seeded moment. Whatever any client received from another client went
 * through the server, which stores before it relays; a restarted server must still have all of it.
 */
export async function runCrashTrial(options: CrashTrialOptions): Promise<CrashTrialResult> {
  const rng = seededRandom(options.seed)
  const compactAfterUpdates = rng.pick(COMPACT_AFTER_CHOICES)
  const [minKill, maxKill] = options.killAfterMs
  const killAfterMs = minKill + rng.int(maxKill - minKill + 1)
  const dataDir = tempDataDir()
  const env = { COMPACT_AFTER_UPDATES: String(compactAfterUpdates) }
  const first = await startServerProcess(dataDir, env)
  const clients: Array<ReturnType<typeof connectClient>> = []
  const second: { child?: ChildProcess } = {}
  try {
    const board = await createBoard(first.port)
    clients.push(...Array.from({ length: options.clients }, () => connectClient(first.url, board)))
    await Promise.all(clients.map((c) => whenSynced(c.provider)))
    const sent = clients.map(() => 0)
    const timers = clients.map((c, i) =>
      setInterval(() => c.doc.getArray<number>(arrayName(i)).push([sent[i]++]), options.editIntervalMs),
    )
    await delay(killAfterMs)
    first.child.kill('SIGKILL')
    for (const timer of timers) clearInterval(timer)
    await exited(first.child)
    // Once every socket is closed, nothing more can arrive: the docs hold all that was relayed.
    await pollUntil(() => clients.every((c) => !c.provider.wsconnected), {
      timeoutMs: SERVER_TIMEOUT_MS,
      what: 'every client to see the server gone',
    })
    for (const c of clients) c.provider.disconnect()
    const relayed = clients.map((_, i) => {
      const seen = new Set<number>()
      clients.forEach((other, j) => {
        if (j !== i) for (const v of other.doc.getArray<number>(arrayName(i)).toArray()) seen.add(v)
      })
      return seen
    })

    const restarted = await startServerProcess(dataDir, env)
    second.child = restarted.child
    const fresh = connectClient(restarted.url, board)
    await whenSynced(fresh.provider)
    let lost = 0
    let storedNotRelayed = 0
    let malformed = 0
    clients.forEach((_, i) => {
      const stored = fresh.doc.getArray<number>(arrayName(i)).toArray()
      malformed += stored.filter((v, index) => v !== index).length
      const present = new Set(stored)
      for (const v of relayed[i]) if (!present.has(v)) lost++
      for (const v of present) if (!relayed[i].has(v)) storedNotRelayed++
    })
    closeClient(fresh)
    return {
      seed: options.seed,
      killAfterMs,
      compactAfterUpdates,
      sent: sent.reduce((a, b) => a + b, 0),
      relayed: relayed.reduce((a, s) => a + s.size, 0),
      lost,
      storedNotRelayed,
      malformed,
    }
  } finally {
    for (const c of clients) closeClient(c)
    first.child.kill('SIGKILL')
    second.child?.kill('SIGKILL')
    await Promise.all([exited(first.child), second.child ? exited(second.child) : undefined])
    rmSync(dataDir, { recursive: true, force: true })
  }
}
