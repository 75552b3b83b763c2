import { TOKEN_PARAM } from '../../protocol/roles'

/**
 * A board the benchmark's clients join. On our server only boards created through
 * `POST /api/boards` exist, and every connection needs a link's token: `token` is the board's
 * participant token. The anchor takes any room name and ignores the token: none there.
 */
export interface BenchBoard {
  boardId: string
  token?: string
}

/** The y-websocket `params` that carry a board's token (none on the anchor). */
export function tokenParams(board: BenchBoard): Record<string, string> {
  return board.token ? { [TOKEN_PARAM]: board.token } : {}
}
