/**
 * Plain text from tldraw's `richText` (a TipTap/ProseMirror JSON document). Written against the
 * JSON shape rather than TipTap, so it runs in Node and survives odd documents from peers:
 * unknown nodes are walked into, non-objects are ignored.
 */

interface Node {
  type?: unknown
  text?: unknown
  content?: unknown
  attrs?: unknown
}

/** Deeper documents than this are cut off instead of risking the stack on a hostile peer's record. */
const MAX_DEPTH = 64

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null
const childrenOf = (node: Node): Node[] => (Array.isArray(node.content) ? node.content.filter(isNode) : [])
const isInline = (node: Node) => node.type === 'text' || node.type === 'hardBreak'

/** Inline content as a string; a hardBreak becomes a newline. */
function inlineText(node: Node, depth: number): string {
  if (depth > MAX_DEPTH) return ''
  if (node.type === 'hardBreak') return '\n'
  if (typeof node.text === 'string') return node.text
  return childrenOf(node).map((child) => inlineText(child, depth + 1)).join('')
}

function listStart(node: Node): number {
  const start = isNode(node.attrs) ? (node.attrs as { start?: unknown }).start : undefined
  return typeof start === 'number' && Number.isInteger(start) ? start : 1
}

/** The lines of a block: paragraphs and headings give their lines, lists get a marker per item. */
function blockLines(node: Node, depth: number): string[] {
  if (depth > MAX_DEPTH) return []
  const children = childrenOf(node)
  if (typeof node.text === 'string' || children.some(isInline)) return inlineText(node, depth).split(/\r\n|\r|\n/)
  if (node.type === 'paragraph' || node.type === 'heading') return ['']
  if (node.type === 'bulletList' || node.type === 'orderedList') {
    const start = listStart(node)
    return children.flatMap((item, i) => {
      const lines = blockLines(item, depth + 1)
      const marker = node.type === 'bulletList' ? '• ' : `${start + i}. `
      return lines.length ? [marker + lines[0], ...lines.slice(1)] : []
    })
  }
  return children.flatMap((child) => blockLines(child, depth + 1))
}

/**
 * The lines of a rich text document, trailing spaces removed, without leading or trailing blank
 * lines; [] for an empty (or whitespace-only) text. A plain string (older records) is split too.
 */
export function richTextLines(doc: unknown): string[] {
  const raw = typeof doc === 'string' ? doc.split(/\r\n|\r|\n/) : isNode(doc) ? blockLines(doc, 0) : []
  const lines = raw.map((line) => line.trimEnd())
  let first = 0
  let last = lines.length
  while (first < last && lines[first] === '') first++
  while (last > first && lines[last - 1] === '') last--
  return lines.slice(first, last)
}
