import * as encoding from 'lib0/encoding'
import { cutLargeStructs } from './cutLargeStructs'
import { DEPS_PER_STRUCT, emptyStructIndex, inspectUpdate, type UpdateFacts } from './inspectUpdate'

/**
 * Most structs in one stored row or applied piece. Applying a struct takes 3–6 µs (measured in
 * bench/perf/updateCost.ts), so a piece of this size keeps one turn of the event loop
 * well under 100 ms; a whole board is applied piece by piece with the loop free in between.
 */
export const MAX_STRUCTS_PER_PIECE = 10_000

/**
 * Bytes a piece header may take per client run: its struct count, client id and first clock as
 * varuints (at most 5, 5 and 8 bytes for any id and clock Yjs makes). Counted high on purpose: a
 * piece must never come out over its byte limit.
 */
const RUN_HEADER_BYTES = 18
/** Bytes around the runs: the number of runs (a varuint) and an empty delete set. */
const PIECE_OVERHEAD_BYTES = 6

/**
 * Cuts a Yjs v1 update into updates of at most `maxStructs` structs and `maxBytes` bytes each,
 * which together are the same update (with the facts of the whole update). A single struct larger
 * than `maxBytes` gets a piece of its own, over the limit (callers that send pieces check that);
 * a delete set that does not fit in the last piece comes after it as a piece without structs.
 * With a byte limit, a struct of many values is cut between them first (cutLargeStructs.ts);
 * the facts are then those of the cut update (more structs, the same changes). The pieces are in causal order: every struct comes after the structs it is placed
 * against (its left and right origin and its parent), so each piece can be integrated completely
 * when the ones before it are in the doc, and nothing waits as "pending" (which Yjs would merge
 * again with every later piece). The delete set goes with the last piece.
 *
 * Each piece holds, per client, one run of consecutive structs copied byte for byte (v1 structs
 * carry absolute ids, so they can be moved between updates as they are).
 */
export function splitUpdate(
  update: Uint8Array,
  maxStructs = MAX_STRUCTS_PER_PIECE,
  maxBytes = Number.POSITIVE_INFINITY,
): { pieces: Uint8Array[]; facts: UpdateFacts } {
  let index = emptyStructIndex()
  let facts = inspectUpdate(update, index)
  if (facts.structs <= maxStructs && update.byteLength <= maxBytes) return { pieces: [update], facts }
  if (Number.isFinite(maxBytes)) {
    // Many values in one struct (records appended one after another) are cut between values first.
    const cut = cutLargeStructs(update, maxBytes - RUN_HEADER_BYTES - PIECE_OVERHEAD_BYTES, index)
    if (cut !== update) {
      update = cut
      index = emptyStructIndex()
      facts = inspectUpdate(update, index) // the same changes, in more structs
    }
  }
  const { blocks, offsets, clocks, deps } = index
  const blockOf = new Map<number, number>()
  blocks.forEach((block, i) => blockOf.set(block.client, i))
  /** Per block, its next struct to emit (a global struct number). */
  const next = blocks.map((block) => block.first)
  const onStack = blocks.map(() => false)
  const pieces: Uint8Array[] = []
  /** The piece being filled: per block, the first struct in it (-1: none yet). */
  let firstInPiece = blocks.map(() => -1)
  let inPiece = 0
  /** What the piece being filled will take at most, in bytes (headers counted high). */
  let pieceBytes = PIECE_OVERHEAD_BYTES
  const deleteSet = update.subarray(index.deleteSetStart)
  const clockOf = (b: number, s: number) => (s < blocks[b].end ? clocks[s] : blocks[b].endClock)
  const offsetOf = (b: number, s: number) => (s < blocks[b].end ? offsets[s] : blocks[b].endOffset)

  const finishPiece = (last: boolean) => {
    const encoder = encoding.createEncoder()
    const used = blocks.map((_, i) => i).filter((i) => firstInPiece[i] >= 0)
    encoding.writeVarUint(encoder, used.length)
    for (const b of used) {
      const first = firstInPiece[b]
      encoding.writeVarUint(encoder, next[b] - first)
      encoding.writeVarUint(encoder, blocks[b].client)
      encoding.writeVarUint(encoder, clocks[first])
      encoding.writeUint8Array(encoder, update.subarray(offsets[first], offsetOf(b, next[b])))
    }
    if (last) encoding.writeUint8Array(encoder, deleteSet)
    else encoding.writeVarUint(encoder, 0) // an empty delete set
    pieces.push(encoding.toUint8Array(encoder))
    firstInPiece = blocks.map(() => -1)
    inPiece = 0
    pieceBytes = PIECE_OVERHEAD_BYTES
  }

  /** A struct of another block that must be emitted before struct `s` of block `b`, if any. */
  const waitingFor = (b: number, s: number): [block: number, clock: number] | null => {
    for (let d = s * 2 * DEPS_PER_STRUCT; d < (s + 1) * 2 * DEPS_PER_STRUCT; d += 2) {
      const other = deps[d] < 0 ? undefined : blockOf.get(deps[d])
      if (other === undefined || other === b) continue // none, not in this update, or an earlier struct of b
      const clock = deps[d + 1]
      // Before the update's range the doc has it; beyond it nobody does (Yjs keeps that pending).
      if (clock < clockOf(other, next[other]) || clock >= blocks[other].endClock) continue
      if (onStack[other]) continue // a cycle: only hostile bytes have one; Yjs sorts it out
      return [other, clock]
    }
    return null
  }

  for (let root = 0; root < blocks.length; root++) {
    // Emit block `root` whole, and before each struct what it depends on (an explicit stack).
    const stack: { block: number; until: number }[] = [{ block: root, until: Number.POSITIVE_INFINITY }]
    onStack[root] = true
    while (stack.length > 0) {
      const top = stack[stack.length - 1]
      const s = next[top.block]
      if (s >= blocks[top.block].end || clocks[s] > top.until) {
        stack.pop()
        onStack[top.block] = false
        continue
      }
      const dep = waitingFor(top.block, s)
      if (dep) {
        stack.push({ block: dep[0], until: dep[1] })
        onStack[dep[0]] = true
        continue
      }
      const runHeader = firstInPiece[top.block] < 0 ? RUN_HEADER_BYTES : 0
      const structBytes = offsetOf(top.block, s + 1) - offsets[s]
      if (inPiece > 0 && pieceBytes + runHeader + structBytes > maxBytes) finishPiece(false)
      if (firstInPiece[top.block] < 0) {
        firstInPiece[top.block] = s
        pieceBytes += RUN_HEADER_BYTES
      }
      pieceBytes += structBytes
      next[top.block] = s + 1
      if (++inPiece >= maxStructs) finishPiece(false)
    }
  }
  // The delete set goes with the last structs, or after them when they would not leave room for it.
  if (inPiece > 0 && pieceBytes - 1 + deleteSet.byteLength > maxBytes) finishPiece(false)
  finishPiece(true)
  return { pieces, facts }
}
