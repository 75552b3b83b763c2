import { useState } from 'react'
import { useEditor, useValue } from 'tldraw'
import type { TemplateStep } from '../../templates/types'
import { texts } from '../i18n'
import { insertTemplate } from '../templates/insertTemplate'
import { TemplateGallery } from '../templates/TemplateGallery'

/** "Sjabloon invoegen": places a template in view, beside what is already on the board. */
export function InsertTemplateButton({ onSteps }: { onSteps?: (steps: TemplateStep[]) => void }) {
  const t = texts()
  const editor = useEditor()
  const readonly = useValue('readonly', () => editor.getIsReadonly(), [editor])
  const [open, setOpen] = useState(false)
  if (readonly) return null
  return (
    <>
      <button className="button" data-testid="insert-template" onClick={() => setOpen(true)}>
        {t.insertTemplate}
      </button>
      {open && (
        <TemplateGallery
          onChoose={(id) => {
            setOpen(false)
            insertTemplate(editor, id, undefined, onSteps)
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  )
}
