import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/** Root map of votes: `${roundId}|${voterId}` → shape ids (anyone may write, one key per voter). */
export const VOTES_MAP = 'votes'

export function useVotes(doc: Y.Doc): { map: Y.Map<unknown>; entries: Array<[string, unknown]> } {
  const map = useMemo(() => doc.getMap<unknown>(VOTES_MAP), [doc])
  const store = useMemo(() => {
    let cached = [...map.entries()]
    return {
      subscribe(onChange: () => void) {
        const handler = () => {
          cached = [...map.entries()]
          onChange()
        }
        map.observe(handler)
        return () => map.unobserve(handler)
      },
      get: () => cached,
    }
  }, [map])
  return { map, entries: useSyncExternalStore(store.subscribe, store.get) }
}
