import { useState } from 'react'
import { boardPagePath } from '../../protocol/paths'
import { TOKEN_PARAM } from '../../protocol/roles'
import { createBoard } from '../api'
import { TEMPLATE_PARAM } from '../board/templateParam'
import { currentLanguage, setLanguage, texts } from '../i18n'
import { TemplateGallery } from '../templates/TemplateGallery'
import { rememberBoard } from './myBoards'
import { MyBoardsList } from './MyBoardsList'

export function HomePage() {
  const t = texts()
  const [choosing, setChoosing] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const openNewBoard = async (templateId?: string) => {
    setError(null)
    const result = await createBoard()
    if (!result.ok) {
      setChoosing(false)
      return setError(result.why === 'tooMany' ? t.tooManyCreated : t.createFailed)
    }
    const { boardId, tokens } = result.value
    rememberBoard(boardId, tokens)
    const query = templateId ? `?${TEMPLATE_PARAM}=${encodeURIComponent(templateId)}` : ''
    location.assign(`${boardPagePath(boardId)}${query}#${TOKEN_PARAM}=${tokens.facilitator}`)
  }
  const toggleLanguage = () => {
    setLanguage(currentLanguage() === 'nl' ? 'en' : 'nl')
    location.reload()
  }
  return (
    <main className="home">
      <header className="home-header">
        <h1>Samenbord</h1>
        <button className="link-button" onClick={toggleLanguage}>
          {t.language}
        </button>
      </header>
      <p className="tagline">{t.appTagline}</p>
      <div className="home-actions">
        <button className="button primary" data-testid="new-board" onClick={() => openNewBoard()}>
          {t.newBoard}
        </button>
        <button className="button" data-testid="new-board-from-template" onClick={() => setChoosing(true)}>
          {t.newBoardFromTemplate}
        </button>
      </div>
      {error && (
        <p className="home-error" role="alert">
          {error}
        </p>
      )}
      <MyBoardsList />
      {choosing && <TemplateGallery forNewBoard onChoose={(id) => openNewBoard(id)} onClose={() => setChoosing(false)} />}
    </main>
  )
}
