import type { Editor } from 'tldraw'
import { getTemplate } from '../../templates/registry'
import type { TemplateStep } from '../../templates/types'
import { insertTemplate } from '../templates/insertTemplate'

/** `/b/<id>?sjabloon=<templateId>`: the link the home page opens for a new board from a template. */
export const TEMPLATE_PARAM = 'sjabloon'

/**
 * Builds the template a new board was created with, once, by the one who created it; then drops
 * the parameter so a reload or a shared link does not insert it again. The history is cleared so
 * an early "undo" cannot wipe the prepared board.
 */
export function applyTemplateFromUrl(editor: Editor, onSteps?: (steps: TemplateStep[]) => void): void {
  const url = new URL(location.href)
  const templateId = url.searchParams.get(TEMPLATE_PARAM)
  if (!templateId) return
  url.searchParams.delete(TEMPLATE_PARAM)
  history.replaceState(null, '', url.pathname + url.search + url.hash)
  if (!getTemplate(templateId) || editor.getCurrentPageShapeIds().size > 0) return
  insertTemplate(editor, templateId, { x: 0, y: 0 }, onSteps)
  editor.clearHistory()
}
