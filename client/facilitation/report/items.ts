import type { TLShape } from '@tldraw/tlschema'
import { roleOf } from './areas'
import { richTextLines } from './richText'
import type { ReportItemKind } from './types'

/**
 * What the team wrote: every sticky note (template example notes too: the team may have edited
 * them), every free text, and every user-drawn geo shape with a label. Template structure (areas,
 * cells, labels, arrows: anything else with `meta.role`) is left out.
 */
export function itemKind(shape: TLShape): ReportItemKind | undefined {
  if (shape.type === 'note') return 'note'
  if (roleOf(shape) !== undefined) return undefined
  if (shape.type === 'text') return 'text'
  if (shape.type === 'geo') return 'geo'
  return undefined
}

/** The shape's text as lines; [] when it has none (such shapes are left out of the report). */
export function itemLines(shape: TLShape): string[] {
  return richTextLines((shape.props as { richText?: unknown }).richText)
}
