import type { Role } from './roles'

/**
 * The small HTTP API beside the relay (server/http/boardApi.ts), as both sides see it. The
 * client calls it only through client/api.ts.
 */

/** HTTP status of `/api` calls that create something when the budget is used up. */
export const HTTP_TOO_MANY_REQUESTS = 429
/** HTTP status of every `/api/boards/<id>…` call for a board that was deleted (never opened again). */
export const HTTP_GONE = 410

export const API_TIME_PATH = '/api/time'
export const API_BOARDS_PATH = '/api/boards'
/** Query parameter of `POST /api/boards` that makes a copy of another board. */
export const COPY_FROM_PARAM = 'copyFrom'

/** `DELETE` deletes the board with everything of it ("Bord verwijderen"; facilitator only). */
export function boardPath(boardId: string): string {
  return `${API_BOARDS_PATH}/${boardId}`
}

export function boardRolePath(boardId: string): string {
  return `${API_BOARDS_PATH}/${boardId}/role`
}

export function snapshotsPath(boardId: string): string {
  return `${API_BOARDS_PATH}/${boardId}/snapshots`
}

/** `GET /api/time` */
export interface TimeResponse {
  /** The server's clock, ms since 1970. */
  now: number
}

/** `GET /api/boards/<id>/role` */
export interface RoleResponse {
  role: Role
  /**
   * Facilitator only: when the server deletes the board by itself if nobody opens it before then
   * (BOARD_RETENTION_DAYS after it was last opened), ms since 1970.
   */
  deleteAfter?: number
}

/** A named copy of a board's state kept by the server (`GET /api/boards/<id>/snapshots`). */
export interface SnapshotInfo {
  id: string
  name: string
  /** ms since 1970 */
  createdAt: number
}

/** `POST /api/boards/<id>/snapshots` body. */
export interface SaveSnapshotRequest {
  name: string
}
