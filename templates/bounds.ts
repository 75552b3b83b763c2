import type { TLShapePartial } from '@tldraw/tlschema'
import { NOTE_SIZE } from './style'
import { estimateTextHeight, richTextLines } from './text'

/** An axis-aligned box in page units. */
export interface Bounds {
  x: number
  y: number
  w: number
  h: number
}

/**
 * Estimated page bounds of a template shape (top-level shapes only: templates use no parents).
 * Text heights are the same generous estimate the layout uses; an arrow's bounds are the box
 * spanned by its two ends, exact for the straight arrows templates draw.
 */
export function shapeBounds(shape: TLShapePartial): Bounds {
  const x = shape.x ?? 0
  const y = shape.y ?? 0
  switch (shape.type) {
    case 'geo':
      return { x, y, w: shape.props?.w ?? 0, h: shape.props?.h ?? 0 }
    case 'text': {
      const w = shape.props?.w ?? 0
      const lines = richTextLines(shape.props?.richText)
      return { x, y, w, h: estimateTextHeight(lines, shape.props?.size ?? 'm', w) }
    }
    case 'note': {
      const side = NOTE_SIZE * (shape.props?.scale ?? 1)
      return { x, y, w: side, h: side + (shape.props?.growY ?? 0) }
    }
    case 'arrow': {
      const start = shape.props?.start ?? { x: 0, y: 0 }
      const end = shape.props?.end ?? { x: 0, y: 0 }
      const left = Math.min(start.x, end.x)
      const top = Math.min(start.y, end.y)
      return { x: x + left, y: y + top, w: Math.abs(end.x - start.x), h: Math.abs(end.y - start.y) }
    }
    default:
      return { x, y, w: 0, h: 0 }
  }
}

export function unionBounds(boxes: readonly Bounds[]): Bounds | undefined {
  if (boxes.length === 0) return undefined
  const minX = Math.min(...boxes.map((b) => b.x))
  const minY = Math.min(...boxes.map((b) => b.y))
  const maxX = Math.max(...boxes.map((b) => b.x + b.w))
  const maxY = Math.max(...boxes.map((b) => b.y + b.h))
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY }
}
