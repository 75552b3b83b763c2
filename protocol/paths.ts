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
/** Marks a board's facilitation room: `/sync/<boardId>/leiding`. */
export const FACILITATION_SEGMENT = 'leiding'
const WRITER_KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/

/**
 * The rooms of one board, each its own Y.Doc:
 * - `board`: the canvas, votes; everyone with a writing link edits it;
 * - `facilitation`: title, agenda, steps, timer, voting and writing rounds; only the facilitator
 *   writes it, everyone else reads it (a room of its own, so the server decides by link alone and
 *   never has to look inside an update to see where it lands);
 * - `private`: one participant's private notes (the server never sends them without the writer key).
 */
export type RoomKind = 'board' | 'facilitation' | 'private'

export interface RoomAddress {
  boardId: string
  /** The key the server loads and stores the room under. */
  roomId: string
  kind: RoomKind
}

/** The room a websocket path asks for, or null when the path names none. */
export function roomFromSyncPath(pathname: string): RoomAddress | null {
  if (!pathname.startsWith(SYNC_PATH_PREFIX)) return null
  const parts = pathname.slice(SYNC_PATH_PREFIX.length).split('/')
  const boardId = parts[0]
  if (!isValidBoardId(boardId)) return null
  if (parts.length === 1) return { boardId, roomId: boardId, kind: 'board' }
  if (parts.length === 2 && parts[1] === FACILITATION_SEGMENT) {
    return { boardId, roomId: facilitationRoomId(boardId), kind: 'facilitation' }
  }
  if (parts.length === 3 && parts[1] === PRIVATE_SEGMENT && WRITER_KEY_PATTERN.test(parts[2])) {
    return { boardId, roomId: privateRoomPrefix(boardId) + parts[2], kind: 'private' }
  }
  return null
}

/** What the store keys of a board's private rooms start with. */
export function privateRoomPrefix(boardId: string): string {
  return `${boardId}.${PRIVATE_SEGMENT}.`
}

/** Whether a room (its store key) belongs to a board: the board's own, its facilitation room or a private room. */
export function isRoomOfBoard(roomId: string, boardId: string): boolean {
  return roomId === boardId || roomId.startsWith(`${boardId}.`)
}

/** The board a room (its store key) belongs to: room keys are the board id, then `.` and the rest. */
export function boardOfRoom(roomId: string): string {
  const dot = roomId.indexOf('.')
  return dot === -1 ? roomId : roomId.slice(0, dot)
}

/** The store key of a board's facilitation room. */
export function facilitationRoomId(boardId: string): string {
  return `${boardId}.${FACILITATION_SEGMENT}`
}

/** The board a facilitation room belongs to, or null when `roomId` is no facilitation room. */
export function boardOfFacilitationRoom(roomId: string): string | null {
  const suffix = `.${FACILITATION_SEGMENT}`
  if (!roomId.endsWith(suffix)) return null
  const boardId = roomId.slice(0, -suffix.length)
  return isValidBoardId(boardId) ? boardId : null
}

/** y-websocket's room name for a board's facilitation room. */
export function facilitationRoomName(boardId: string): string {
  return `${boardId}/${FACILITATION_SEGMENT}`
}

/** y-websocket's room name for a private room (it appends the room name to the server URL). */
export function privateRoomName(boardId: string, writerKey: string): string {
  return `${boardId}/${PRIVATE_SEGMENT}/${writerKey}`
}
