import { useMemo } from 'react'
import type * as Y from 'yjs'
import { useYMapSnapshot } from '../hooks/useYMapSnapshot'
import { Facilitation, type FacilitationSnapshot } from './facilitationState'

/** The facilitation state of a board as React state, live with every change from anyone. */
export function useFacilitation(doc: Y.Doc): { facilitation: Facilitation; state: FacilitationSnapshot } {
  const facilitation = useMemo(() => new Facilitation(doc), [doc])
  const state = useYMapSnapshot(facilitation.map as Y.Map<unknown>, () => facilitation.snapshot())
  return { facilitation, state }
}
