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
