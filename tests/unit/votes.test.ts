import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { VOTES_MAP, castVote, countVotes, countedDots, voteKey, votesLeft, withdrawVote } from '../../client/facilitation/votes'

const ROUND = 'r1'
const shapes = new Set(['shape:a', 'shape:b', 'shape:c'])

describe('countVotes', () => {
  test('counts every dot of this round, duplicates included', () => {
    const entries: [string, unknown][] = [
      [voteKey(ROUND, 'ann'), ['shape:a', 'shape:a', 'shape:b']],
      [voteKey(ROUND, 'bob'), ['shape:a']],
    ]
    expect(countVotes(entries, ROUND, 3, shapes)).toEqual(new Map([['shape:a', 3], ['shape:b', 1]]))
  })

  test('ignores malformed values, other rounds, deleted shapes and dots beyond the limit', () => {
    const entries: [string, unknown][] = [
      [voteKey(ROUND, 'ann'), ['shape:a', 42, null, { id: 'shape:b' }, 'shape:b', 'shape:c', 'shape:c']], // limit 3: a, b, c count
      [voteKey(ROUND, 'bob'), 'shape:a'], // not an array
      [voteKey(ROUND, 'cas'), { 0: 'shape:a', length: 1 }], // array-like is not an array
      [voteKey(ROUND, 'dirk'), ['shape:deleted', 'shape:b']], // the deleted note's dot is given back
      [voteKey('r0', 'ann'), ['shape:a', 'shape:a']], // an earlier round
      [voteKey('r10', 'ann'), ['shape:a']], // a round whose id starts with this one's
      [`${ROUND}|`, ['shape:a']], // no voter
      [ROUND, ['shape:a']], // no separator
      ['other', ['shape:a']],
    ]
    expect(countVotes(entries, ROUND, 3, shapes)).toEqual(new Map([['shape:a', 1], ['shape:b', 2], ['shape:c', 1]]))
  })

  test('a nonsensical limit counts nothing rather than everything', () => {
    const entries: [string, unknown][] = [[voteKey(ROUND, 'ann'), ['shape:a', 'shape:b']]]
    expect(countVotes(entries, ROUND, Number.NaN, shapes).size).toBe(0)
    expect(countVotes(entries, ROUND, -2, shapes).size).toBe(0)
    expect(countVotes(entries, ROUND, 1.9, shapes)).toEqual(new Map([['shape:a', 1]]))
  })

  test('reads a real Y.Map, with values written by two peers', () => {
    const doc1 = new Y.Doc()
    const doc2 = new Y.Doc()
    doc1.getMap(VOTES_MAP).set(voteKey(ROUND, 'ann'), ['shape:a', 'shape:b'])
    doc2.getMap(VOTES_MAP).set(voteKey(ROUND, 'bob'), ['shape:b', 7])
    Y.applyUpdate(doc1, Y.encodeStateAsUpdate(doc2))
    const votes = doc1.getMap<unknown>(VOTES_MAP)
    expect(countVotes(votes.entries(), ROUND, 3, shapes)).toEqual(new Map([['shape:a', 1], ['shape:b', 2]]))
  })
})

describe('votesLeft', () => {
  const entries: [string, unknown][] = [
    [voteKey(ROUND, 'ann'), ['shape:a', 'shape:a']],
    [voteKey('r0', 'bob'), ['shape:a', 'shape:a', 'shape:a']],
    [voteKey(ROUND, 'cas'), ['shape:a', 'shape:b', 'shape:c', 'shape:c']],
    [voteKey(ROUND, 'dirk'), ['shape:deleted']],
    [voteKey(ROUND, 'eva'), 'garbage'],
  ]

  test('is the limit minus the dots that count', () => {
    expect(votesLeft(entries, ROUND, 'ann', 3)).toBe(1)
    expect(votesLeft(entries, ROUND, 'bob', 3)).toBe(3) // voted in another round only
    expect(votesLeft(entries, ROUND, 'cas', 3)).toBe(0) // never negative
    expect(votesLeft(entries, ROUND, 'eva', 3)).toBe(3)
    expect(votesLeft([], ROUND, 'new', 5)).toBe(5)
  })

  test('gives dots on deleted shapes back only when told which shapes exist', () => {
    expect(votesLeft(entries, ROUND, 'dirk', 3)).toBe(2)
    expect(votesLeft(entries, ROUND, 'dirk', 3, shapes)).toBe(3)
  })
})

describe('castVote and withdrawVote', () => {
  test('adds a dot while some are left, also on the same note', () => {
    expect(castVote(undefined, 'shape:a', 2)).toEqual(['shape:a'])
    expect(castVote(['shape:a'], 'shape:a', 2)).toEqual(['shape:a', 'shape:a'])
    expect(castVote(['shape:a', 'shape:a'], 'shape:b', 2)).toBeNull()
    expect(castVote([], 'shape:a', 0)).toBeNull()
  })

  test('writes back a cleaned list when the stored one is malformed', () => {
    expect(castVote('nonsense', 'shape:a', 2)).toEqual(['shape:a'])
    expect(castVote([1, 'shape:b', null], 'shape:a', 2)).toEqual(['shape:b', 'shape:a'])
    expect(castVote(['shape:gone', 'shape:b'], 'shape:a', 2, shapes)).toEqual(['shape:b', 'shape:a'])
    expect(countedDots(['shape:a', 'shape:b', 'shape:c'], 2)).toEqual(['shape:a', 'shape:b'])
  })

  test('withdraw removes one dot, the latest on that note', () => {
    expect(withdrawVote(['shape:a', 'shape:b', 'shape:a'], 'shape:a')).toEqual(['shape:a', 'shape:b'])
    expect(withdrawVote(['shape:a', 3, 'shape:b'], 'shape:c')).toEqual(['shape:a', 'shape:b'])
    expect(withdrawVote(undefined, 'shape:a')).toEqual([])
  })

  test('cast then withdraw round-trips through the counts', () => {
    const map = new Y.Doc().getMap<unknown>(VOTES_MAP)
    const key = voteKey(ROUND, 'ann')
    for (const id of ['shape:a', 'shape:a', 'shape:b']) {
      const next = castVote(map.get(key), id, 3)
      expect(next).not.toBeNull()
      map.set(key, next)
    }
    expect(castVote(map.get(key), 'shape:c', 3)).toBeNull()
    map.set(key, withdrawVote(map.get(key), 'shape:a'))
    expect(countVotes(map.entries(), ROUND, 3, shapes)).toEqual(new Map([['shape:a', 1], ['shape:b', 1]]))
    expect(votesLeft(map.entries(), ROUND, 'ann', 3)).toBe(1)
  })
})
