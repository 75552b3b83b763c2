import { useMemo } from 'react'
import type * as Y from 'yjs'
import { ROOM_META_MAP, UNREADABLE_UPDATES_KEY } from '../../protocol/facilitationRoom'
import { useYMapSnapshot } from '../hooks/useYMapSnapshot'
import { texts } from '../i18n'

/**
 * Tells the facilitator when the server found stored changes of this board it could not read
 * (it keeps them and stops compacting the board; see server/relay/durableLog.ts).
 */
export function UnreadableNotice({ facilitationDoc }: { facilitationDoc: Y.Doc }) {
  const meta = useMemo(() => facilitationDoc.getMap(ROOM_META_MAP), [facilitationDoc])
  const count = useYMapSnapshot(meta, (m) => m.get(UNREADABLE_UPDATES_KEY))
  if (typeof count !== 'number' || count <= 0) return null
  return (
    <p className="board-notice board-notice-warning" role="alert" data-testid="unreadable-updates">
      {texts().unreadableUpdates(count)}
    </p>
  )
}
