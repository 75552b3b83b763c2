import { TemplateBuilder } from './layout'
import { GAP, rowLayout, type AreaText } from './style'
import type { BoardTemplate, TemplateOrigin } from './types'

const PROMPT = ['Waar staan wij? Zet het op een sticker.']
const ELEMENTS: readonly AreaText[] = [
  {
    title: 'Professionaliteit',
    caption: [
      'gericht op (continue) verbetering van de competenties',
      '‘een leven lang leren’ (DOS+/Scholen voor de Toekomst)',
      'cyclisch proces met nadruk op blijvende verbetering',
    ],
    hint: PROMPT,
  },
  {
    title: 'Collectief leren',
    caption: ['op academische wijze', 'systematisch, onderzoekend, op basis van theorie, reflecterend'],
    hint: PROMPT,
  },
  {
    title: 'Gedeelde visie',
    caption: ['gemeenschap die de voorwaarden, omstandigheden en veiligheid biedt.'],
    hint: PROMPT,
  },
]
const VERBIEST: AreaText = {
  title: 'Verbiest (2014) definieert een PLG als:',
  hint: [
    'een elkaar wederzijds ondersteunende groep professionals in de school,',
    'die door middel van een reflectieve en op groei gerichte benadering,',
    'hun eigen praktijk onderzoeken en gezamenlijk daarvan leren,',
    'met als doel het leren van leerlingen te verbeteren.',
  ],
}
const AREA_W = 560
const WIDTH = 3 * AREA_W + 2 * GAP
const NOTE_ROWS = 2

function build(origin: TemplateOrigin) {
  const b = new TemplateBuilder('drie-elementen', origin)
  const top = b.header('Drie elementen van een PLG', [
    'Drie elementen (volgens Eric Verbiest). Lees per element de uitleg en bespreek: waar staan wij?',
  ], WIDTH)
  const { h, slots } = rowLayout(AREA_W, ELEMENTS, NOTE_ROWS)
  ELEMENTS.forEach((element, i) => b.area({ x: i * (AREA_W + GAP), y: top, w: AREA_W, h, slots, kind: 'now', ...element }))
  const definition = b.area({ x: 0, y: top + h + GAP, w: WIDTH, kind: 'info', noteRows: 0, ...VERBIEST })
  return b.result({ w: WIDTH, h: top + h + GAP + definition.h })
}

export const drieElementen: BoardTemplate = {
  id: 'drie-elementen',
  title: 'Drie elementen van een PLG (Verbiest)',
  description: 'Professionaliteit, collectief leren en gedeelde visie: waar staan wij?',
  build,
}
