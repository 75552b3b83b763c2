import type { Role } from '../../protocol/roles'

/** Boards created or opened on this device, with the links this device holds. */
export interface MyBoard {
  boardId: string
  tokens: Partial<Record<Role, string>>
  lastOpened: number
  /** The meeting title, as last seen on this device. */
  title?: string
  /** When this device last saw the board change (anyone's edit), ms since 1970. */
  lastChanged?: number
}

const KEY = 'samenbord:my-boards'

export function listMyBoards(): MyBoard[] {
  try {
    const boards = JSON.parse(localStorage.getItem(KEY) ?? '[]') as MyBoard[]
    return boards.sort((a, b) => b.lastOpened - a.lastOpened)
  } catch {
    return []
  }
}

export function rememberBoard(
  boardId: string,
  tokens: Partial<Record<Role, string>>,
  details: Partial<Pick<MyBoard, 'title' | 'lastChanged'>> = {},
): void {
  const all = listMyBoards()
  const previous = all.find((b) => b.boardId === boardId)
  const boards = all.filter((b) => b.boardId !== boardId)
  boards.push({ ...previous, ...details, boardId, tokens: { ...previous?.tokens, ...tokens }, lastOpened: Date.now() })
  localStorage.setItem(KEY, JSON.stringify(boards))
}

export function forgetBoard(boardId: string): void {
  localStorage.setItem(KEY, JSON.stringify(listMyBoards().filter((b) => b.boardId !== boardId)))
}
