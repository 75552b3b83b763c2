import { useState, type FormEvent } from 'react'
import { texts } from '../i18n'

/** Asked once per device; the name travels with the cursor and is remembered. */
export function NameDialog({ onDone }: { onDone(name: string): void }) {
  const t = texts()
  const [name, setName] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (name.trim()) onDone(name.trim().slice(0, 40))
  }
  return (
    <div className="dialog-backdrop">
      <form className="dialog" role="dialog" aria-labelledby="name-title" onSubmit={submit}>
        <h2 id="name-title">{t.yourName}</h2>
        <p>{t.yourNameHint}</p>
        <input
          data-testid="name-input"
          autoFocus
          maxLength={40}
          placeholder={t.namePlaceholder}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button className="button primary" type="submit" data-testid="name-submit" disabled={!name.trim()}>
          {t.continue}
        </button>
      </form>
    </div>
  )
}
