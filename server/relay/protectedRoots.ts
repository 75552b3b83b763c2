import * as Y from 'yjs'

/**
 * Root types of the board's Y.Doc that only the facilitator may change (title, agenda, timer,
 * steps, voting rounds). The relay checks every update of other roles against them.
 */
export const FACILITATOR_ONLY_ROOTS: ReadonlySet<string> = new Set(['facilitation'])

/** Marks a change whose place in the document cannot be determined from what the server has. */
export const UNKNOWN_ROOT = '\u0000unknown'

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>
type Struct = Y.Item | Y.GC | Y.Skip

/** The struct of `structs` (sorted by clock, one client) that contains `clock`, if any. */
function findStruct(structs: readonly Struct[] | undefined, clock: number): Struct | undefined {
  if (!structs || structs.length === 0) return undefined
  const last = structs[structs.length - 1]
  if (clock < structs[0].id.clock || clock >= last.id.clock + last.length) return undefined
  try {
    return structs[Y.findIndexSS(structs as Struct[] as never, clock)]
  } catch {
    return undefined // a gap (Skip) in an update
  }
}

/**
 * The names of the root types an update changes: inserted items (their parent is written in the
 * update, or follows from the neighbour they were inserted next to) and deletions of items that
 * are not deleted yet. A client's sync step 2 repeats its whole delete set; deletions the server
 * already has change nothing and are not counted. Uses only yjs's public exports.
 */
export function rootsTouched(doc: Y.Doc, update: DecodedUpdate): Set<string> {
  const roots = new Set<string>()
  const byClient = new Map<number, Struct[]>()
  for (const struct of update.structs) {
    const list = byClient.get(struct.id.client) ?? []
    list.push(struct)
    byClient.set(struct.id.client, list)
  }
  const rootOfType = (type: unknown): string => {
    try {
      return Y.findRootTypeKey(type as Y.AbstractType<unknown>)
    } catch {
      return UNKNOWN_ROOT
    }
  }
  const rootOfId = (id: Y.ID, depth: number): string => {
    const local = findStruct(byClient.get(id.client), id.clock)
    if (local instanceof Y.Item) return rootOfItem(local, depth + 1)
    const existing = findStruct(doc.store.clients.get(id.client), id.clock)
    return existing instanceof Y.Item ? rootOfType(existing.parent) : UNKNOWN_ROOT
  }
  const rootOfItem = (item: Y.Item, depth = 0): string => {
    if (depth > 64) return UNKNOWN_ROOT
    const parent = item.parent as unknown
    if (typeof parent === 'string') return parent
    // A nested type's parent is the id of the item holding it.
    if (parent instanceof Y.ID) return rootOfId(parent, depth)
    if (parent instanceof Y.AbstractType) return rootOfType(parent)
    const neighbour = item.origin ?? item.rightOrigin
    return neighbour ? rootOfId(neighbour, depth) : UNKNOWN_ROOT
  }
  for (const struct of update.structs) if (struct instanceof Y.Item) roots.add(rootOfItem(struct))

  for (const [client, ranges] of update.ds.clients) {
    const stored = doc.store.clients.get(client)
    const sent = byClient.get(client)
    for (const { clock, len } of ranges) {
      for (let c = clock; c < clock + len; ) {
        const own = findStruct(sent, c)
        const existing = own ? undefined : findStruct(stored, c)
        const struct = own ?? existing
        if (!struct) {
          roots.add(UNKNOWN_ROOT)
          break
        }
        if (struct instanceof Y.Item && (own || !struct.deleted)) roots.add(rootOfItem(struct))
        c = struct.id.clock + struct.length
      }
    }
  }
  return roots
}
