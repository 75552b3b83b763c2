import { texts } from '../i18n'

export function NotFoundPage() {
  const t = texts()
  return (
    <main className="home">
      <h1>Samenbord</h1>
      <p role="alert">{t.notFound}</p>
      <a className="button" href="/">
        {t.toHome}
      </a>
    </main>
  )
}
