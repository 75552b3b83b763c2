import { MalformedUpdate, RefusedUpdate, UpdateReader } from './updateReader'

const UTF8 = new TextDecoder()

/**
 * Deepest nesting of objects and arrays in one value. lib0 reads and writes values recursively:
 * a value nested a few thousand deep overflows the stack of whoever decodes it next (a fresh
 * server, a joining browser), so a board holding one could not be opened any more. tldraw's
 * deepest records (rich text in nested lists) stay far below this.
 */
export const MAX_VALUE_DEPTH = 100
/** Longest name of a root type; ours are short words ("tl_records"). */
export const MAX_ROOT_NAME_BYTES = 64

/**
 * What holding an update in a Y.Doc costs in memory, estimated from its structure, rounded up
 * from what was measured on Node 20 with yjs 13 (bench/perf/updateCost.ts): an item takes
 * 450–700 bytes of heap whatever its content, a deleted one about half, a garbage-collected
 * range far less; each value inside an item (every object, array, string, number) ~65 bytes,
 * and the content's bytes two to three times their size. Encoded bytes alone are no measure: 1.9 MB of
 * small map entries takes 55 MB of heap, 2 MB of text 2 MB.
 */
export const COST_PER_ITEM_BYTES = 640
export const COST_PER_DELETED_ITEM_BYTES = 320
export const COST_PER_EMPTY_STRUCT_BYTES = 96
export const COST_PER_VALUE_BYTES = 72
export const COST_PER_ENCODED_BYTE = 3
/** A deleted range costs work whenever the delete set is read and merged. */
export const COST_PER_DELETE_RANGE_BYTES = 64
/** A new root type is a shared type object of its own. */
export const COST_PER_ROOT_BYTES = 2048

/** Yjs content kinds (the low five bits of an item's info byte). */
const enum Kind {
  GC = 0,
  Deleted = 1,
  JSON = 2,
  Binary = 3,
  String = 4,
  Embed = 5,
  Format = 6,
  Type = 7,
  Any = 8,
  Doc = 9,
  Skip = 10,
}

/**
 * Content kinds Samenbord's documents never hold, refused before they reach a Y.Doc: nested shared
 * types (deleting or collecting a deep chain of them recurses once per level), sub-documents,
 * and kinds whose value is JSON text (parsed without any bound on its depth).
 */
const REFUSED_KINDS: Record<number, string> = {
  [Kind.JSON]: 'JSON content',
  [Kind.Embed]: 'embedded content',
  [Kind.Format]: 'text formatting',
  [Kind.Type]: 'a nested shared type',
  [Kind.Doc]: 'a sub-document',
}

const BIT_ORIGIN = 0x80
const BIT_RIGHT_ORIGIN = 0x40
const BIT_PARENT_SUB = 0x20
const KIND_BITS = 0x1f

export interface UpdateFacts {
  /** Structs (items, garbage-collected and skipped ranges). */
  structs: number
  /** Of those, garbage-collected and skipped ranges (no content; far cheaper than an item). */
  emptyStructs: number
  /** Of those, items whose content was deleted (kept for their place in a list). */
  deletedItems: number
  /** Values inside items' content, nested ones included. */
  values: number
  /** Deepest nesting of objects and arrays in any value. */
  depth: number
  deleteRanges: number
  /** Root type names the update's items are written under. */
  roots: Set<string>
  /** Estimated heap bytes the update takes once applied (see COST_PER_…). */
  cost: number
}

/** Where each struct of an update lies, for splitting it (see splitUpdate.ts). */
export interface StructIndex {
  /** Per client block: the client, and its structs' range in the arrays below. */
  blocks: { client: number; first: number; end: number; endClock: number; endOffset: number }[]
  /** Per struct: byte offset of its first byte, and its clock. */
  offsets: number[]
  clocks: number[]
  /**
   * Per struct, DEPS_PER_STRUCT [client, clock] pairs of the structs it needs first (origin, right
   * origin, parent); a client of -1 is an unused slot.
   */
  deps: number[]
  /** Where the delete set starts (it runs to the end). */
  deleteSetStart: number
}

export const DEPS_PER_STRUCT = 2

export function emptyStructIndex(): StructIndex {
  return { blocks: [], offsets: [], clocks: [], deps: [], deleteSetStart: 0 }
}

/**
 * Reads a Yjs v1 update without applying it and without building any of its objects: how big it
 * is in structs and values, how deep its values nest, which roots it writes. Throws
 * MalformedUpdate for bytes Yjs could not read (or could read only in part), RefusedUpdate for a
 * content kind Samenbord never uses or a value nested deeper than MAX_VALUE_DEPTH. Iterative,
 * so no input can overflow the stack here. With `index`, also records where each struct lies.
 */
export function inspectUpdate(update: Uint8Array, index?: StructIndex): UpdateFacts {
  const r = new UpdateReader(update)
  const facts: UpdateFacts = { structs: 0, emptyStructs: 0, deletedItems: 0, values: 0, depth: 0, deleteRanges: 0, roots: new Set(), cost: 0 }
  const clients = r.count()
  for (let c = 0; c < clients; c++) {
    const structs = r.count()
    const client = r.varUint()
    let clock = r.varUint()
    const first = index?.offsets.length ?? 0
    for (let s = 0; s < structs; s++) {
      if (index) {
        index.offsets.push(r.pos)
        index.clocks.push(clock)
        index.deps.push(-1, 0, -1, 0)
      }
      const length = readStruct(r, facts, index)
      if (length < 1) throw new MalformedUpdate('struct of length 0')
      clock += length
      if (clock > Number.MAX_SAFE_INTEGER) throw new MalformedUpdate('clock out of range')
    }
    index?.blocks.push({ client, first, end: first + structs, endClock: clock, endOffset: r.pos })
    facts.structs += structs
  }
  if (index) index.deleteSetStart = r.pos
  const dsClients = r.count()
  for (let c = 0; c < dsClients; c++) {
    r.varUint() // client
    const ranges = r.count()
    for (let i = 0; i < ranges; i++) {
      r.varUint() // clock
      r.varUint() // length
    }
    facts.deleteRanges += ranges
  }
  if (r.remaining > 0) throw new MalformedUpdate('trailing bytes after the update')
  facts.cost =
    (facts.structs - facts.emptyStructs - facts.deletedItems) * COST_PER_ITEM_BYTES +
    facts.deletedItems * COST_PER_DELETED_ITEM_BYTES +
    facts.emptyStructs * COST_PER_EMPTY_STRUCT_BYTES +
    facts.values * COST_PER_VALUE_BYTES +
    update.byteLength * COST_PER_ENCODED_BYTE +
    facts.deleteRanges * COST_PER_DELETE_RANGE_BYTES +
    facts.roots.size * COST_PER_ROOT_BYTES
  return facts
}

/** Reads one struct; returns its length (the clock units it takes). */
function readStruct(r: UpdateReader, facts: UpdateFacts, index: StructIndex | undefined): number {
  const info = r.u8()
  const kind = info & KIND_BITS
  if (kind === Kind.GC || kind === Kind.Skip) {
    facts.emptyStructs++
    return r.varUint()
  }
  // Its dependencies: the origins, or else the parent (at most two of the three ids).
  const slot = index ? index.deps.length - 2 * DEPS_PER_STRUCT : -1
  if (info & BIT_ORIGIN) readId(r, index, slot)
  if (info & BIT_RIGHT_ORIGIN) readId(r, index, info & BIT_ORIGIN ? slot + 2 : slot)
  if ((info & (BIT_ORIGIN | BIT_RIGHT_ORIGIN)) === 0) {
    // No neighbours to copy the parent from: a root's name, or the id of the parent item.
    if (r.varUint() === 1) facts.roots.add(r.string(MAX_ROOT_NAME_BYTES))
    else readId(r, index, slot)
    if (info & BIT_PARENT_SUB) r.skipBytes()
  }
  const refused = REFUSED_KINDS[kind]
  if (refused) throw new RefusedUpdate(`${refused} is not allowed on a board`)
  switch (kind) {
    case Kind.Deleted:
      facts.deletedItems++
      return r.varUint()
    case Kind.Binary:
      r.skipBytes()
      facts.values++
      return 1
    case Kind.String: {
      // Yjs counts a string's length in UTF-16 units of the decoded text.
      const bytes = r.skipBytes()
      facts.values++
      return UTF8.decode(r.bytes.subarray(r.pos - bytes, r.pos)).length
    }
    case Kind.Any: {
      const n = r.count()
      for (let i = 0; i < n; i++) skipAny(r, facts)
      return n
    }
    default:
      throw new MalformedUpdate(`unknown content kind ${kind}`)
  }
}

function readId(r: UpdateReader, index: StructIndex | undefined, slot: number): void {
  const client = r.varUint()
  const clock = r.varUint()
  if (index) {
    index.deps[slot] = client
    index.deps[slot + 1] = clock
  }
}

/** lib0 `writeAny` type tags. */
const enum AnyTag {
  Undefined = 127,
  Null = 126,
  Integer = 125,
  Float32 = 124,
  Float64 = 123,
  BigInt = 122,
  False = 121,
  True = 120,
  String = 119,
  Object = 118,
  Array = 117,
  Bytes = 116,
}

/**
 * Skips one lib0 `writeAny` value, counting its values and checking its depth, with an explicit
 * stack: `remaining[i]` is how many entries the i-th open container still has.
 */
function skipAny(r: UpdateReader, facts: UpdateFacts): void {
  const remaining: number[] = []
  const isObject: boolean[] = []
  do {
    if (isObject[remaining.length - 1]) r.skipBytes() // the entry's key
    const tag = r.u8()
    facts.values++
    let container = 0
    switch (tag) {
      case AnyTag.Undefined:
      case AnyTag.Null:
      case AnyTag.False:
      case AnyTag.True:
        break
      case AnyTag.Integer:
        r.skipVarInt()
        break
      case AnyTag.Float32:
        r.skip(4)
        break
      case AnyTag.Float64:
      case AnyTag.BigInt:
        r.skip(8)
        break
      case AnyTag.String:
      case AnyTag.Bytes:
        r.skipBytes()
        break
      case AnyTag.Object:
      case AnyTag.Array:
        container = r.count()
        if (remaining.length + 1 > facts.depth) facts.depth = remaining.length + 1
        if (facts.depth > MAX_VALUE_DEPTH) throw new RefusedUpdate(`a value nested deeper than ${MAX_VALUE_DEPTH}`)
        break
      default:
        throw new MalformedUpdate(`unknown value tag ${tag}`)
    }
    if (container > 0) {
      remaining.push(container)
      isObject.push(tag === AnyTag.Object)
      continue
    }
    // One value is done: close every container it completes.
    while (remaining.length > 0 && --remaining[remaining.length - 1] === 0) {
      remaining.pop()
      isObject.pop()
    }
  } while (remaining.length > 0)
}
