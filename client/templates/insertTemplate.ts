import type { Editor, TLShapeId } from 'tldraw'
import { getTemplate } from '../../templates/registry'
import type { TemplateStep } from '../../templates/types'
import { chooseTemplateOrigin, type PageBox } from './placement'

/** Duration of the camera move to a newly inserted template. */
const ZOOM_ANIMATION_MS = 400
/** Screen pixels kept free around the template after zooming to it. */
const ZOOM_INSET_PX = 64

/**
 * Inserts a template into the current page as ONE undoable step and moves the camera to it.
 * `at` is the template's top-left corner in page coordinates; without it the template goes in
 * the middle of the viewport, or beside the existing content when that spot is taken.
 * Returns the ids of the created shapes (none for the empty board or a read-only editor).
 */
export function insertTemplate(
  editor: Editor,
  templateId: string,
  at?: { x: number; y: number },
  /** Receives the inserted template's meeting steps (with the ids of their areas), if it has any. */
  onSteps?: (steps: TemplateStep[]) => void,
): TLShapeId[] {
  const template = getTemplate(templateId)
  if (!template) throw new Error(`Onbekend sjabloon: ${templateId}`)
  if (editor.getIsReadonly()) return []

  const pageId = editor.getCurrentPageId()
  const { size } = template.build({ x: 0, y: 0 })
  const occupied = editor
    .getSortedChildIdsForParent(pageId)
    .map((id) => editor.getShapePageBounds(id))
    .filter((box): box is NonNullable<typeof box> => box !== undefined)
  const origin = at ?? chooseTemplateOrigin(editor.getViewportPageBounds(), occupied, size)
  const { shapes, steps } = template.build(origin)
  if (shapes.length === 0) return []

  editor.markHistoryStoppingPoint(`sjabloon ${template.id}`)
  editor.run(() => {
    // An explicit parent keeps tldraw from dropping the template into a frame it lands on.
    editor.createShapes(shapes.map((shape) => ({ ...shape, parentId: shape.parentId ?? pageId })))
  })
  const bounds: PageBox = { ...origin, ...size }
  editor.zoomToBounds(bounds, { inset: ZOOM_INSET_PX, targetZoom: 1, animation: { duration: ZOOM_ANIMATION_MS } })
  if (steps && steps.length > 0) onSteps?.(steps)
  return shapes.map((shape) => shape.id)
}
