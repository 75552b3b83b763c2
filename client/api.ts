import {
  API_BOARDS_PATH,
  API_TIME_PATH,
  boardPath,
  boardRolePath,
  COPY_FROM_PARAM,
  HTTP_GONE,
  HTTP_TOO_MANY_REQUESTS,
  snapshotsPath,
  type RoleResponse,
  type SaveSnapshotRequest,
  type SnapshotInfo,
  type TimeResponse,
} from '../protocol/api'
import { tokenHeader, type CreatedBoard, type Role } from '../protocol/roles'

/**
 * Every call the page makes to the server's HTTP API. Each answers with a value or with why not:
 * `offline` (no answer at all), `tooMany` (the budget for creating is used up), `forbidden`
 * (the link does not allow it), `unknown` (no such board), `deleted` (the board was deleted),
 * `failed` (any other answer).
 */
export type ApiFailure = 'offline' | 'tooMany' | 'forbidden' | 'unknown' | 'deleted' | 'failed'
export type ApiResult<T> = { ok: true; value: T } | { ok: false; why: ApiFailure }

async function call<T>(url: string, init: RequestInit | undefined, read: (res: Response) => Promise<T>): Promise<ApiResult<T>> {
  let res: Response
  try {
    res = await fetch(url, init)
  } catch {
    return { ok: false, why: 'offline' }
  }
  if (res.ok) {
    try {
      return { ok: true, value: await read(res) }
    } catch {
      return { ok: false, why: 'failed' }
    }
  }
  const why: ApiFailure =
    res.status === HTTP_TOO_MANY_REQUESTS ? 'tooMany'
    : res.status === 403 ? 'forbidden'
    : res.status === 404 ? 'unknown'
    : res.status === HTTP_GONE ? 'deleted'
    : 'failed'
  return { ok: false, why }
}

const json = <T,>(res: Response) => res.json() as Promise<T>
/** The token goes in a header, never in the URL (proxies log URLs; see protocol/roles.ts). */
const auth = (token: string | null, init: RequestInit = {}): RequestInit => (token ? { ...init, headers: { ...tokenHeader(token), ...init.headers } } : init)

export function createBoard(): Promise<ApiResult<CreatedBoard>> {
  return call(API_BOARDS_PATH, { method: 'POST' }, json<CreatedBoard>)
}

/** "Kopie voor volgende bijeenkomst": a new board with this board's content (facilitator only). */
export function copyBoard(boardId: string, token: string): Promise<ApiResult<CreatedBoard>> {
  return call(`${API_BOARDS_PATH}?${COPY_FROM_PARAM}=${boardId}`, auth(token, { method: 'POST' }), json<CreatedBoard>)
}

export async function fetchRole(boardId: string, token: string | null): Promise<ApiResult<Role>> {
  const result = await call(boardRolePath(boardId), auth(token), json<RoleResponse>)
  return result.ok ? { ok: true, value: result.value.role } : result
}

/**
 * When the server deletes the board by itself if nobody opens it before then (ms since 1970);
 * null when the server does not say (the link is not the facilitator's).
 */
export async function fetchDeleteAfter(boardId: string, token: string): Promise<ApiResult<number | null>> {
  const result = await call(boardRolePath(boardId), auth(token), json<RoleResponse>)
  return result.ok ? { ok: true, value: result.value.deleteAfter ?? null } : result
}

/** "Bord verwijderen": the board with everything of it, for everyone, for good (facilitator only). */
export function deleteBoard(boardId: string, token: string): Promise<ApiResult<void>> {
  return call(boardPath(boardId), auth(token, { method: 'DELETE' }), async () => undefined)
}

export function listSnapshots(boardId: string, token: string): Promise<ApiResult<SnapshotInfo[]>> {
  return call(snapshotsPath(boardId), auth(token), json<SnapshotInfo[]>)
}

export function saveSnapshot(boardId: string, token: string, name: string): Promise<ApiResult<SnapshotInfo>> {
  const body: SaveSnapshotRequest = { name }
  return call(snapshotsPath(boardId), auth(token, { method: 'POST', body: JSON.stringify(body) }), json<SnapshotInfo>)
}

export function loadSnapshot(boardId: string, token: string, snapshotId: string): Promise<ApiResult<Uint8Array>> {
  return call(`${snapshotsPath(boardId)}/${snapshotId}`, auth(token), async (res) => new Uint8Array(await res.arrayBuffer()))
}

export function fetchServerTime(): Promise<ApiResult<number>> {
  return call(API_TIME_PATH, { cache: 'no-store' }, async (res) => ((await res.json()) as TimeResponse).now)
}
