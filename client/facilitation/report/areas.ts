import type { TLShape } from '@tldraw/tlschema'
import type { TemplateStep } from '../../../templates/types'
import { boxContains, pageCentre, shapeSize, type Placement, type Point } from './geometry'
import { richTextLines } from './richText'
import { UNTITLED_HEADING } from './types'

/** A region of the board whose shapes form one group of the report. */
export interface Area {
  id: string
  heading: string
  /** Position of its step in the meeting's steps, or -1. */
  stepIndex: number
  placement: Placement
  w: number
  h: number
}

/** The template role a shape carries in `meta.role` (see templates/style.ts), if any. */
export function roleOf(shape: TLShape): unknown {
  const meta = shape.meta as Record<string, unknown> | undefined
  return meta?.role
}

/** A tldraw frame, or a template's area rectangle. */
export function isArea(shape: TLShape): boolean {
  return shape.type === 'frame' || roleOf(shape) === 'area'
}

/** The smallest area containing `point`; ties go to the area listed first. */
export function smallestAreaAt(areas: readonly Area[], point: Point): Area | undefined {
  let best: Area | undefined
  for (const area of areas) {
    if (!boxContains(area.placement, area.w, area.h, point)) continue
    if (!best || area.w * area.h < best.w * best.h) best = area
  }
  return best
}

/** One heading line: newlines and runs of spaces become one space. */
const oneLine = (lines: readonly string[]) => lines.join(' ').replace(/\s+/g, ' ').trim()

/**
 * All areas with their headings. An area that is a step's frame is titled by the step; otherwise
 * a frame by its name and a template area by its top-most label (a locked template text whose
 * centre lies in that area and in no smaller one inside it); else "Zonder titel".
 */
export function findAreas(
  shapes: readonly TLShape[],
  placements: ReadonlyMap<string, Placement>,
  steps: readonly TemplateStep[],
): Area[] {
  const placementOf = (shape: TLShape) => placements.get(shape.id) ?? { x: 0, y: 0, rotation: 0 }
  const areas: Area[] = shapes.filter(isArea).map((shape) => {
    const { w, h } = shapeSize(shape)
    const stepIndex = steps.findIndex((step) => step.frameId === shape.id)
    const step = steps[stepIndex]
    const name = shape.type === 'frame' ? oneLine([String((shape.props as { name?: unknown }).name ?? '')]) : ''
    return { id: shape.id, heading: step ? oneLine([step.title]) : name, stepIndex, placement: placementOf(shape), w, h }
  })

  const labelTops = new Map<string, { y: number; x: number; text: string }>()
  for (const shape of shapes) {
    if (roleOf(shape) !== 'label') continue
    const text = oneLine(richTextLines((shape.props as { richText?: unknown }).richText))
    if (!text) continue
    const placement = placementOf(shape)
    const area = smallestAreaAt(areas, pageCentre(shape, placement))
    if (!area) continue
    const top = labelTops.get(area.id)
    if (!top || placement.y < top.y || (placement.y === top.y && placement.x < top.x)) {
      labelTops.set(area.id, { y: placement.y, x: placement.x, text })
    }
  }
  for (const area of areas) {
    if (!area.heading) area.heading = labelTops.get(area.id)?.text || UNTITLED_HEADING
  }
  return areas
}
