import { newBoardId } from '../../protocol/boardId'
import { boardPagePath } from '../../protocol/paths'
import { currentLanguage, setLanguage, texts } from '../i18n'

export function HomePage() {
  const t = texts()
  const openNewBoard = () => location.assign(boardPagePath(newBoardId()))
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
        <button className="button primary" data-testid="new-board" onClick={openNewBoard}>
          {t.newBoard}
        </button>
      </div>
    </main>
  )
}
