import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/**
 * What `read` makes of a Y.Map, as React state, live with every change from anyone (nested
 * changes too). `read` runs once per change, not per render, so the snapshot keeps its identity
 * between changes as React requires; it is a way of looking, not state, so a new `read` each
 * render does not subscribe again.
 */
export function useYMapSnapshot<T>(map: Y.Map<unknown>, read: (map: Y.Map<unknown>) => T): T {
  const store = useMemo(() => {
    let cached = read(map)
    return {
      subscribe(onChange: () => void) {
        const handler = () => {
          cached = read(map)
          onChange()
        }
        map.observeDeep(handler)
        return () => map.unobserveDeep(handler)
      },
      get: () => cached,
    }
  }, [map])
  return useSyncExternalStore(store.subscribe, store.get)
}
