import { useMemo } from 'react'
import type * as Y from 'yjs'
import { useYMapSnapshot } from '../hooks/useYMapSnapshot'
import { VOTES_MAP } from './votes'

export { VOTES_MAP }

export function useVotes(doc: Y.Doc): { map: Y.Map<unknown>; entries: Array<[string, unknown]> } {
  const map = useMemo(() => doc.getMap<unknown>(VOTES_MAP), [doc])
  return { map, entries: useYMapSnapshot(map, (m) => [...m.entries()]) }
}
