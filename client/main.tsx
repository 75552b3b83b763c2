import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { boardIdFromPagePath } from '../protocol/paths'
import { BoardPage } from './board/BoardPage'
import { HomePage } from './home/HomePage'
import { NotFoundPage } from './home/NotFoundPage'
import { registerServiceWorker } from './registerServiceWorker'
import './styles.css'

function App() {
  const path = location.pathname
  if (path === '/' || path === '/index.html') return <HomePage />
  const boardId = boardIdFromPagePath(path)
  if (boardId) return <BoardPage boardId={boardId} />
  return <NotFoundPage />
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)

registerServiceWorker()
