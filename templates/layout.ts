import {
  createShapeId,
  type TLDefaultColorStyle,
  type TLDefaultSizeStyle,
  type TLShapeId,
  type TLShapePartial,
} from '@tldraw/tlschema'
import {
  AREA_COLOURS,
  ARROW_MARGIN,
  FONT,
  GAP,
  PAD,
  TEXT_GAP,
  areaHeightFor,
  areaTextLayout,
  type AreaKind,
  type AreaText,
  type ShapeRole,
  type TextSlots,
} from './style'
import { estimateTextHeight, richText } from './text'
import type { TemplateBuildResult, TemplateOrigin, TemplateStep } from './types'

export interface AreaOptions extends AreaText {
  x: number
  y: number
  w: number
  /** Height; grown when the texts plus the note rows would not fit. */
  h?: number
  kind: AreaKind
  /** Rows of sticky notes to keep free below the texts (default 1). 0 makes an information panel. */
  noteRows?: number
  /** Text heights shared with the areas beside it (see `rowLayout`). */
  slots?: TextSlots
}

export interface BoxOptions {
  x: number
  y: number
  w: number
  h: number
  kind: AreaKind
  label?: string | readonly string[]
  size?: TLDefaultSizeStyle
  align?: 'start' | 'middle'
  verticalAlign?: 'start' | 'middle'
  fill?: 'solid' | 'fill'
}

/**
 * Collects the shapes of one template in creation order (backgrounds before the texts on them).
 * Coordinates given to the builder are relative to the template's top-left corner.
 */
export class TemplateBuilder {
  readonly shapes: TLShapePartial[] = []

  constructor(
    private readonly templateId: string,
    private readonly origin: TemplateOrigin,
  ) {}

  /** Template title (size xl) and an optional lead text; returns the y below them. */
  header(title: string, lead: readonly string[], w: number): number {
    this.text({ x: 0, y: 0, w, text: [title], size: 'xl' })
    let y = estimateTextHeight([title], 'xl', w) + 12
    if (lead.length) y += this.text({ x: 0, y, w, text: lead, size: 'm' }) + 12
    return y + GAP - 12
  }

  /** A row of column headings (size l) starting at `y`; returns the y below them. */
  headings(y: number, columns: readonly (readonly [x: number, w: number, text: string])[]): number {
    const heights = columns.map(([x, w, text]) => this.text({ x, y, w, text: [text], size: 'l' }))
    return y + Math.max(...heights) + 16
  }

  /** A locked text; returns its estimated height. */
  text(o: { x: number; y: number; w: number; text: readonly string[]; size: TLDefaultSizeStyle; color?: TLDefaultColorStyle }): number {
    this.push('label', {
      id: createShapeId(),
      type: 'text',
      x: o.x,
      y: o.y,
      props: { richText: richText(o.text), size: o.size, w: o.w, autoSize: false, font: FONT, color: o.color ?? 'black', textAlign: 'start' },
    })
    return estimateTextHeight(o.text, o.size, o.w)
  }

  /** A locked coloured area with its texts on top and room for notes below. */
  area(o: AreaOptions): { id: TLShapeId; h: number } {
    const noteRows = o.noteRows ?? 1
    const h = Math.max(o.h ?? 0, areaHeightFor(o.w, o, noteRows, o.slots) + (noteRows === 0 ? 8 : 0))
    const id = this.rect(noteRows === 0 ? 'cell' : 'area', { ...o, h })
    let y = o.y + PAD
    for (const t of areaTextLayout(o.w, o, o.slots)) {
      if (t.lines.length) this.text({ x: o.x + PAD, y, w: o.w - 2 * PAD, text: t.lines, size: t.size })
      if (t.h > 0) y += t.h + TEXT_GAP
    }
    return { id, h }
  }

  /** A locked box with its text as the geo label (matrix cells, cards, scale points). */
  box(o: BoxOptions): TLShapeId {
    return this.rect('cell', o)
  }

  /** A locked straight arrow between two points (unbound, so it never drags other shapes). */
  arrow(x1: number, y1: number, x2: number, y2: number): void {
    const ux = Math.sign(x2 - x1)
    const uy = Math.sign(y2 - y1)
    const sx = x1 + ux * ARROW_MARGIN
    const sy = y1 + uy * ARROW_MARGIN
    this.push('arrow', {
      id: createShapeId(),
      type: 'arrow',
      x: sx,
      y: sy,
      props: {
        start: { x: 0, y: 0 },
        end: { x: x2 - ux * ARROW_MARGIN - sx, y: y2 - uy * ARROW_MARGIN - sy },
        color: 'grey', size: 'l', dash: 'solid', arrowheadEnd: 'arrow', arrowheadStart: 'none',
      },
    })
  }

  /** An unlocked example sticky note, placed in an area's note room. */
  note(x: number, y: number, text: string): void {
    this.push('example', {
      id: createShapeId(),
      type: 'note',
      x,
      y,
      props: { richText: richText(text), color: 'yellow', size: 'm', font: FONT },
    })
  }

  result(size: { w: number; h: number }, steps?: TemplateStep[]): TemplateBuildResult {
    return steps ? { shapes: this.shapes, size, steps } : { shapes: this.shapes, size }
  }

  private rect(role: ShapeRole, o: BoxOptions): TLShapeId {
    const id = createShapeId()
    this.push(role, {
      id,
      type: 'geo',
      x: o.x,
      y: o.y,
      props: {
        geo: 'rectangle', w: o.w, h: o.h, color: AREA_COLOURS[o.kind], fill: o.fill ?? 'solid',
        dash: 'solid', size: o.size ?? 'l', font: FONT, richText: richText(o.label ?? ''),
        labelColor: o.fill === 'fill' ? 'white' : 'black', align: o.align ?? 'middle', verticalAlign: o.verticalAlign ?? 'middle',
      },
    })
    return id
  }

  private push(role: ShapeRole, shape: TLShapePartial): void {
    this.shapes.push({
      ...shape,
      x: (shape.x ?? 0) + this.origin.x,
      y: (shape.y ?? 0) + this.origin.y,
      isLocked: role !== 'example',
      meta: { template: this.templateId, role },
    })
  }
}
