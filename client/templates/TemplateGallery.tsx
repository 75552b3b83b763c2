import { useEffect, useMemo, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import { templatePreviewSvg } from '../../templates/preview'
import { TEMPLATES } from '../../templates/registry'
import { texts } from '../i18n'
import './templates.css'

export interface TemplateGalleryProps {
  /** Called with the chosen template's id; the caller inserts it and closes the gallery. */
  onChoose(templateId: string): void
  /** Called on "Sluiten", Escape or a click beside the dialog. */
  onClose(): void
  /** Chosen for a new, empty board (home page) instead of inserted beside what is there. */
  forNewBoard?: boolean
}

const FOCUSABLE = 'button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])'

/** A modal grid of all templates, each with a preview drawn from the template itself. */
export function TemplateGallery({ onChoose, onClose, forNewBoard = false }: TemplateGalleryProps) {
  const t = texts()
  const dialogRef = useRef<HTMLDivElement>(null)
  const onCloseRef = useRef(onClose)
  useEffect(() => {
    onCloseRef.current = onClose
  })
  const cards = useMemo(
    () =>
      TEMPLATES.map((template) => ({
        id: template.id,
        title: template.title,
        description: template.description,
        src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(templatePreviewSvg(template))}`,
      })),
    [],
  )

  useEffect(() => {
    const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialogRef.current?.querySelector<HTMLElement>('.template-card')?.focus()
    // Capture phase: the canvas behind the dialog must not see this Escape.
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      e.preventDefault()
      e.stopPropagation()
      onCloseRef.current()
    }
    document.addEventListener('keydown', onKeyDown, true)
    return () => {
      document.removeEventListener('keydown', onKeyDown, true)
      previouslyFocused?.focus()
    }
  }, [])

  // Keep Tab inside the dialog while it is open.
  const trapTab = (e: ReactKeyboardEvent) => {
    if (e.key !== 'Tab' || !dialogRef.current) return
    const focusable = [...dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
    const first = focusable[0]
    const last = focusable[focusable.length - 1]
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last?.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first?.focus()
    }
  }

  return (
    <div className="template-gallery-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        className="template-gallery"
        role="dialog"
        aria-modal="true"
        aria-labelledby="template-gallery-title"
        data-testid="template-gallery"
        onKeyDown={trapTab}
      >
        <div className="template-gallery-header">
          <h2 id="template-gallery-title">{t.chooseTemplate}</h2>
          <button type="button" className="template-gallery-close" data-testid="template-gallery-close" onClick={onClose}>
            {t.close}
          </button>
        </div>
        <p className="template-gallery-intro">{forNewBoard ? t.templateIntroNewBoard : t.templateIntroInsert}</p>
        <ul className="template-grid">
          {cards.map((card) => (
            <li key={card.id}>
              <button
                type="button"
                className="template-card"
                data-testid={`template-${card.id}`}
                aria-describedby={`template-description-${card.id}`}
                onClick={() => onChoose(card.id)}
              >
                <img className="template-card-preview" src={card.src} alt="" />
                <span className="template-card-title">{card.title}</span>
                <span className="template-card-description" id={`template-description-${card.id}`}>
                  {card.description}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  )
}
