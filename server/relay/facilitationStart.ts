import * as Y from 'yjs'
import { FACILITATION_MAP, ROOM_META_MAP } from '../../protocol/facilitationRoom'

/** Version of the facilitation room's layout, written into its meta map when it starts. */
export const FACILITATION_ROOM_VERSION = 1

/**
 * The first state of a board's facilitation room. Boards made before that room existed kept the
 * same map in the board's own doc, where the server then refused every writer but the
 * facilitator; it is copied over once. The server starts the room the first time it opens the
 * board or the room, before anyone can write to either, so the board's copy it reads was written
 * under those old rules (afterwards the board's old map is ignored: anyone may write it now).
 * Values are plain JSON (title, steps, timer …); a nested type is copied as its JSON.
 */
export function firstFacilitationState(boardDoc: Y.Doc | null): Uint8Array {
  const room = new Y.Doc()
  const map = room.getMap<unknown>(FACILITATION_MAP)
  room.transact(() => {
    room.getMap(ROOM_META_MAP).set('version', FACILITATION_ROOM_VERSION)
    for (const [key, value] of boardDoc?.getMap<unknown>(FACILITATION_MAP) ?? []) {
      map.set(key, value instanceof Y.AbstractType ? value.toJSON() : value)
    }
  })
  return Y.encodeStateAsUpdate(room)
}

/** Whether an update (e.g. a merged log) holds nothing at all. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update)
  return structs.length === 0 && ds.clients.size === 0
}

/** A Y.Doc with the given state. */
export function docFromState(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}
