import { react, type Signal } from '@tldraw/state'
import {
  createPresenceStateDerivation,
  InstancePresenceRecordType,
  type TLInstancePresence,
  type TLStore,
  type TLUser,
} from '@tldraw/tlschema'
import type { Awareness } from 'y-protocols/awareness'

/** Cursors and selections are sent at most this often (~25 per second), never into the document. */
export const PRESENCE_THROTTLE_MS = 40

/** What each participant puts in y-protocols awareness. */
export interface AwarenessPresenceState {
  presence: TLInstancePresence
}

/**
 * Shares the local user's presence (cursor, selection, viewport, name, colour) through awareness
 * and shows everybody else's as tldraw `instance_presence` records, which tldraw draws as
 * cursors with names. Remote records are keyed by awareness client id, so one peer can never
 * overwrite another's presence.
 */
export function bindPresence(store: TLStore, awareness: Awareness, $user: Signal<TLUser | null>): () => void {
  const presenceId = (clientId: number) => InstancePresenceRecordType.createId(String(clientId))
  const $presence = createPresenceStateDerivation($user, {
    instanceId: presenceId(awareness.clientID),
  })(store)

  let timer: ReturnType<typeof setTimeout> | null = null
  let lastSent = 0
  const send = () => {
    timer = null
    lastSent = Date.now()
    const presence = $presence.get()
    if (presence) awareness.setLocalStateField('presence', presence)
  }
  const stopReacting = react('samenbord presence', () => {
    $presence.get()
    if (timer) return
    const wait = Math.max(0, PRESENCE_THROTTLE_MS - (Date.now() - lastSent))
    timer = setTimeout(send, wait)
  })

  const shown = new Set<TLInstancePresence['id']>()
  const onChange = (changes: { added: number[]; updated: number[]; removed: number[] }) => {
    const puts: TLInstancePresence[] = []
    const removes: TLInstancePresence['id'][] = []
    const states = awareness.getStates()
    for (const clientId of [...changes.added, ...changes.updated, ...changes.removed]) {
      if (clientId === awareness.clientID) continue
      const id = presenceId(clientId)
      const state = states.get(clientId) as Partial<AwarenessPresenceState> | undefined
      if (state?.presence && typeof state.presence === 'object') {
        puts.push({ ...state.presence, id, typeName: 'instance_presence' })
      } else if (shown.has(id)) {
        removes.push(id)
      }
    }
    if (puts.length === 0 && removes.length === 0) return
    store.mergeRemoteChanges(() => {
      for (const id of removes) {
        shown.delete(id)
        if (store.has(id)) store.remove([id])
      }
      for (const record of puts) {
        try {
          store.put([record])
          shown.add(record.id)
        } catch {
          // A malformed presence from one peer is ignored; the board goes on.
        }
      }
    })
  }
  awareness.on('change', onChange)
  onChange({ added: [...awareness.getStates().keys()], updated: [], removed: [] })

  return () => {
    stopReacting()
    if (timer) clearTimeout(timer)
    awareness.off('change', onChange)
    awareness.setLocalState(null)
    store.mergeRemoteChanges(() => store.remove([...shown].filter((id) => store.has(id))))
  }
}
