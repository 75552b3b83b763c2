import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** How often the WAL is copied back into the database file, in milliseconds. */
export const CHECKPOINT_INTERVAL_MS = 1000
/** After a checkpoint the WAL file is cut back to this size, in bytes (it is reused from the start). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024

/**
 * Runs in the worker: its own connection to the file, a PASSIVE checkpoint on an interval (it
 * never waits for, nor blocks, the server's writes), and a last one when told to stop. Plain
 * CommonJS in a string, so it runs the same under tsx, vitest and plain node.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 5000')
db.pragma('journal_size_limit = ' + workerData.walSizeLimit)
// Truncations asked for (after a deletion) and not done yet: tried again on the next tick when
// the database was busy.
let truncations = []
const checkpoint = () => {
  try {
    if (truncations.length > 0) {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)')
      if (result.busy === 0) for (const id of truncations.splice(0)) parentPort.postMessage({ truncated: id })
    } else db.pragma('wal_checkpoint(PASSIVE)')
  } catch (error) {
    parentPort.postMessage({ error: String(error) })
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message && message.truncate !== undefined) {
    truncations.push(message.truncate)
    checkpoint()
    return
  }
  clearInterval(timer)
  checkpoint()
  for (const id of truncations.splice(0)) parentPort.postMessage({ truncated: id })
  db.close()
  parentPort.close()
})
`

/**
 * Checkpoints an SQLite WAL database from a worker thread. SQLite's automatic checkpoint runs
 * inside a commit, on the thread that commits: every ~1,000 WAL pages one commit copied them all
 * into the database file and synced it, a 4–5 ms stall of the event loop (measured in
 * bench/perf/serverCosts.ts), which every update relayed in that turn waited for. The server's
 * connection switches the automatic checkpoint off and this one does it beside it.
 */
export class WalCheckpointer {
  private readonly worker: Worker
  private readonly exited: Promise<void>
  private readonly truncations = new Map<number, () => void>()
  private nextTruncation = 0

  constructor(file: string, onError: (message: string) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        intervalMs: CHECKPOINT_INTERVAL_MS,
        walSizeLimit: WAL_SIZE_LIMIT_BYTES,
      },
    })
    this.worker.on('message', (m: { error?: string; truncated?: number }) => {
      if (m.error) onError(m.error)
      if (m.truncated !== undefined) {
        this.truncations.get(m.truncated)?.()
        this.truncations.delete(m.truncated)
        if (this.truncations.size === 0) this.worker.unref()
      }
    })
    this.worker.on('error', (error) => onError(String(error)))
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()))
    this.worker.unref() // never keeps the process alive
  }

  /**
   * Copies the whole WAL into the database file and cuts the WAL to nothing (TRUNCATE), so that
   * no old copy of a deleted page stays in it; tried again each interval while the database is
   * busy. Resolves when done, or when the worker has stopped. Writes wait for it (at most the
   * server's busy timeout, then they are retried): only deletions ask for it.
   */
  truncate(): Promise<void> {
    const id = this.nextTruncation++
    const done = new Promise<void>((resolve) => this.truncations.set(id, resolve))
    this.worker.ref() // a tool that only deletes a board waits for this, too
    this.worker.postMessage({ truncate: id })
    return Promise.race([done, this.exited])
  }

  /** A last checkpoint, then the worker ends; resolves when it has. */
  stop(): Promise<void> {
    this.worker.ref() // until it has finished: a tool's process ends after, not before
    this.worker.postMessage('stop')
    return this.exited
  }
}
