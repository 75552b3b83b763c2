import * as Y from 'yjs'
import type { seededRandom } from './random'

type Random = ReturnType<typeof seededRandom>

/** The shared types the editing helpers touch; a snapshot compares exactly these. */
const MAP = 'm'
const ARRAY = 'a'
const TEXT = 't'
/** Keys are reused, like shapes that are moved again and again (so deletions pile up too). */
const KEYS_PER_EDITOR = 20

/** Lengths the array and text hover around, so that a long run reaches a steady state. */
const MAX_ARRAY_ITEMS = 50
const MAX_TEXT_CHARS = 200

/** One random edit of the kinds a board makes: move a record, add or remove an item, type or delete text. */
export function randomEdit(doc: Y.Doc, rng: Random, tag: string, n: number): void {
  const roll = rng.next()
  if (roll < 0.6) {
    doc.getMap(MAP).set(`${tag}-k${rng.int(KEYS_PER_EDITOR)}`, { n, x: rng.int(2000), y: rng.int(2000) })
  } else if (roll < 0.8) {
    const array = doc.getArray(ARRAY)
    if (array.length > MAX_ARRAY_ITEMS) array.delete(rng.int(array.length), 1)
    else array.push([`${tag}-${n}`])
  } else {
    const text = doc.getText(TEXT)
    if (text.length > MAX_TEXT_CHARS) text.delete(rng.int(text.length - 10), 10)
    else text.insert(rng.int(text.length + 1), `${tag}${n} `)
  }
}

/** Edits `doc` every `intervalMs` until the returned function is called; that returns the edit count. */
export function startEditing(doc: Y.Doc, rng: Random, tag: string, intervalMs: number): () => number {
  let n = 0
  const timer = setInterval(() => randomEdit(doc, rng, tag, n++), intervalMs)
  return () => {
    clearInterval(timer)
    return n
  }
}

/** Everything the editing helpers wrote, as one comparable string (map keys sorted: replicas differ in key order). */
export function snapshot(doc: Y.Doc): string {
  const map = doc.getMap(MAP).toJSON()
  return JSON.stringify({
    m: Object.keys(map)
      .sort()
      .map((key) => [key, map[key]]),
    a: doc.getArray(ARRAY).toJSON(),
    t: doc.getText(TEXT).toString(),
  })
}

/** The state vector as a canonical string (the encoded form depends on insertion order). */
export function stateVectorKey(doc: Y.Doc): string {
  return [...Y.decodeStateVector(Y.encodeStateVector(doc)).entries()]
    .sort(([a], [b]) => a - b)
    .map(([client, clock]) => `${client}:${clock}`)
    .join(',')
}

/** True when all docs hold the same state and the same content. */
export function converged(docs: Y.Doc[]): boolean {
  const [first, ...rest] = docs
  const key = stateVectorKey(first)
  const content = snapshot(first)
  return rest.every((doc) => stateVectorKey(doc) === key && snapshot(doc) === content)
}
