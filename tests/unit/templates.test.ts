import { existsSync, readFileSync } from 'node:fs'
import { DocumentRecordType, PageRecordType, TLDOCUMENT_ID, createTLStore, defaultBindingUtils, defaultShapeUtils } from 'tldraw'
import type { TLPageId, TLShape, TLShapePartial } from '@tldraw/tlschema'
import { getIndices } from '@tldraw/utils'
import { describe, expect, test } from 'vitest'
import { shapeBounds, type Bounds } from '../../templates/bounds'
import { TEMPLATES, getTemplate } from '../../templates/registry'
import { NOTE_SIZE, PAD } from '../../templates/style'
import { richTextLines } from '../../templates/text'

const PAGE_ID = 'page:page' as TLPageId
const ORIGIN = { x: 1000, y: -500 }

/** Source wording that must appear on the board character for character (DOMAIN.md "(seed)"). */
const SEEDS: Record<string, string[]> = {
  'plg-cyclus': [
    'Wat ik hoor, vergeet ik. Wat ik zie, onthoud ik. Wat ik doe, begrijp ik!',
    'Een PLG is geen programma, geen bijeenkomst maar een cyclisch proces',
  ],
  'van-naar': [
    'kwaliteit beheersen', 'kwaliteit ontwikkelen', 'lesgeven', 'leren', 'methodeslaaf', 'leerexpert',
    'onafhankelijkheid', 'wederzijdse afhankelijkheid', 'individuele autonomie', 'professionele autonomie',
  ],
  'veranderen-3-0': [
    'uitkomstgericht werken', 'eigenaarschap', 'onderzoeken van percepties', 'verbinden van percepties',
    'werken met wat er is', 'congruentie', 'geduld en volharding', 'Wendy Nieuwland & Maaike Nooitgedagt',
  ],
  'zes-kenmerken': [
    'Focus op leren van leerlingen', 'Een samen leer cultuur, gericht op leren van iedereen',
    'Gezamenlijk onderzoek naar beste praktijkvoorbeelden', 'Actiegericht leren: leren door te doen',
    'Voortdurend streven naar verbetering', 'Resultaatgerichtheid',
  ],
  'drie-elementen': [
    'Professionaliteit', 'Collectief leren', 'Gedeelde visie',
    'gericht op (continue) verbetering van de competenties', '‘een leven lang leren’',
    'cyclisch proces met nadruk op blijvende verbetering', 'op academische wijze',
    'systematisch, onderzoekend, op basis van theorie, reflecterend',
    'gemeenschap die de voorwaarden, omstandigheden en veiligheid biedt.',
    'een elkaar wederzijds ondersteunende groep professionals in de school,',
    'met als doel het leren van leerlingen te verbeteren.',
  ],
  fullan: [
    'Veranderingen doorvoeren middels samenwerking – onderwijssysteem wordt als één geheel gezien',
    'Focus op de morele plicht tot verbetering', '(‘het is nooit af!’)', 'systeembreed doorgevoerd',
  ],
  leerteam: [
    'heeft een gezamenlijke vraag (zal gespecificeerd gaan worden door het leerteam zelf)',
    'kan bestaan uit verschillende deelnemers (er kan veel geleerd worden van elkaar)',
    'bepaalt zelf wanneer en hoe vaak er wordt overlegd', 'rondt af met een oplossing en/of een advies',
  ],
  kwaliteitskring: [],
  intervisie: [
    'Een gestructureerd en frequent overleg van een groep professionals om werksituaties te verhelderen en te bewerken',
    '‘vragen stellen’ = hét voertuig van intervisie',
  ],
  leeg: [],
}

/** The structure DOMAIN.md describes (not source wording, so compared case-insensitively). */
const STRUCTURE: Record<string, string[]> = {
  'plg-cyclus': ['Onze onderzoeksvraag', 'Focus en onderzoeksvraag', 'Huidige praktijk onderzoeken',
    'Analyseren en theorie erbij', 'Aanpak ontwerpen', 'Uitvoeren in de klas', 'Evalueren en delen'],
  'van-naar': ['Van', 'Naar', 'Wat is er nodig?'],
  'veranderen-3-0': ['Wat zien we al?', 'Wat gaan we doen?'],
  leerteam: ['gezamenlijke vraag', 'deelnemers', 'wanneer en hoe vaak overleggen we', 'oplossing en/of advies',
    'Inspiratie: scholen en experts'],
  kwaliteitskring: ['intercollegiaal overleg', 'vakinhoudelijke verdieping', 'kwaliteitsinstrumenten toepassen',
    'reflecteren op eigen handelen', 'evaluatie', 'verbeteringen in beleid en onderwijs'],
  intervisie: ['inbrenger', 'gespreksleider', 'tijdbewaker', 'deelnemers', 'Inbreng van de casus',
    'Verhelderende vragen', 'Kernvraag formuleren', 'Analyse en adviezen', 'afronding'],
}

function boardLines(shapes: readonly TLShapePartial[]): string[] {
  return shapes.flatMap((s) => richTextLines((s.props as { richText?: unknown } | undefined)?.richText))
}

const role = (s: TLShapePartial) => (s.meta as { role?: string } | undefined)?.role

/** Fills in tldraw's default props, exactly as `editor.createShapes` would, and builds full records. */
function toRecords(store: ReturnType<typeof createTLStore>, shapes: readonly TLShapePartial[]): TLShape[] {
  const indices = getIndices(shapes.length)
  return shapes.map((partial, i) => {
    const Util = defaultShapeUtils.find((u) => u.type === partial.type)
    if (!Util) throw new Error(`no shape util for ${partial.type}`)
    const defaults = new (Util as unknown as new (editor: unknown) => { getDefaultProps(): object })(undefined).getDefaultProps()
    return store.schema.types.shape.create({
      ...partial, parentId: PAGE_ID, index: indices[i + 1], props: { ...defaults, ...partial.props },
    } as TLShape) as TLShape
  })
}

function newStore() {
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  store.put([DocumentRecordType.create({ id: TLDOCUMENT_ID }), PageRecordType.create({ id: PAGE_ID, name: 'Pagina 1', index: 'a1' as never })])
  return store
}

const overlaps = (a: Bounds, b: Bounds) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
const contains = (outer: Bounds, inner: Bounds) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h

test('the registry lists every template once, in gallery order', () => {
  expect(TEMPLATES.map((t) => t.id)).toEqual(['plg-cyclus', 'van-naar', 'veranderen-3-0', 'zes-kenmerken',
    'drie-elementen', 'fullan', 'leerteam', 'kwaliteitskring', 'intervisie', 'leeg'])
  expect(getTemplate('intervisie')?.title).toBe('Intervisie (incidentmethode)')
  expect(getTemplate('bestaat-niet')).toBeUndefined()
})

test('the store validates records (so the next tests mean something)', () => {
  const store = newStore()
  const [bad] = toRecords(store, [{ id: 'shape:bad' as TLShape['id'], type: 'geo', props: { color: 'pink' as never } }])
  expect(() => store.put([bad!])).toThrow()
})

describe.each(TEMPLATES.map((t) => [t.id, t] as const))('%s', (id, template) => {
  const built = template.build(ORIGIN)
  const { shapes, size, steps } = built
  const bounds = new Map(shapes.map((s) => [s.id, shapeBounds(s)]))
  const box = (s: TLShapePartial) => bounds.get(s.id)!
  const ofRole = (...roles: string[]) => shapes.filter((s) => roles.includes(role(s) ?? ''))

  test('has a Dutch title and a one-line description', () => {
    expect(template.title.length).toBeGreaterThan(2)
    expect(template.description).toMatch(/^[^\n]{10,120}$/)
  })

  test('builds records that a real tldraw store accepts', () => {
    const store = newStore()
    store.put(toRecords(store, shapes))
    expect(store.allRecords().filter((r) => r.typeName === 'shape')).toHaveLength(shapes.length)
  })

  test('uses fresh ids on every build', () => {
    const again = template.build(ORIGIN).shapes.map((s) => s.id)
    expect(new Set(shapes.map((s) => s.id)).size).toBe(shapes.length)
    expect(again.filter((shapeId) => bounds.has(shapeId))).toEqual([])
  })

  test('shows the source wording verbatim and the described structure', () => {
    const text = boardLines(shapes).join('\n')
    for (const seed of SEEDS[id] ?? []) expect(text).toContain(seed)
    for (const part of STRUCTURE[id] ?? []) expect(text.toLowerCase()).toContain(part.toLowerCase())
  })

  test('locks its structure and leaves example notes free', () => {
    for (const s of shapes) expect(s.isLocked, `${s.type} ${role(s)}`).toBe(role(s) !== 'example')
    for (const s of ofRole('example')) expect(s.type).toBe('note')
  })

  test('stays inside its size, relative to the origin, at page level', () => {
    const frame = { x: ORIGIN.x, y: ORIGIN.y, w: size.w, h: size.h }
    for (const s of shapes) {
      expect(s.parentId).toBeUndefined()
      expect(contains(frame, box(s)), `${s.type} ${role(s)} outside`).toBe(true)
    }
  })

  // The overlap rule: areas and cells never touch each other's interiors; a text is either on the
  // free canvas or wholly inside one area/cell (its label); arrows cross nothing; example notes lie
  // inside an area below its labels; every area keeps a note-sized space free below its labels.
  test('nothing overlaps except labels and notes inside the area that holds them', () => {
    const blocks = ofRole('area', 'cell')
    const texts = ofRole('label')
    const pairs = <T,>(list: T[]) => list.flatMap((a, i) => list.slice(i + 1).map((b) => [a, b] as const))
    for (const [a, b] of pairs([...blocks])) expect(overlaps(box(a), box(b)), 'two areas overlap').toBe(false)
    for (const [a, b] of pairs([...texts, ...ofRole('example')])) expect(overlaps(box(a), box(b)), 'texts overlap').toBe(false)
    for (const t of texts) {
      const under = blocks.filter((b) => overlaps(box(b), box(t)))
      expect(under.length, 'a text overlaps several areas').toBeLessThanOrEqual(1)
      if (under[0]) expect(contains(box(under[0]), box(t)), 'a label sticks out of its area').toBe(true)
    }
    for (const a of ofRole('arrow')) {
      for (const other of [...blocks, ...texts]) expect(overlaps(box(a), box(other)), 'an arrow crosses a shape').toBe(false)
    }
    for (const n of ofRole('example')) expect(ofRole('area').some((a) => contains(box(a), box(n)))).toBe(true)
    for (const area of ofRole('area')) {
      const a = box(area)
      const labelBottom = Math.max(a.y, ...texts.filter((t) => contains(a, box(t))).map((t) => box(t).y + box(t).h))
      expect(a.y + a.h - labelBottom, 'no room for a note below the labels').toBeGreaterThanOrEqual(NOTE_SIZE + PAD)
      expect(a.w).toBeGreaterThanOrEqual(NOTE_SIZE + 2 * PAD)
    }
  })

  test('steps point at its own areas', () => {
    const expected = ['plg-cyclus', 'kwaliteitskring', 'intervisie'].includes(id)
    expect(steps !== undefined).toBe(expected)
    for (const step of steps ?? []) {
      expect(ofRole('area').map((s) => s.id)).toContain(step.frameId)
      expect(step.minutes).toBeGreaterThan(0)
      expect(step.title.length).toBeGreaterThan(3)
    }
  })
})

test('intervisie suggests the minutes of the incidentmethode', () => {
  const steps = getTemplate('intervisie')!.build(ORIGIN).steps!
  expect(steps.map((s) => s.minutes)).toEqual([5, 15, 5, 15, 10])
})

test('leeg builds nothing', () => {
  expect(getTemplate('leeg')!.build(ORIGIN)).toEqual({ shapes: [], size: { w: 0, h: 0 } })
})

const SEED_FILES = ['/work/shared/seeds/000_3cc58244a93c7d56.txt', '/work/shared/seeds/004_c37889ca15f3b0af.txt']
test.skipIf(!SEED_FILES.every(existsSync))('the expected wording really is in the source texts', () => {
  const source = SEED_FILES.map((f) => readFileSync(f, 'utf8')).join('\n').replace(/\s+/g, ' ')
  for (const seed of Object.values(SEEDS).flat()) expect(source).toContain(seed)
})
