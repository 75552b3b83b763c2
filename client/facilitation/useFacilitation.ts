import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import { Facilitation, type FacilitationSnapshot } from './facilitationState'

/** The facilitation state of a board as React state, live with every change from anyone. */
export function useFacilitation(doc: Y.Doc): { facilitation: Facilitation; state: FacilitationSnapshot } {
  const facilitation = useMemo(() => new Facilitation(doc), [doc])
  const store = useMemo(() => {
    let cached = facilitation.snapshot()
    return {
      subscribe(onChange: () => void) {
        const handler = () => {
          cached = facilitation.snapshot()
          onChange()
        }
        facilitation.map.observeDeep(handler)
        return () => facilitation.map.unobserveDeep(handler)
      },
      get: () => cached,
    }
  }, [facilitation])
  const state = useSyncExternalStore(store.subscribe, store.get)
  return { facilitation, state }
}
