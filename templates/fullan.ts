import { TemplateBuilder } from './layout'
import { GAP, rowLayout, type AreaText } from './style'
import type { BoardTemplate, TemplateOrigin } from './types'

/** Fullan's points from the source text as captions, each with a question for the discussion. */
const POINTS: readonly AreaText[] = [
  {
    title: 'Veranderen door samen te werken',
    caption: ['Veranderingen doorvoeren middels samenwerking – onderwijssysteem wordt als één geheel gezien'],
    hint: ['Waar werken wij al samen aan verandering, en waar nog niet?'],
  },
  {
    title: 'De morele plicht tot verbetering',
    caption: ['Focus op de morele plicht tot verbetering te koppelen aan de vraag hoe een compleet systeem kunt veranderen'],
    hint: ['Voor welke leerlingen willen wij het verschil maken?'],
  },
  {
    title: 'Continu verbeteren',
    caption: [
      'Cultuur gericht op continu verbeteren van het onderwijssysteem/-concept (‘het is nooit af!’)',
      'vraagt dus om een cultuuromslag: het veranderen van ingesleten veronderstellingen, overtuigingen, verwachtingen en gewoonten',
    ],
    hint: ['Welke gewoonte of overtuiging houdt ons tegen?'],
  },
  {
    title: 'Systeembreed',
    caption: [
      'PLG’s spelen een centrale rol in het drastische verbeteren van de prestaties van scholen, de betrokkenheid van de leerlingen en het gevoel van effectiviteit en voldoening bij leraren',
      'dus: systeembreed doorgevoerd!',
    ],
    hint: ['Hoe delen we wat we leren met de hele school?'],
  },
]
const AREA_W = 720
const WIDTH = 2 * AREA_W + GAP
const NOTE_ROWS = 2

function build(origin: TemplateOrigin) {
  const b = new TemplateBuilder('fullan', origin)
  let y = b.header('Kenmerken van een PLG (Fullan)', [
    'Kenmerken/Uitgangspunten: volgens Michael Fullan.',
    'Bespreek per kenmerk de vraag en zet jullie antwoorden op stickers.',
  ], WIDTH)
  for (let row = 0; row < POINTS.length; row += 2) {
    const pair = POINTS.slice(row, row + 2)
    const { h, slots } = rowLayout(AREA_W, pair, NOTE_ROWS)
    pair.forEach((point, col) => b.area({ x: col * (AREA_W + GAP), y, w: AREA_W, h, slots, kind: 'topic', ...point }))
    y += h + GAP
  }
  return b.result({ w: WIDTH, h: y - GAP })
}

export const fullan: BoardTemplate = {
  id: 'fullan',
  title: 'Kenmerken van een PLG (Fullan)',
  description: 'Vier uitgangspunten van Michael Fullan als vragen voor een teamgesprek.',
  build,
}
