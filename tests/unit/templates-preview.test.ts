import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { shapeBounds } from '../../templates/bounds'
import { escapeXml, templatePreviewSvg } from '../../templates/preview'
import { TEMPLATES } from '../../templates/registry'
import { richTextLines } from '../../templates/text'
import type { BoardTemplate } from '../../templates/types'

/** A small well-formedness check: balanced tags, quoted attributes, only escaped text. */
function expectWellFormedXml(xml: string): void {
  expect(xml).not.toMatch(/&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/)
  const stack: string[] = []
  let last = 0
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    expect(xml.slice(last, m.index), 'stray markup').not.toMatch(/[<>]/)
    last = m.index + m[0].length
    if (m[1]) expect(stack.pop(), `closing </${m[2]}>`).toBe(m[2])
    else if (!m[4]) stack.push(m[2]!)
  }
  expect(xml.slice(last)).toBe('')
  expect(stack).toEqual([])
}

const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))

/** All drawn text, rows joined by spaces (wrapping only ever breaks a line at a space). */
function drawnText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]!)).join(' ')
}

describe.each(TEMPLATES.map((t) => [t.id, t] as const))('preview of %s', (_id, template: BoardTemplate) => {
  const svg = templatePreviewSvg(template)

  test('is a well-formed standalone SVG', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="[-\d. ]+" width="\d+" height="\d+"/)
    expectWellFormedXml(svg)
  })

  test('carries the title and every text of the template', () => {
    expect(unescape(svg)).toContain(`<title>${template.title}</title>`)
    const drawn = drawnText(svg)
    const shapes = template.build({ x: 0, y: 0 }).shapes
    for (const s of shapes) {
      for (const line of richTextLines((s.props as { richText?: unknown } | undefined)?.richText)) {
        if (line) expect(drawn).toContain(line)
      }
    }
  })

  test('has a viewBox that holds every shape', () => {
    const [x, y, w, h] = svg.match(/viewBox="([^"]+)"/)![1]!.split(' ').map(Number) as [number, number, number, number]
    for (const s of template.build({ x: 0, y: 0 }).shapes) {
      const b = shapeBounds(s)
      expect(b.x >= x && b.y >= y && b.x + b.w <= x + w && b.y + b.h <= y + h).toBe(true)
    }
  })
})

test('escapeXml escapes markup characters', () => {
  expect(escapeXml(`Wendy & Maaike <"'>`)).toBe('Wendy &#38; Maaike &#60;&#34;&#39;&#62;')
})

test('templates import only tldraw schema and utils, and each other', () => {
  const dir = join(import.meta.dirname, '../../templates')
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8')
    for (const [, spec] of source.matchAll(/from '([^']+)'/g)) {
      expect(spec!.startsWith('./') || ['@tldraw/tlschema', '@tldraw/utils'].includes(spec!), `${file}: ${spec}`).toBe(true)
    }
  }
})
