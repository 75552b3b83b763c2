import type { TLDefaultColorStyle, TLDefaultSizeStyle, TLShapePartial } from '@tldraw/tlschema'
import { shapeBounds, unionBounds, type Bounds } from './bounds'
import { LABEL_FONT_PX, LINE_HEIGHT, TEXT_FONT_PX, richTextLines, wrapText } from './text'
import type { BoardTemplate } from './types'

/** tldraw 5 light theme: stroke/text (`solid`), light tint (`semi`) and sticky note fill. */
const COLOURS: Record<TLDefaultColorStyle, { solid: string; semi: string; note: string }> = {
  black: { solid: '#1d1d1d', semi: '#e8e8e8', note: '#fce19c' },
  grey: { solid: '#9fa8b2', semi: '#eceef0', note: '#c0cad3' },
  'light-violet': { solid: '#e085f4', semi: '#f5eafa', note: '#dfb0f9' },
  violet: { solid: '#ae3ec9', semi: '#ecdcf2', note: '#db91fd' },
  blue: { solid: '#4465e9', semi: '#dce1f8', note: '#8aa3ff' },
  'light-blue': { solid: '#4ba1f1', semi: '#ddedfa', note: '#9bc4fd' },
  yellow: { solid: '#f1ac4b', semi: '#f9f0e6', note: '#fed49a' },
  orange: { solid: '#e16919', semi: '#f8e2d4', note: '#faa475' },
  green: { solid: '#099268', semi: '#d3e9e3', note: '#6fc896' },
  'light-green': { solid: '#4cb05e', semi: '#dbf0e0', note: '#98d08a' },
  'light-red': { solid: '#f87777', semi: '#f4dadb', note: '#f7a5a1' },
  red: { solid: '#e03131', semi: '#f4dadb', note: '#fc8282' },
  white: { solid: '#ffffff', semi: '#f5f5f5', note: '#ffffff' },
}
const BACKGROUND = '#f9fafb'
const NEAR_WHITE = '#fcfffe'
const STROKE_PX: Record<TLDefaultSizeStyle, number> = { s: 2, m: 3.5, l: 5, xl: 10 }
/** tldraw's padding between a geo shape's edge and its label. */
const LABEL_PADDING = 16
/** Width of the preview image in CSS pixels; the height follows the template's aspect ratio. */
const PREVIEW_WIDTH_PX = 480
const MARGIN = 40
/** Page area shown for a template without shapes (the empty board). */
const EMPTY_VIEW = { x: 0, y: 0, w: 800, h: 500 }

/** An empty board is drawn as a dotted canvas, so that its card does not look broken. */
function emptyCanvas(view: Bounds): string {
  return (
    '<defs><pattern id="dots" width="40" height="40" patternUnits="userSpaceOnUse">' +
    '<circle cx="20" cy="20" r="2.5" fill="#c9ced6"/></pattern></defs>' +
    `<rect x="${view.x}" y="${view.y}" width="${view.w}" height="${view.h}" fill="url(#dots)"/>`
  )
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function colour(name: string | undefined): { solid: string; semi: string; note: string } {
  return COLOURS[(name ?? 'black') as TLDefaultColorStyle] ?? COLOURS.black
}

/** Wrapped lines as <text> rows inside a box, aligned like tldraw does. */
function textBlock(lines: readonly string[], box: Bounds, fontPx: number, fill: string, align: string, valign: string): string {
  const rows = wrapText(lines, fontPx, box.w)
  const lineH = fontPx * LINE_HEIGHT
  const blockH = rows.length * lineH
  const top = valign === 'middle' ? box.y + (box.h - blockH) / 2 : box.y
  const anchor = align === 'middle' ? 'middle' : 'start'
  const x = align === 'middle' ? box.x + box.w / 2 : box.x
  return rows
    .map((row, i) => {
      const baseline = top + i * lineH + fontPx * 1.05
      return `<text x="${x}" y="${baseline.toFixed(1)}" font-size="${fontPx}" fill="${fill}" text-anchor="${anchor}">${escapeXml(row)}</text>`
    })
    .join('')
}

function renderShape(shape: TLShapePartial): string {
  const b = shapeBounds(shape)
  switch (shape.type) {
    case 'geo': {
      const p = shape.props ?? {}
      const c = colour(p.color)
      const fill = p.fill === 'solid' ? c.semi : p.fill === 'fill' ? c.solid : p.fill === 'semi' ? NEAR_WHITE : 'none'
      const style = `fill="${fill}" stroke="${c.solid}" stroke-width="${STROKE_PX[p.size ?? 'm']}"`
      const outline = p.geo === 'ellipse'
        ? `<ellipse cx="${b.x + b.w / 2}" cy="${b.y + b.h / 2}" rx="${b.w / 2}" ry="${b.h / 2}" ${style}/>`
        : `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" ${style}/>`
      const inner = { x: b.x + LABEL_PADDING, y: b.y + LABEL_PADDING, w: b.w - 2 * LABEL_PADDING, h: b.h - 2 * LABEL_PADDING }
      const lines = richTextLines(p.richText)
      const label = textBlock(lines, inner, LABEL_FONT_PX[p.size ?? 'm'], colour(p.labelColor).solid, p.align ?? 'middle', p.verticalAlign ?? 'middle')
      return outline + label
    }
    case 'text': {
      const p = shape.props ?? {}
      return textBlock(richTextLines(p.richText), b, TEXT_FONT_PX[p.size ?? 'm'], colour(p.color).solid, p.textAlign ?? 'start', 'start')
    }
    case 'note': {
      const p = shape.props ?? {}
      const rect = `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" fill="${colour(p.color).note}" stroke="#909090" stroke-width="1"/>`
      const inner = { x: b.x + LABEL_PADDING, y: b.y + LABEL_PADDING, w: b.w - 2 * LABEL_PADDING, h: b.h - 2 * LABEL_PADDING }
      return rect + textBlock(richTextLines(p.richText), inner, LABEL_FONT_PX[p.size ?? 'm'], '#000000', 'middle', 'middle')
    }
    case 'arrow': {
      const p = shape.props ?? {}
      const x = shape.x ?? 0
      const y = shape.y ?? 0
      const [sx, sy, ex, ey] = [x + (p.start?.x ?? 0), y + (p.start?.y ?? 0), x + (p.end?.x ?? 0), y + (p.end?.y ?? 0)]
      const stroke = colour(p.color).solid
      const width = STROKE_PX[p.size ?? 'm']
      const angle = Math.atan2(ey - sy, ex - sx)
      const head = width * 5
      const wing = (side: number) =>
        `${(ex - head * Math.cos(angle + side * 0.5)).toFixed(1)},${(ey - head * Math.sin(angle + side * 0.5)).toFixed(1)}`
      return (
        `<line x1="${sx}" y1="${sy}" x2="${ex}" y2="${ey}" stroke="${stroke}" stroke-width="${width}" stroke-linecap="round"/>` +
        `<polygon points="${wing(1)} ${ex},${ey} ${wing(-1)}" fill="${stroke}"/>`
      )
    }
    default:
      return ''
  }
}

/**
 * The gallery preview of a template: its own built shapes drawn as a small standalone SVG,
 * so the picture can never drift from what the template really creates.
 */
export function templatePreviewSvg(template: BoardTemplate): string {
  const { shapes, size } = template.build({ x: 0, y: 0 })
  const content = unionBounds([{ x: 0, y: 0, w: size.w, h: size.h }, ...shapes.map(shapeBounds)])
  const box = content && content.w > 0 && content.h > 0 ? content : EMPTY_VIEW
  const view = { x: box.x - MARGIN, y: box.y - MARGIN, w: box.w + 2 * MARGIN, h: box.h + 2 * MARGIN }
  const heightPx = Math.round((PREVIEW_WIDTH_PX * view.h) / view.w)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${view.x} ${view.y} ${view.w} ${view.h}" ` +
    `width="${PREVIEW_WIDTH_PX}" height="${heightPx}" font-family="Inter, 'Helvetica Neue', Arial, sans-serif" ` +
    `role="img" aria-label="${escapeXml(template.title)}">` +
    `<title>${escapeXml(template.title)}</title>` +
    `<rect x="${view.x}" y="${view.y}" width="${view.w}" height="${view.h}" fill="${BACKGROUND}"/>` +
    (shapes.length ? shapes.map(renderShape).join('') : emptyCanvas(view)) +
    `</svg>`
  )
}
