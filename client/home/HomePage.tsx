import { useState } from 'react'
import { newBoardId } from '../../protocol/boardId'
import { boardPagePath } from '../../protocol/paths'
import { TEMPLATE_PARAM } from '../board/templateParam'
import { currentLanguage, setLanguage, texts } from '../i18n'
import { TemplateGallery } from '../templates/TemplateGallery'

export function HomePage() {
  const t = texts()
  const [choosing, setChoosing] = useState(false)
  const openNewBoard = (templateId?: string) => {
    const query = templateId ? `?${TEMPLATE_PARAM}=${encodeURIComponent(templateId)}` : ''
    location.assign(boardPagePath(newBoardId()) + query)
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
      {choosing && <TemplateGallery onChoose={(id) => openNewBoard(id)} onClose={() => setChoosing(false)} />}
    </main>
  )
}
