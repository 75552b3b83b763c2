import { useState } from 'react'
import { boardLink, type Role } from '../../protocol/roles'
import { texts } from '../i18n'
import { forgetBoard, listMyBoards } from './myBoards'

/** "Mijn borden": boards created or opened on this device, newest first. */
export function MyBoardsList() {
  const t = texts()
  const [boards, setBoards] = useState(listMyBoards)
  if (boards.length === 0) return null
  const bestRole = (tokens: Partial<Record<Role, string>>): Role | null =>
    (['facilitator', 'participant', 'viewer'] as Role[]).find((r) => tokens[r]) ?? null
  return (
    <section className="my-boards" data-testid="my-boards">
      <h2>{t.myBoards}</h2>
      <ul>
        {boards.map((board) => {
          const role = bestRole(board.tokens)
          const href = role ? boardLink(location.origin, board.boardId, board.tokens[role]!) : `/b/${board.boardId}`
          return (
            <li key={board.boardId}>
              <a href={href}>{board.title || t.boardFrom(new Date(board.lastOpened))}</a>
              {board.lastChanged && <span className="my-boards-role">{t.lastChange(new Date(board.lastChanged))}</span>}
              <span className="my-boards-role">{role ? t.roleNames[role] : ''}</span>
              <button
                className="link-button"
                onClick={() => {
                  forgetBoard(board.boardId)
                  setBoards(listMyBoards())
                }}
              >
                {t.removeFromList}
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
