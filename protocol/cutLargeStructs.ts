import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { StructIndex } from './inspectUpdate'

/** Yjs v1 item info byte: content kind in the low five bits, then which ids follow. */
const KIND_BITS = 0x1f
const BIT_ORIGIN = 0x80
const BIT_RIGHT_ORIGIN = 0x40
const BIT_PARENT_SUB = 0x20
/** Content kind of plain values (ContentAny): what every record of a board is. */
const KIND_ANY = 8
/** Bytes a cut-off part's header may take: info byte, origin id (two varuints) and value count. */
const PART_HEADER_BYTES = 1 + 2 * 9 + 5

/**
 * Rewrites a Yjs v1 update so that no struct holding several values is larger than `maxBytes`:
 * such a struct is cut between its values into items of the same client, each placed right after
 * the one before it (its origin), exactly as Yjs itself splits an item. Why: Yjs merges values
 * one client appended one after another into a single struct, so a long offline session adds
 * its hundreds of new records as one struct of megabytes, which cutting between structs alone
 * (splitUpdate.ts) cannot make fit into a message. A single value larger than `maxBytes` stays as
 * it is. Returns `update` itself when nothing needed cutting. `index`: from inspectUpdate.
 */
export function cutLargeStructs(update: Uint8Array, maxBytes: number, index: StructIndex): Uint8Array {
  const { blocks, offsets, clocks } = index
  const endOf = (s: number, blockEnd: number, blockEndOffset: number) => (s + 1 < blockEnd ? offsets[s + 1] : blockEndOffset)
  const isLarge = (s: number, end: number, endOffset: number) =>
    endOf(s, end, endOffset) - offsets[s] > maxBytes && (update[offsets[s]] & KIND_BITS) === KIND_ANY
  if (!blocks.some((b) => anyIn(b.first, b.end, (s) => isLarge(s, b.end, b.endOffset)))) return update

  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, blocks.length)
  for (const block of blocks) {
    const parts: Uint8Array[] = []
    for (let s = block.first; s < block.end; s++) {
      const bytes = update.subarray(offsets[s], endOf(s, block.end, block.endOffset))
      if (isLarge(s, block.end, block.endOffset)) parts.push(...cutStruct(bytes, block.client, clocks[s], maxBytes))
      else parts.push(bytes)
    }
    encoding.writeVarUint(encoder, parts.length)
    encoding.writeVarUint(encoder, block.client)
    encoding.writeVarUint(encoder, clocks[block.first])
    for (const part of parts) encoding.writeUint8Array(encoder, part)
  }
  encoding.writeUint8Array(encoder, update.subarray(index.deleteSetStart))
  return encoding.toUint8Array(encoder)
}

/** One ContentAny struct (its bytes, at `clock` of `client`) as several of at most `maxBytes` each where values allow. */
function cutStruct(bytes: Uint8Array, client: number, clock: number, maxBytes: number): Uint8Array[] {
  const d = decoding.createDecoder(bytes)
  const info = decoding.readUint8(d)
  if (info & BIT_ORIGIN) readId(d)
  const rightOriginStart = d.pos
  if (info & BIT_RIGHT_ORIGIN) readId(d)
  const rightOrigin = bytes.subarray(rightOriginStart, d.pos)
  if ((info & (BIT_ORIGIN | BIT_RIGHT_ORIGIN)) === 0) {
    if (decoding.readVarUint(d) === 1) decoding.readVarString(d)
    else readId(d)
    if (info & BIT_PARENT_SUB) decoding.readVarString(d)
  }
  const header = bytes.subarray(0, d.pos)
  const count = decoding.readVarUint(d)
  /** Where each value starts, and where the last one ends. */
  const bounds = [d.pos]
  for (let i = 0; i < count; i++) {
    decoding.readAny(d) // depth already checked by inspectUpdate
    bounds.push(d.pos)
  }
  const parts: Uint8Array[] = []
  let first = 0
  while (first < count) {
    // As many values as fit (at least one).
    let end = first + 1
    while (end < count && bounds[end + 1] - bounds[first] + PART_HEADER_BYTES + rightOrigin.byteLength <= maxBytes) end++
    const e = encoding.createEncoder()
    if (first === 0) encoding.writeUint8Array(e, header)
    else {
      // Placed right after the value before it; the parent follows from that origin.
      encoding.writeUint8(e, (info & (KIND_BITS | BIT_RIGHT_ORIGIN | BIT_PARENT_SUB)) | BIT_ORIGIN)
      encoding.writeVarUint(e, client)
      encoding.writeVarUint(e, clock + first - 1)
      encoding.writeUint8Array(e, rightOrigin)
    }
    encoding.writeVarUint(e, end - first)
    encoding.writeUint8Array(e, bytes.subarray(bounds[first], bounds[end]))
    parts.push(encoding.toUint8Array(e))
    first = end
  }
  return parts
}

function readId(d: decoding.Decoder): void {
  decoding.readVarUint(d)
  decoding.readVarUint(d)
}

function anyIn(from: number, to: number, test: (i: number) => boolean): boolean {
  for (let i = from; i < to; i++) if (test(i)) return true
  return false
}
