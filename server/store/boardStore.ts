/**
 * Where boards live between sessions. The relay calls `load` once when a board is opened,
 * `append` for every update *before* relaying it, and `compact` to fold the log into one state.
 * Implementations must be durable once `append` returns (or its promise resolves).
 */
export interface BoardStore {
  /** All stored updates of a board, oldest first; empty when the board is new. */
  load(boardId: string): Promise<Uint8Array[]>
  /** Appends one Yjs update to the board's log. */
  append(boardId: string, update: Uint8Array): void | Promise<void>
  /**
   * Replaces the board's whole log with one merged state. The relay calls it in order with
   * `append`, with a state that contains every update appended before it.
   */
  compact(boardId: string, state: Uint8Array): void | Promise<void>
  /** Number of log entries of a board; the relay compacts when this grows large. */
  logLength(boardId: string): number | Promise<number>
  /** Total stored bytes of a board (for limits and benchmarks). */
  byteSize(boardId: string): number | Promise<number>
  close(): void | Promise<void>
}
