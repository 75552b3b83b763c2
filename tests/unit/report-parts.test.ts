import type { TLShape } from '@tldraw/tlschema'
import { describe, expect, test } from 'vitest'
import { csvField } from '../../client/facilitation/report/csv'
import { dutchDate } from '../../client/facilitation/report/dutchDate'
import { pageCentre, pagePlacements } from '../../client/facilitation/report/geometry'
import { buildReportGroups } from '../../client/facilitation/report/group'
import { agendaItems, buildReportMarkdown, escapeLineStart, escapeText } from '../../client/facilitation/report/markdown'
import { readingOrder } from '../../client/facilitation/report/order'
import { richTextLines } from '../../client/facilitation/report/richText'

const p = (...content: unknown[]) => ({ type: 'paragraph', content })
const t = (text: string) => ({ type: 'text', text })

describe('richTextLines', () => {
  test('paragraphs are lines, hard breaks split them, marks and nesting are flattened', () => {
    const doc = {
      type: 'doc',
      content: [
        p(t('Eerste '), { type: 'text', text: 'vet', marks: [{ type: 'bold' }] }),
        p(t('na'), { type: 'hardBreak' }, t('een break')),
        { type: 'paragraph' },
        { type: 'heading', attrs: { level: 2 }, content: [t('Kop')] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [p(t('punt'))] }, { type: 'listItem', content: [p(t('nog een'))] }] },
        { type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [p(t('drie'))] }] },
        { type: 'blockquote', content: [p(t('citaat'))] },
        { type: 'codeBlock', content: [t('a\nb')] },
      ],
    }
    expect(richTextLines(doc)).toEqual(['Eerste vet', 'na', 'een break', '', 'Kop', '• punt', '• nog een', '3. drie', 'citaat', 'a', 'b'])
  })

  test('empty, blank and malformed documents give no lines', () => {
    expect(richTextLines({ type: 'doc', content: [{ type: 'paragraph' }] })).toEqual([])
    expect(richTextLines({ type: 'doc', content: [p(t('  ')), { type: 'paragraph' }, p({ type: 'hardBreak' })] })).toEqual([])
    for (const bad of [undefined, null, 42, {}, { content: 'x' }, { content: [null, 1, 'x'] }]) expect(richTextLines(bad)).toEqual([])
  })

  test('blank lines around the text are dropped, inner ones kept', () => {
    expect(richTextLines({ type: 'doc', content: [{ type: 'paragraph' }, p(t('a ')), { type: 'paragraph' }, p(t('b')), p(t(' '))] })).toEqual(['a', '', 'b'])
  })

  test('a document nested absurdly deep is cut off, not a stack overflow', () => {
    let node: unknown = t('diep')
    for (let i = 0; i < 10_000; i++) node = { type: 'blockquote', content: [node] }
    expect(() => richTextLines({ type: 'doc', content: [node] })).not.toThrow()
  })
})

/** A bare record with only the fields the report reads (ids and parents as plain strings). */
const shape = (fields: { id: string; type: string; [field: string]: unknown }): TLShape =>
  ({ parentId: 'page:page', x: 0, y: 0, rotation: 0, meta: {}, props: {}, ...fields }) as unknown as TLShape

describe('page geometry', () => {
  test('children of frames (and their children) are placed relative to their parents, rotation included', () => {
    const shapes = [
      shape({ id: 'shape:outer', type: 'frame', x: 1000, y: 500, props: { w: 800, h: 800 } }),
      shape({ id: 'shape:inner', type: 'frame', parentId: 'shape:outer', x: 100, y: 50, rotation: Math.PI / 2, props: { w: 300, h: 300 } }),
      shape({ id: 'shape:note', type: 'note', parentId: 'shape:inner', x: 10, y: 20, props: { scale: 1 } }),
    ]
    const placed = pagePlacements(shapes)
    expect(placed.get('shape:inner')).toEqual({ x: 1100, y: 550, rotation: Math.PI / 2 })
    const note = placed.get('shape:note')!
    // Rotated a quarter turn clockwise (y down): local (10, 20) lies at (-20, 10) from the inner frame's origin.
    expect(note.x).toBeCloseTo(1080)
    expect(note.y).toBeCloseTo(560)
    const centre = pageCentre(shapes[2]!, note)
    expect(centre.x).toBeCloseTo(980)
    expect(centre.y).toBeCloseTo(660)
  })

  test('a parent cycle or a missing parent does not hang: the shape counts as on the page', () => {
    const shapes = [
      shape({ id: 'shape:a', type: 'frame', parentId: 'shape:b', x: 1, y: 1 }),
      shape({ id: 'shape:b', type: 'frame', parentId: 'shape:a', x: 2, y: 2 }),
      shape({ id: 'shape:c', type: 'note', parentId: 'shape:gone', x: 3, y: 3 }),
    ]
    const placed = pagePlacements(shapes)
    expect(placed.get('shape:c')).toEqual({ x: 3, y: 3, rotation: 0 })
    expect(placed.size).toBe(3)
  })

  test('a frame child whose centre lies outside the frame still belongs to it', () => {
    const note = (id: string, x: number, parentId = 'page:page') =>
      shape({ id, type: 'note', parentId: parentId, x, y: 0, props: { scale: 1, richText: { type: 'doc', content: [p(t(id))] } } })
    const shapes = [shape({ id: 'shape:f', type: 'frame', props: { w: 300, h: 300, name: 'F' } }), note('shape:n', 250, 'shape:f'), note('shape:m', 250)]
    const groups = buildReportGroups({ title: '', agenda: '', date: new Date(), shapes, steps: [], votes: new Map() })
    expect(groups.map((g) => [g.heading, g.items.map((i) => i.id)])).toEqual([['F', ['shape:n']], ['Overige', ['shape:m']]])
  })
})

describe('readingOrder', () => {
  test('rows top to bottom, each left to right, with a tolerance for uneven rows', () => {
    const points = [{ x: 300, y: 0 }, { x: 0, y: 40 }, { x: 600, y: 90 }, { x: 0, y: 250 }, { x: -100, y: 260 }]
    expect(readingOrder(points)).toEqual([1, 0, 2, 4, 3])
  })
})

describe('Markdown escaping', () => {
  test('escapes only what would start a block', () => {
    const cases: [string, string][] = [
      ['# kop', '\\# kop'],
      ['###### kop', '\\###### kop'],
      ['#hashtag', '#hashtag'],
      ['- punt', '\\- punt'],
      ['* punt', '\\* punt'],
      ['+ punt', '\\+ punt'],
      ['-5 graden', '-5 graden'],
      ['12. punt', '12\\. punt'],
      ['3) punt', '3\\) punt'],
      ['2024 was goed', '2024 was goed'],
      ['> citaat', '\\> citaat'],
      ['<div>', '\\<div>'],
      ['***', '\\***'],
      ['_ _ _', '\\_ _ _'],
      ['===', '\\==='],
      ['```js', '\\```js'],
      ['~~~', '\\~~~'],
      ['|---|:--:|', '\\|---|:--:|'],
      ['[1]: http://x', '\\[1]: http://x'],
      ['[link](x)', '[link](x)'],
      ['\\# al ge-escaped', '\\\\# al ge-escaped'],
      ['gewone tekst - met streepje', 'gewone tekst - met streepje'],
    ]
    for (const [input, expected] of cases) expect(escapeLineStart(input), input).toBe(expected)
  })

  test('agenda: one item per line, typed bullets removed', () => {
    expect(agendaItems(' Opening \r\n\n- Casus\n• Rondvraag\n* Sluiting\n1. Eén')).toEqual(['Opening', 'Casus', 'Rondvraag', 'Sluiting', '1. Eén'])
  })
})

test('CSV fields and Dutch dates', () => {
  expect(csvField('gewoon')).toBe('gewoon')
  expect(csvField('a,b')).toBe('a,b')
  expect(csvField('a;b')).toBe('"a;b"')
  expect(csvField('zei "hoi"')).toBe('"zei ""hoi"""')
  expect(csvField('regel\nregel')).toBe('"regel\nregel"')
  expect(csvField('@naam')).toBe("'@naam")
  expect(csvField(-600)).toBe('-600')
  expect(dutchDate(new Date(2026, 10, 24))).toBe('24 november 2026')
  expect(dutchDate(new Date(2027, 0, 1))).toBe('1 januari 2027')
})

describe('Markdown escaping of what participants wrote', () => {
  test('HTML, entities and links a participant planted show as text', () => {
    const cases: [string, string][] = [
      ['<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert(1)\\>'],
      ['klik <a href="javascript:alert(1)">hier</a>', 'klik \\<a href="javascript:alert(1)"\\>hier\\</a\\>'],
      ['[klik](javascript:alert(1))', '\\[klik\\](javascript:alert(1))'],
      ['![beeld](http://x/y.png)', '!\\[beeld\\](http://x/y.png)'],
      ['<javascript:alert(1)>', '\\<javascript:alert(1)\\>'],
      ['&#106;avascript', '\\&#106;avascript'],
      ['`code`', '\\`code\\`'],
      ['# kop', '\\# kop'],
      ['- punt met <b>', '\\- punt met \\<b\\>'],
      ['gewone tekst, 5 > 3', 'gewone tekst, 5 \\> 3'],
    ]
    for (const [input, expected] of cases) expect(escapeText(input), input).toBe(expected)
  })

  test('a report with hostile title and notes holds no raw HTML and no javascript: link', () => {
    const md = buildReportMarkdown({
      title: '<script>alert(1)</script> Verslag',
      date: new Date(2026, 11, 2),
      agenda: '<iframe src=javascript:alert(1)>',
      shapes: [],
      steps: [],
      votes: new Map(),
    })
    expect(md).not.toMatch(/(^|[^\\])<(script|iframe)/)
    expect(md).not.toMatch(/\]\(javascript:/)
  })
})
