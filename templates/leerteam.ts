import { TemplateBuilder } from './layout'
import { GAP, rowLayout, type AreaKind, type AreaText } from './style'
import type { BoardTemplate, TemplateOrigin } from './types'

type Area = AreaText & { kind: AreaKind }

const QUESTION: Area = {
  kind: 'focus',
  title: 'Onze gezamenlijke vraag',
  caption: ['Een leerteam heeft een gezamenlijke vraag (zal gespecificeerd gaan worden door het leerteam zelf)'],
  hint: ['Welke vraag willen we samen oplossen? Maak hem zo concreet mogelijk.'],
}
/** Two rows of two areas below the question. */
const ROWS: readonly (readonly [Area, Area])[] = [
  [
    {
      kind: 'topic',
      title: 'Deelnemers',
      caption: ['Een leerteam kan bestaan uit verschillende deelnemers (er kan veel geleerd worden van elkaar)'],
      hint: ['Wie doet mee? Zet je naam op een sticker.'],
    },
    {
      kind: 'topic',
      title: 'Wanneer en hoe vaak overleggen we?',
      caption: ['Een leerteam bepaalt zelf wanneer en hoe vaak er wordt overlegd'],
      hint: ['Spreek data, plek en duur af.'],
    },
  ],
  [
    {
      kind: 'info',
      title: 'Inspiratie: scholen en experts',
      caption: ['Misschien kan een expert van een school of extern worden gevraagd om een leerteam van kennis te voorzien'],
      hint: ['Welke school heeft al een oplossing? Wie kan ons helpen?'],
    },
    {
      kind: 'next',
      title: 'Oplossing en/of advies',
      caption: ['Een leerteam rondt af met een oplossing en/of een advies'],
      hint: ['Wat is ons antwoord op de vraag, en voor wie is het advies?'],
    },
  ],
]
const AREA_W = 740
const WIDTH = 2 * AREA_W + GAP

function build(origin: TemplateOrigin) {
  const b = new TemplateBuilder('leerteam', origin)
  let y = b.header('Leerteam', [
    'Een leerteam is een groep met deelnemers die dezelfde vraag hebben en samen naar een oplossing zoeken.',
  ], WIDTH)
  y += b.area({ x: 0, y, w: WIDTH, ...QUESTION }).h + GAP
  for (const pair of ROWS) {
    const { h, slots } = rowLayout(AREA_W, pair)
    pair.forEach((area, col) => b.area({ x: col * (AREA_W + GAP), y, w: AREA_W, h, slots, ...area }))
    y += h + GAP
  }
  return b.result({ w: WIDTH, h: y - GAP })
}

export const leerteam: BoardTemplate = {
  id: 'leerteam',
  title: 'Leerteam',
  description: 'Een groep met dezelfde vraag zoekt samen naar een oplossing en/of advies.',
  build,
}
