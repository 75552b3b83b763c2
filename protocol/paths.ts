import { isValidBoardId } from './boardId'

/** The websocket endpoint: `/sync/<boardId>`; y-websocket appends the room name to its base URL. */
export const SYNC_PATH_PREFIX = '/sync/'
/** The page of a board: `/b/<boardId>`. */
export const BOARD_PATH_PREFIX = '/b/'

/** Returns the board id of a `/b/<id>` path, or null when the path is not a board page. */
export function boardIdFromPagePath(pathname: string): string | null {
  if (!pathname.startsWith(BOARD_PATH_PREFIX)) return null
  const id = pathname.slice(BOARD_PATH_PREFIX.length).replace(/\/$/, '')
  return isValidBoardId(id) ? id : null
}

export function boardPagePath(boardId: string): string {
  return BOARD_PATH_PREFIX + boardId
}

/** Marks a participant's private room of a board: `/sync/<boardId>/prive/<writerKey>`. */
export const PRIVATE_SEGMENT = 'prive'
const WRITER_KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/

/**
 * The room a websocket path asks for: the board itself, or one participant's private notes of it
 * (a separate room whose content the server never sends to anyone without its writer key).
 */
export function roomFromSyncPath(pathname: string): { boardId: string; roomId: string; isPrivate: boolean } | null {
  if (!pathname.startsWith(SYNC_PATH_PREFIX)) return null
  const parts = pathname.slice(SYNC_PATH_PREFIX.length).split('/')
  const boardId = parts[0]
  if (!isValidBoardId(boardId)) return null
  if (parts.length === 1) return { boardId, roomId: boardId, isPrivate: false }
  if (parts.length === 3 && parts[1] === PRIVATE_SEGMENT && WRITER_KEY_PATTERN.test(parts[2])) {
    return { boardId, roomId: `${boardId}.${PRIVATE_SEGMENT}.${parts[2]}`, isPrivate: true }
  }
  return null
}

/** y-websocket's room name for a private room (it appends the room name to the server URL). */
export function privateRoomName(boardId: string, writerKey: string): string {
  return `${boardId}/${PRIVATE_SEGMENT}/${writerKey}`
}
