import * as Y from 'yjs'
import type { LogFn } from '../log'
import type { UpdateLog } from '../store/boardStore'
import type { MemoryBudget } from './memoryBudget'
import { splitUpdate } from '../../protocol/splitUpdate'
import { MalformedUpdate, RefusedUpdate } from '../../protocol/updateReader'

/** Longest stretch the loading of a board keeps the event loop, in milliseconds; then it yields. */
export const LOAD_SLICE_MS = 20
/**
 * Structs applied at a time while loading: a stored row may hold up to MAX_STRUCTS_PER_PIECE, and
 * applying that many takes 40–70 ms warm but 150–200 ms in a fresh process (nothing compiled
 * yet). Measured on a board at its memory limit (90,000 entries, bench/reliability/attacks.ts): pieces of
 * 10,000 held the loop up to 230 ms, of 2,500 up to 150 ms, of 1,000 up to 75 ms, and the whole
 * load took less time, not more.
 */
export const LOAD_PIECE_STRUCTS = 1_000

/** The memory for loaded boards is full: the board is not opened (the client comes back later). */
export class BoardNotLoadable extends Error {}

export interface LoadedRows {
  rows: number
  bytes: number
  cost: number
  unreadableRows: number
}

/**
 * Applies a room's stored rows to `doc` (with `origin`, so they are not stored again), a piece at
 * a time (splitUpdate, LOAD_PIECE_STRUCTS), yielding the event loop every LOAD_SLICE_MS: loading a board at its limit
 * never makes the other boards wait long. Each row's memory is reserved in the budget first; when
 * it does not fit, the load stops with BoardNotLoadable. A row that cannot be read (not an
 * update, or one that breaks today's rules) is skipped and counted, never dropped: it stays in
 * the store as it is, and the log is not compacted over it.
 */
export async function loadStoredRows(
  store: UpdateLog,
  roomId: string,
  doc: Y.Doc,
  origin: unknown,
  { budget, log }: { budget: MemoryBudget; log: LogFn },
): Promise<LoadedRows> {
  const rows = await store.load(roomId)
  const loaded: LoadedRows = { rows: rows.length, bytes: 0, cost: 0, unreadableRows: 0 }
  let sliceStart = performance.now()
  for (const [i, row] of rows.entries()) {
    let pieces: Uint8Array[]
    let cost: number
    try {
      ;({ pieces, facts: { cost } } = splitUpdate(row, LOAD_PIECE_STRUCTS))
    } catch (error) {
      if (!(error instanceof MalformedUpdate || error instanceof RefusedUpdate)) throw error
      loaded.unreadableRows++
      log('UNREADABLE STORED UPDATE KEPT: not applied, the board will not be compacted until it is looked at', {
        boardId: roomId,
        row: i,
        bytes: row.byteLength,
        error: error.message,
      })
      continue
    }
    if (!budget.tryReserve(cost)) {
      budget.release(loaded.cost)
      throw new BoardNotLoadable('not enough memory to load this board now')
    }
    loaded.cost += cost
    loaded.bytes += row.byteLength
    if (performance.now() - sliceStart > LOAD_SLICE_MS) {
      await yieldTurn() // reading a big row took a stretch of its own
      sliceStart = performance.now()
    }
    for (const piece of pieces) {
      try {
        Y.applyUpdate(doc, piece, origin)
      } catch (error) {
        loaded.unreadableRows++
        log('UNREADABLE STORED UPDATE KEPT: Yjs could not apply it', { boardId: roomId, row: i, error: String(error) })
        break
      }
      if (performance.now() - sliceStart > LOAD_SLICE_MS) {
        await yieldTurn()
        sliceStart = performance.now()
      }
    }
  }
  // What comes next in this turn (answering the joiner's sync step 1 encodes the whole board)
  // starts a stretch of its own.
  if (rows.length > 0) await yieldTurn()
  return loaded
}

const yieldTurn = () => new Promise((resolve) => setImmediate(resolve))
