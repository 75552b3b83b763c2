import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'

/** One entry of a Y.Map as React state, live with every change from anyone. */
export function useYMapValue<T>(map: Y.Map<unknown>, key: string): T | undefined {
  const store = useMemo(
    () => ({
      subscribe(onChange: () => void) {
        const handler = (event: Y.YMapEvent<unknown>) => event.keysChanged.has(key) && onChange()
        map.observe(handler)
        return () => map.unobserve(handler)
      },
      get: () => map.get(key) as T | undefined,
    }),
    [map, key],
  )
  return useSyncExternalStore(store.subscribe, store.get)
}
