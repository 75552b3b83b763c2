import type { TLShape } from '@tldraw/tlschema'
import { LINE_HEIGHT, TEXT_FONT_PX } from '../../../templates/text'
import { NOTE_SIZE } from '../../../templates/style'
import { richTextLines } from './richText'

/**
 * Page geometry of shape records without an editor. Children of frames (and groups) store x, y
 * and rotation relative to their parent; the page placement composes the parent chain, rotation
 * included. Sizes are estimates that need no DOM: good enough to tell which area a shape's centre
 * lies in, not for drawing.
 */

export interface Point {
  x: number
  y: number
}

/** Where a shape's origin lies on the page and its rotation there (radians). */
export interface Placement extends Point {
  rotation: number
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback)

function rotate(p: Point, angle: number): Point {
  if (angle === 0) return p
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  return { x: p.x * cos - p.y * sin, y: p.x * sin + p.y * cos }
}

/**
 * Page placement of every shape. A parent that is not among `shapes` (the page, or a record that
 * is missing) counts as the page; a parent cycle in corrupt data is cut where it closes.
 */
export function pagePlacements(shapes: readonly TLShape[]): Map<string, Placement> {
  const byId = new Map<string, TLShape>(shapes.map((s) => [s.id, s]))
  const placed = new Map<string, Placement>()
  const visiting = new Set<string>()
  const place = (shape: TLShape): Placement => {
    const known = placed.get(shape.id)
    if (known) return known
    const local = { x: num(shape.x), y: num(shape.y), rotation: num(shape.rotation) }
    const parent = byId.get(shape.parentId)
    let result: Placement = local
    visiting.add(shape.id)
    if (parent && !visiting.has(parent.id)) {
      const origin = place(parent)
      const offset = rotate(local, origin.rotation)
      result = { x: origin.x + offset.x, y: origin.y + offset.y, rotation: origin.rotation + local.rotation }
    }
    visiting.delete(shape.id)
    placed.set(shape.id, result)
    return result
  }
  for (const shape of shapes) place(shape)
  return placed
}

/**
 * Estimated size in page units: a note is tldraw's 200 × 200 (plus growY) times its scale; geo
 * and frame use props.w/h; text uses props.w and one line height per paragraph (0 × 0 without w,
 * so it counts as a point). Other shapes count as points.
 */
export function shapeSize(shape: TLShape): { w: number; h: number } {
  const props = shape.props as Record<string, unknown>
  switch (shape.type) {
    case 'note': {
      const scale = num(props.scale, 1)
      return { w: NOTE_SIZE * scale, h: (NOTE_SIZE + num(props.growY)) * scale }
    }
    case 'geo':
      return { w: num(props.w), h: num(props.h) + num(props.growY) }
    case 'frame':
      return { w: num(props.w), h: num(props.h) }
    case 'text': {
      if (typeof props.w !== 'number') return { w: 0, h: 0 }
      const scale = num(props.scale, 1)
      const fontPx = TEXT_FONT_PX[props.size as keyof typeof TEXT_FONT_PX] ?? TEXT_FONT_PX.m
      const lines = Math.max(1, richTextLines(props.richText).length)
      return { w: num(props.w) * scale, h: lines * fontPx * LINE_HEIGHT * scale }
    }
    default:
      return { w: 0, h: 0 }
  }
}

/** The centre of a shape on the page. */
export function pageCentre(shape: TLShape, placement: Placement): Point {
  const { w, h } = shapeSize(shape)
  const offset = rotate({ x: w / 2, y: h / 2 }, placement.rotation)
  return { x: placement.x + offset.x, y: placement.y + offset.y }
}

/** Whether a page point lies within a box of size `w × h` placed (and rotated) at `placement`; edges included. */
export function boxContains(placement: Placement, w: number, h: number, point: Point): boolean {
  const local = rotate({ x: point.x - placement.x, y: point.y - placement.y }, -placement.rotation)
  return local.x >= 0 && local.y >= 0 && local.x <= w && local.y <= h
}
