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
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (error) {
    parentPort.postMessage({ error: String(error) })
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  checkpoint()
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
    this.worker.on('message', (m: { error?: string }) => m.error && onError(m.error))
    this.worker.on('error', (error) => onError(String(error)))
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()))
    this.worker.unref() // never keeps the process alive
  }

  /** A last checkpoint, then the worker ends; resolves when it has. */
  stop(): Promise<void> {
    this.worker.postMessage('stop')
    return this.exited
  }
}
