import type * as Y from 'yjs'
import { CloseCode } from '../../protocol/closeCodes'
import { canWrite, type Role } from '../../protocol/roles'
import type { LogFn } from '../log'
import { changesDocument } from './changesDocument'
import type { DurableLog } from './durableLog'
import { ProtocolError } from './errors'
import { inspectUpdate, type UpdateFacts } from '../../protocol/inspectUpdate'
import type { MemoryBudget } from './memoryBudget'
import { RefusedUpdate } from '../../protocol/updateReader'
import { MAX_STRUCTS_PER_UPDATE } from '../../protocol/limits'

export { MAX_STRUCTS_PER_UPDATE }
/** A room over its limit is compacted to see whether history made it so, at most once per this many updates. */
export const MIN_UPDATES_BETWEEN_LIMIT_COMPACTIONS = 50

export interface RoomLimits {
  /** Largest stored size, in encoded bytes. */
  maxBytes: number
  /** Largest estimated memory (see inspectUpdate). */
  maxMemoryBytes: number
}

/**
 * Decides, before anything is applied, whether a connection's update may go into a room: it is
 * read once without building anything (whether a fresh process could read it back, what it
 * would cost), then checked against the link's role, the room's limits and the server's memory.
 * An update that passes has its memory reserved; the room applies it.
 */
export class WriteGate {
  /** `log.appendCount` when a refused change last made the room compact. */
  private lastLimitCompaction = Number.NEGATIVE_INFINITY

  constructor(
    private readonly roomId: string,
    private readonly doc: Y.Doc,
    private readonly log: DurableLog,
    private readonly limits: RoomLimits,
    private readonly budget: MemoryBudget,
    private readonly report: LogFn,
  ) {}

  /**
   * The estimated memory reserved for `update` (to be released if nothing of it is stored), or
   * null when a view-only connection sent an answer that changes nothing. Throws ProtocolError.
   */
  admit(role: Role, update: Uint8Array): number | null {
    let facts: UpdateFacts
    try {
      facts = inspectUpdate(update)
    } catch (error) {
      if (error instanceof RefusedUpdate) throw new ProtocolError(CloseCode.UpdateRefused, error.message)
      throw new ProtocolError(CloseCode.MalformedMessage, `update could not be read: ${String(error)}`)
    }
    // Who may write is decided by the link and the room alone (facilitator-only state has a room
    // of its own), so a writer's update needs no look at where it lands.
    if (!canWrite(role)) {
      // A view-only client still answers our sync step 1; an answer that changes nothing is fine.
      if (facts.structs > 0 || changesDocument(this.doc, update)) {
        throw new ProtocolError(CloseCode.Forbidden, 'this link may only view the board')
      }
      return null
    }
    if (facts.structs > MAX_STRUCTS_PER_UPDATE) {
      throw new ProtocolError(CloseCode.UpdateRefused, `more than ${MAX_STRUCTS_PER_UPDATE} items in one change`)
    }
    this.checkLimits(update.byteLength, facts.cost)
    if (!this.budget.tryReserve(facts.cost)) {
      this.report('memory for loaded boards is full', { boardId: this.roomId, used: this.budget.usedBytes })
      throw new ProtocolError(CloseCode.TryAgainLater, 'the server is full; try again later')
    }
    return facts.cost
  }

  /** Refuses a change that would take the room past its limits (after compacting, if history may be the cause). */
  private checkLimits(bytes: number, cost: number): void {
    const { maxBytes, maxMemoryBytes } = this.limits
    const over = () => this.log.storedBytes + bytes > maxBytes || this.log.storedCost + cost > maxMemoryBytes
    if (!over()) return
    // Not on every refused message: a client reconnecting to retry must not make us compact each time.
    if (this.log.updatesSinceCompaction > 0 && this.log.appendCount - this.lastLimitCompaction >= MIN_UPDATES_BETWEEN_LIMIT_COMPACTIONS) {
      this.lastLimitCompaction = this.log.appendCount
      void this.log.compact(this.doc)
    }
    if (over()) throw new ProtocolError(CloseCode.BoardTooBig, 'board size limit reached')
  }
}
