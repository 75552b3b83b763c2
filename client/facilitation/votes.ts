/**
 * Dot voting on sticky notes, as plain functions over the Y.Doc root map `votes`.
 *
 * Layout: key `${roundId}|${voterId}` → the shape ids the voter put a dot on, in the order the
 * dots were cast. A voter may put several dots on one note, so duplicates count. Anyone may write
 * this map, so every reader treats the values as untrusted: non-arrays, non-string entries and
 * keys of other rounds are ignored, and only the first `votesPerPerson` valid dots of a voter
 * count (later ones are ignored, whatever a peer wrote).
 */

/** Name of the Y.Doc root map that holds the votes. */
export const VOTES_MAP = 'votes'

const KEY_SEPARATOR = '|'

/** The key of one voter's dots in one voting round. */
export function voteKey(roundId: string, voterId: string): string {
  return `${roundId}${KEY_SEPARATOR}${voterId}`
}

/** A sane dot budget: a whole number ≥ 0 (NaN, negative or fractional values from peers are clamped). */
function budget(votesPerPerson: number): number {
  return Number.isFinite(votesPerPerson) ? Math.max(0, Math.floor(votesPerPerson)) : 0
}

/**
 * The dots of one voter that count: string entries only; when `existingShapeIds` is given, dots on
 * shapes that no longer exist are dropped first (so deleting a note gives its dots back); then the
 * first `votesPerPerson`.
 */
export function countedDots(value: unknown, votesPerPerson: number, existingShapeIds?: ReadonlySet<string>): string[] {
  if (!Array.isArray(value)) return []
  const limit = budget(votesPerPerson)
  const dots: string[] = []
  for (const entry of value as unknown[]) {
    if (dots.length >= limit) break
    if (typeof entry !== 'string' || entry === '') continue
    if (existingShapeIds && !existingShapeIds.has(entry)) continue
    dots.push(entry)
  }
  return dots
}

/** The voter id of a key in this round, or undefined when the key belongs elsewhere. */
function voterOf(key: unknown, roundId: string): string | undefined {
  if (typeof key !== 'string') return undefined
  const prefix = roundId + KEY_SEPARATOR
  if (!key.startsWith(prefix) || key.length === prefix.length) return undefined
  return key.slice(prefix.length)
}

/**
 * Dots per shape id in one round. `entries` is typically `votesMap.entries()`. Shapes absent from
 * `existingShapeIds` (deleted notes, ids made up by a peer) get no count.
 */
export function countVotes(
  entries: Iterable<[key: string, value: unknown]>,
  roundId: string,
  votesPerPerson: number,
  existingShapeIds: ReadonlySet<string>,
): Map<string, number> {
  const counts = new Map<string, number>()
  for (const [key, value] of entries) {
    if (voterOf(key, roundId) === undefined) continue
    for (const shapeId of countedDots(value, votesPerPerson, existingShapeIds)) {
      counts.set(shapeId, (counts.get(shapeId) ?? 0) + 1)
    }
  }
  return counts
}

/**
 * How many dots `voterId` may still cast in this round. Without `existingShapeIds`, dots on
 * deleted shapes still count as used; pass the set to give them back (as `countVotes` does).
 */
export function votesLeft(
  entries: Iterable<[key: string, value: unknown]>,
  roundId: string,
  voterId: string,
  votesPerPerson: number,
  existingShapeIds?: ReadonlySet<string>,
): number {
  const key = voteKey(roundId, voterId)
  let used = 0
  for (const [k, value] of entries) {
    if (k === key) used = countedDots(value, votesPerPerson, existingShapeIds).length
  }
  return budget(votesPerPerson) - used
}

/**
 * The voter's new list after putting one more dot on `shapeId`, or null when no dots are left.
 * `current` is the voter's stored value (anything); the result keeps only the dots that count
 * (see `countedDots`), so writing it back also cleans up a malformed value.
 */
export function castVote(
  current: unknown,
  shapeId: string,
  votesPerPerson: number,
  existingShapeIds?: ReadonlySet<string>,
): string[] | null {
  const dots = countedDots(current, votesPerPerson, existingShapeIds)
  if (dots.length >= budget(votesPerPerson)) return null
  return [...dots, shapeId]
}

/**
 * The voter's new list after taking one dot off `shapeId` (the most recently cast one). Entries
 * that are not strings are dropped; an unknown `shapeId` leaves the list otherwise unchanged.
 */
export function withdrawVote(current: unknown, shapeId: string): string[] {
  const dots = Array.isArray(current) ? (current as unknown[]).filter((d): d is string => typeof d === 'string' && d !== '') : []
  const at = dots.lastIndexOf(shapeId)
  if (at >= 0) dots.splice(at, 1)
  return dots
}
