import { useState } from 'react'
import { useEditor, useValue } from 'tldraw'
import type * as Y from 'yjs'
import type { Role } from '../../protocol/roles'
import type { TemplateStep } from '../../templates/types'
import { useFacilitation } from '../facilitation/useFacilitation'
import { texts } from '../i18n'
import { insertTemplate } from '../templates/insertTemplate'
import { TemplateGallery } from '../templates/TemplateGallery'

/**
 * "Sjabloon invoegen": places a template in view, beside what is already on the board. For the
 * facilitator, and for participants only when the facilitator allows it: one insert puts a whole
 * locked template on everyone's board.
 */
export function InsertTemplateButton({ onSteps, role, facilitationDoc }: { onSteps?: (steps: TemplateStep[]) => void; role: Role; facilitationDoc: Y.Doc }) {
  const t = texts()
  const editor = useEditor()
  const readonly = useValue('readonly', () => editor.getIsReadonly(), [editor])
  const { state } = useFacilitation(facilitationDoc)
  const [open, setOpen] = useState(false)
  if (readonly || !(role === 'facilitator' || (role === 'participant' && state.templatesForAll))) return null
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
