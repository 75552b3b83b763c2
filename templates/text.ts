import type { TLDefaultSizeStyle, TLRichText } from '@tldraw/tlschema'

/**
 * Rich text and text metrics for templates. tldraw measures text in the DOM; templates are built
 * without one, so layout uses a deliberately generous estimate (wider glyphs than the real
 * tldraw_sans font) so that real text is never taller than the room reserved for it.
 */

/** tldraw 5: theme font size 16 × FONT_SIZES (text shapes) and LABEL_FONT_SIZES (geo labels). */
export const TEXT_FONT_PX: Record<TLDefaultSizeStyle, number> = { s: 18, m: 24, l: 36, xl: 44 }
export const LABEL_FONT_PX: Record<TLDefaultSizeStyle, number> = { s: 18, m: 22, l: 26, xl: 32 }
/** tldraw's default line height. */
export const LINE_HEIGHT = 1.35
/** Estimated glyph width as a share of the font size: IBM Plex Sans (tldraw_sans) lines measure 0.47 (median) to 0.54 (widest). */
const GLYPH_WIDTH_EM = 0.55

/** TipTap document for tldraw's `richText` props: one paragraph per line, empty lines allowed. */
export function richText(text: string | readonly string[]): TLRichText {
  const lines = typeof text === 'string' ? text.split('\n') : text
  return {
    type: 'doc',
    content: lines.map((line) =>
      line === '' ? { type: 'paragraph' } : { type: 'paragraph', content: [{ type: 'text', text: line }] },
    ),
  }
}

interface RichTextNode {
  type?: unknown
  text?: unknown
  content?: unknown
}

/** The lines (paragraphs) of a rich text document as plain strings. */
export function richTextLines(doc: unknown): string[] {
  const node = doc as RichTextNode | undefined
  if (!node || !Array.isArray(node.content)) return []
  return (node.content as RichTextNode[]).map(inlineText)
}

/** Plain text of a rich text document, paragraphs joined with a newline. */
export function plainText(doc: unknown): string {
  return richTextLines(doc).join('\n')
}

function inlineText(node: RichTextNode): string {
  if (typeof node.text === 'string') return node.text
  if (!Array.isArray(node.content)) return ''
  return (node.content as RichTextNode[]).map(inlineText).join('')
}

/** Greedy word wrap of one paragraph at the estimated glyph width. */
export function wrapLine(line: string, fontPx: number, maxWidth: number): string[] {
  const maxChars = Math.max(1, Math.floor(maxWidth / (fontPx * GLYPH_WIDTH_EM)))
  const out: string[] = []
  let current = ''
  for (const word of line.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`
    if (next.length <= maxChars || current === '') current = next
    else {
      out.push(current)
      current = word
    }
  }
  out.push(current)
  return out
}

/** All visual lines of a multi-paragraph text wrapped to `maxWidth`. */
export function wrapText(lines: readonly string[], fontPx: number, maxWidth: number): string[] {
  return lines.flatMap((line) => wrapLine(line, fontPx, maxWidth))
}

/** Estimated height of a text shape of width `w` (tldraw: line count × font size × line height). */
export function estimateTextHeight(lines: readonly string[], size: TLDefaultSizeStyle, w: number): number {
  const fontPx = TEXT_FONT_PX[size]
  return Math.ceil(wrapText(lines, fontPx, w).length * fontPx * LINE_HEIGHT)
}
