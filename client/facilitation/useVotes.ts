import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

import { VOTES_MAP } from './votes'

export { VOTES_MAP }

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
