import type { LogFn } from '../log'

/** Writes waiting for one store commit, run in the order they were made. */
interface WriteBatch {
  commit: Promise<void>
  callbacks: { after: () => void; onError: (e: unknown) => void }[]
}

/**
 * Runs store operations and what follows each (relaying the update), in the order of calls. A
 * store that keeps its operations in call order by itself (`ordersWrites`: SQLite batches a
 * turn's appends into one commit) gets each operation at once and only `after` waits; for others
 * an operation starts when the previous one has finished. Either way an update is durable before
 * it is relayed.
 */
export class WriteQueue {
  /** Settles when every write queued so far has. */
  private chainEnd: Promise<void> = Promise.resolve()
  private pending = 0
  /** The store commit the latest writes wait for, with what to do after it. */
  private openBatch: WriteBatch | null = null

  constructor(
    private readonly ordersWrites: boolean,
    private readonly roomId: string,
    private readonly log: LogFn,
    /** Asked before an operation that had to wait runs: false skips it (the board was deleted). */
    private readonly stillWanted: () => boolean = () => true,
  ) {}

  /** Settles when every write queued so far has settled. */
  get settled(): Promise<void> {
    return this.chainEnd
  }

  write(op: () => void | Promise<void>, after: () => void, onError: (e: unknown) => void): void {
    if (this.pending > 0 && !this.ordersWrites) {
      this.openBatch = null
      // Run later: by then the board may have been deleted.
      this.chain(this.chainEnd.then(() => (this.stillWanted() ? op() : undefined)).then(after, onError))
      return
    }
    let result: void | Promise<void>
    try {
      result = op()
    } catch (error) {
      onError(error)
      return
    }
    if (!result) {
      if (this.pending === 0) return after()
      this.openBatch = null
      this.chain(this.chainEnd.then(after))
      return
    }
    // Appends of one turn share the store's commit: one promise reaction for all of them.
    if (this.openBatch && this.openBatch.commit === result) {
      this.openBatch.callbacks.push({ after, onError })
      return
    }
    const batch: WriteBatch = { commit: result, callbacks: [{ after, onError }] }
    this.openBatch = batch
    const done = (error?: unknown) => {
      if (this.openBatch === batch) this.openBatch = null
      for (const cb of batch.callbacks) {
        // One failing callback must not keep the others' updates from being relayed.
        try {
          if (error === undefined) cb.after()
          else cb.onError(error)
        } catch (callbackError) {
          this.log('relay after store write failed', { boardId: this.roomId, error: String(callbackError) })
        }
      }
    }
    const fail = (error: unknown) => done(error ?? new Error('store write failed'))
    // Promise.all handles a rejection of `result` at once (no unhandled rejection while waiting).
    this.chain(this.pending === 0 ? result.then(() => done(), fail) : Promise.all([this.chainEnd, result]).then(() => done(), fail))
  }

  private chain(next: Promise<void>): void {
    this.pending++
    this.chainEnd = next.finally(() => {
      this.pending--
    })
  }
}
