import * as Y from 'yjs'

type Struct = Y.Item | Y.GC | Y.Skip

/** The struct of `structs` (sorted by clock, one client) that contains `clock`, if any. */
function findStruct(structs: readonly Struct[] | undefined, clock: number): Struct | undefined {
  if (!structs || structs.length === 0) return undefined
  const last = structs[structs.length - 1]
  if (clock < structs[0].id.clock || clock >= last.id.clock + last.length) return undefined
  return structs[Y.findIndexSS(structs as Struct[] as never, clock)]
}

/**
 * Whether applying `update` would change `doc`: it inserts something, or deletes something that is
 * not deleted yet (or that the server does not have). A client's sync step 2 repeats its whole
 * delete set, so a view-only client whose copy holds a deleted note sends one on every reconnect;
 * that is not a write. Throws when the update cannot be decoded. Uses only yjs's public exports.
 */
export function changesDocument(doc: Y.Doc, update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update)
  if (structs.length > 0) return true
  for (const [client, ranges] of ds.clients) {
    const stored = doc.store.clients.get(client)
    for (const { clock, len } of ranges) {
      for (let c = clock; c < clock + len; ) {
        const struct = findStruct(stored, c)
        if (!struct || (struct instanceof Y.Item && !struct.deleted)) return true
        c = struct.id.clock + struct.length
      }
    }
  }
  return false
}
