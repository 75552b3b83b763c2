import type { TLShape, TLShapeId, TLShapePartial } from '@tldraw/tlschema'
import { getIndices } from '@tldraw/utils'
import { defaultShapeUtils } from 'tldraw'
import { describe, expect, test } from 'vitest'
import { buildReportCsv, buildReportGroups, buildReportMarkdown, type ReportInput } from '../../client/facilitation/report'
import { countVotes, voteKey } from '../../client/facilitation/votes'
import { getTemplate } from '../../templates/registry'
import { richText } from '../../templates/text'
import type { TemplateBuildResult } from '../../templates/types'
import { PAGE_ID, newTestStore } from '../../bench/lib/harness/tlStore'

const id = (name: string) => `shape:${name}` as TLShapeId

/** Full records, as tldraw would create them, validated by a real tldraw store. */
function toRecords(partials: readonly TLShapePartial[]): TLShape[] {
  const store = newTestStore()
  const indices = getIndices(partials.length)
  store.put(partials.map((partial, i) => {
    const Util = defaultShapeUtils.find((u) => u.type === partial.type)!
    const defaults = new (Util as unknown as new (editor: unknown) => { getDefaultProps(): object })(undefined).getDefaultProps()
    return store.schema.types.shape.create({
      parentId: PAGE_ID, ...partial, index: indices[i + 1], props: { ...defaults, ...partial.props },
    } as TLShape)
  }))
  return store.allRecords().filter((r): r is TLShape => r.typeName === 'shape')
}

function note(name: string, text: string | string[], at: { x: number; y: number }, more: Partial<TLShapePartial> = {}): TLShapePartial {
  return { id: id(name), type: 'note', x: at.x, y: at.y, ...more, props: { richText: richText(text), ...more.props } } as TLShapePartial
}

/** Where a note goes in a template area: `row` rows of note room up from its bottom. */
function spot(template: TemplateBuildResult, areaId: string, row = 1, dx = 0) {
  const area = template.shapes.find((s) => s.id === areaId)!
  return { x: area.x! + 24 + dx, y: area.y! + (area.props as { h: number }).h - row * 224 }
}

const labelOf = (template: TemplateBuildResult, text: string) =>
  template.shapes.find((s) => s.type === 'text' && JSON.stringify(s.props).includes(`"${text}"`))!

/**
 * The intervisie template plus the team's work: notes in steps 1, 2, 4 and 5 (step 3 empty), in
 * the role area "Gespreksleider" and beside the template; a frame below it with a nested frame,
 * their children in coordinates relative to their parent; empty notes; a free text; user geo
 * shapes; votes from three voters, some malformed.
 */
function scenario() {
  const template = getTemplate('intervisie')!.build({ x: 0, y: 0 })
  const steps = template.steps!
  const stepArea = (i: number) => steps[i]!.frameId
  // The role area is the one under the label "Gespreksleider".
  const leaderLabel = labelOf(template, 'Gespreksleider')
  const leaderArea = template.shapes.find(
    (s) => (s.meta as { role?: string }).role === 'area' && s.x! <= leaderLabel.x! && leaderLabel.x! < s.x! + (s.props as { w: number }).w,
  )!
  const frameY = template.size.h + 200

  const extra: TLShapePartial[] = [
    note('casus', 'Ouders bellen steeds na schooltijd', spot(template, stepArea(0))),
    note('leeg', '', spot(template, stepArea(0), 2)),
    note('spaties', ['   ', '  '], spot(template, stepArea(0), 2, 10)),
    note('geprobeerd', 'Wat heb je al geprobeerd?', spot(template, stepArea(1), 2)),
    note('teamleider', ['Hoe reageert', 'de teamleider?'], spot(template, stepArea(1), 1)),
    // Step 4: two small notes side by side; the right one sits a little higher but is read second.
    note('afspraken', 'Maak vaste belmomenten', spot(template, stepArea(3), 1), { props: { scale: 0.8 } }),
    note('kort', 'Kort en vriendelijk', { x: spot(template, stepArea(3)).x + 180, y: spot(template, stepArea(3)).y - 20 }, { props: { scale: 0.8 } }),
    { id: id('tekst'), type: 'text', ...spot(template, stepArea(4)), props: { richText: richText('Afspraak: Jan brengt de volgende casus in'), w: 300, autoSize: false } },
    note('sanne', 'Sanne', spot(template, leaderArea.id!)),
    note('los', 'Losse gedachte', { x: -600, y: 0 }),
    note('lastig', ['Kosten; "budget"', 'tweede regel'], { x: -600, y: 300 }),
    note('markdown', ['# geen kop', '- geen lijst', '1. geen nummer', '> geen citaat', '---'], { x: -300, y: 300 }),
    { id: id('actie'), type: 'geo', x: -600, y: 600, props: { w: 200, h: 100, richText: richText('Actiepunt') } },
    { id: id('vorm'), type: 'geo', x: -300, y: 600, props: { w: 200, h: 100 } }, // no label: left out
    { id: id('parkeer'), type: 'frame', x: 0, y: frameY, props: { w: 1000, h: 800, name: 'Parkeerplaats' } },
    // Relative to the frame: read as page coordinates, this spot would lie in step 1's area.
    note('werkdruk', 'Werkdruk', spot(template, stepArea(0)), { parentId: id('parkeer') }),
    { id: id('ideeen'), type: 'frame', parentId: id('parkeer'), x: 450, y: 350, props: { w: 500, h: 400, name: 'Ideeën' } },
    note('buddy', 'Buddy voor nieuwe collega’s', { x: 20, y: 60 }, { parentId: id('ideeen') }),
  ]
  const shapes = toRecords([...template.shapes, ...extra])

  const round = 'ronde-1'
  const votes = countVotes(
    [
      [voteKey(round, 'ann'), [id('teamleider'), id('teamleider'), id('geprobeerd'), id('los')]], // the 4th dot is over the limit
      [voteKey(round, 'bob'), [id('teamleider'), 'shape:weg', 42, id('lastig')]], // 'shape:weg' was deleted, 42 is no id
      [voteKey(round, 'cas'), 'kapot'],
      [voteKey('ronde-0', 'ann'), [id('los'), id('los')]],
      [voteKey(round, 'dirk'), [id('buddy')]],
    ],
    round,
    3,
    new Set(shapes.map((s) => s.id)),
  )
  const input: ReportInput = {
    title: 'Intervisie groep 7/8',
    agenda: 'Opening\n\n- Casus van Jan\n# Rondvraag\n',
    date: new Date(2026, 10, 24),
    shapes,
    steps,
    votes,
  }
  return { input, steps }
}

describe('buildReportGroups', () => {
  const { input } = scenario()
  const groups = buildReportGroups(input)

  test('steps in meeting order, then other areas top to bottom, then Overige', () => {
    expect(groups.map((g) => g.heading)).toEqual([
      'Inbreng van de casus',
      'Verhelderende vragen',
      'Analyse en adviezen',
      'Reactie van de inbrenger en afronding',
      'Gespreksleider',
      'Parkeerplaats',
      'Ideeën',
      'Overige',
    ])
  })

  test('every written shape appears exactly once, under the area around its centre', () => {
    const where = Object.fromEntries(groups.flatMap((g) => g.items.map((item) => [item.id.slice('shape:'.length), g.heading])))
    expect(groups.flatMap((g) => g.items)).toHaveLength(Object.keys(where).length)
    expect(where).toEqual({
      casus: 'Inbreng van de casus',
      geprobeerd: 'Verhelderende vragen',
      teamleider: 'Verhelderende vragen',
      afspraken: 'Analyse en adviezen',
      kort: 'Analyse en adviezen',
      tekst: 'Reactie van de inbrenger en afronding',
      sanne: 'Gespreksleider',
      werkdruk: 'Parkeerplaats',
      buddy: 'Ideeën',
      los: 'Overige',
      lastig: 'Overige',
      markdown: 'Overige',
      actie: 'Overige',
    })
  })

  test('most votes first, then reading order; page positions of frame children', () => {
    const byHeading = (h: string) => groups.find((g) => g.heading === h)!.items
    expect(byHeading('Verhelderende vragen').map((i) => [i.id, i.votes])).toEqual([[id('teamleider'), 3], [id('geprobeerd'), 1]])
    expect(byHeading('Analyse en adviezen').map((i) => i.id)).toEqual([id('afspraken'), id('kort')])
    expect(byHeading('Overige').map((i) => [i.id, i.votes])).toEqual([
      [id('lastig'), 1], [id('los'), 0], [id('markdown'), 0], [id('actie'), 0],
    ])
    const buddy = byHeading('Ideeën')[0]!
    const frame = input.shapes.find((s) => s.id === id('parkeer'))!
    expect([buddy.x, buddy.y]).toEqual([frame.x + 450 + 20, frame.y + 350 + 60])
  })

  test('a template area without a step takes its top-most label; without one, "Zonder titel"', () => {
    const { input: base } = scenario()
    const lonely = toRecords([{ id: id('vlak'), type: 'geo', x: 5000, y: 0, meta: { role: 'area' }, props: { w: 400, h: 400 } }, note('n', 'Iets', { x: 5100, y: 100 })])
    expect(buildReportGroups({ ...base, shapes: [...base.shapes, ...lonely] }).map((g) => g.heading)).toContain('Zonder titel')
  })
})

describe('buildReportMarkdown', () => {
  const { input } = scenario()
  const markdown = buildReportMarkdown(input)

  test('title, Dutch date, agenda and one bullet per item with its votes', () => {
    expect(markdown).toBe(
      [
        '# Intervisie groep 7/8',
        '',
        'Datum: 24 november 2026',
        '',
        '## Agenda',
        '',
        '- Opening',
        '- Casus van Jan',
        '- \\# Rondvraag',
        '',
        '## Inbreng van de casus',
        '',
        '- Ouders bellen steeds na schooltijd',
        '',
        '## Verhelderende vragen',
        '',
        '- Hoe reageert  ',
        '  de teamleider? (3 stemmen)',
        '- Wat heb je al geprobeerd? (1 stem)',
        '',
        '## Analyse en adviezen',
        '',
        '- Maak vaste belmomenten',
        '- Kort en vriendelijk',
        '',
        '## Reactie van de inbrenger en afronding',
        '',
        '- Afspraak: Jan brengt de volgende casus in',
        '',
        '## Gespreksleider',
        '',
        '- Sanne',
        '',
        '## Parkeerplaats',
        '',
        '- Werkdruk',
        '',
        '## Ideeën',
        '',
        '- Buddy voor nieuwe collega’s (1 stem)',
        '',
        '## Overige',
        '',
        '- Kosten; "budget"  ',
        '  tweede regel (1 stem)',
        '- Losse gedachte',
        '- \\# geen kop  ',
        '  \\- geen lijst  ',
        '  1\\. geen nummer  ',
        '  \\> geen citaat  ',
        '  \\---',
        '- Actiepunt',
        '',
      ].join('\n'),
    )
  })

  test('no template texts, no empty notes', () => {
    expect(markdown).not.toContain('Leidt het gesprek')
    expect(markdown).not.toContain('hét voertuig')
    expect(markdown.match(/^- $/m)).toBeNull()
  })

  test('defaults: "Verslag" without a title, no agenda section without items', () => {
    const md = buildReportMarkdown({ ...input, title: '  ', agenda: '\n \n', shapes: [], votes: new Map() })
    expect(md).toBe('# Verslag\n\nDatum: 24 november 2026\n')
  })

  test('a title or frame name cannot break out of its heading', () => {
    const shapes = toRecords([
      { id: id('f'), type: 'frame', x: 0, y: 0, props: { w: 400, h: 400, name: 'Twee\nregels #' } },
      note('n', 'x', { x: 10, y: 10 }, { parentId: id('f') }),
    ])
    const md = buildReportMarkdown({ ...input, title: 'Regel 1\n## Regel 2', agenda: '', shapes, steps: [] })
    expect(md.split('\n').filter((l) => l.startsWith('#'))).toEqual(['# Regel 1 ## Regel 2', '## Twee regels \\#'])
  })
})

/** RFC 4180 reader (separator ;), enough to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]]
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ';') rows.at(-1)!.push(field), (field = '')
    else if (c === '\r' && text[i + 1] === '\n') rows.at(-1)!.push(field), (field = ''), rows.push([]), i++
    else field += c
  }
  if (field !== '' || rows.at(-1)!.length) rows.at(-1)!.push(field)
  else rows.pop()
  return rows
}

describe('buildReportCsv', () => {
  const { input } = scenario()
  const csv = buildReportCsv(input)

  test('starts with a BOM and the header, one CRLF-ended record per item', () => {
    expect(csv.startsWith('\uFEFFgroep;type;tekst;stemmen;x;y\r\n')).toBe(true)
    expect(csv.endsWith('\r\n')).toBe(true)
    const rows = parseCsv(csv.slice(1))
    expect(rows).toHaveLength(1 + 13)
    expect(rows.every((row) => row.length === 6)).toBe(true)
    expect(rows[2]).toEqual(['Verhelderende vragen', 'notitie', 'Hoe reageert\nde teamleider?', '3', expect.any(String), expect.any(String)])
  })

  test('quotes fields with ; " or a line break, doubling quotes', () => {
    expect(csv).toContain('\r\nOverige;notitie;"Kosten; ""budget""\ntweede regel";1;-600;300\r\n')
    const rows = parseCsv(csv.slice(1))
    expect(rows.find((r) => r[2]!.startsWith('Kosten'))![2]).toBe('Kosten; "budget"\ntweede regel')
  })

  test('types in Dutch, accents intact, frame children at page positions', () => {
    const rows = parseCsv(csv.slice(1))
    expect(rows.find((r) => r[2] === 'Actiepunt')!.slice(0, 2)).toEqual(['Overige', 'vorm'])
    expect(rows.find((r) => r[2]!.startsWith('Afspraak'))![1]).toBe('tekst')
    const buddy = rows.find((r) => r[0] === 'Ideeën')!
    expect(buddy[2]).toBe('Buddy voor nieuwe collega’s')
    const frame = input.shapes.find((s) => s.id === id('parkeer'))!
    expect(buddy.slice(4).map(Number)).toEqual([Math.round(frame.x + 470), Math.round(frame.y + 410)])
  })

  test('text Excel would run as a formula gets a leading apostrophe', () => {
    const shapes = toRecords([note('f', '=HYPERLINK("x")', { x: 0, y: 0 }), note('m', '- meer tijd', { x: 300, y: 0 })])
    const rows = parseCsv(buildReportCsv({ ...input, shapes, steps: [] }).slice(1))
    expect(rows.slice(1).map((r) => r[2])).toEqual(['\'=HYPERLINK("x")', "'- meer tijd"])
  })
})
