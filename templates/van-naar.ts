import { TemplateBuilder } from './layout'
import { ARROW_GAP, GAP, NOTE_SIZE, PAD } from './style'
import type { BoardTemplate, TemplateOrigin } from './types'

/** The prefilled rows (from the source text); the team adds its own in the empty rows. */
const ROWS: readonly (readonly [string, string])[] = [
  ['kwaliteit beheersen', 'kwaliteit ontwikkelen'],
  ['lesgeven', 'leren'],
  ['methodeslaaf', 'leerexpert'],
  ['onafhankelijkheid', 'wederzijdse afhankelijkheid'],
  ['individuele autonomie', 'professionele autonomie'],
]
const EMPTY_ROWS = 3
const CELL_W = 440
const NEED_W = 2 * NOTE_SIZE + 3 * PAD
const ROW_H = NOTE_SIZE + 2 * PAD
const ROW_GAP = 20
const VAN_X = 0
const NAAR_X = CELL_W + ARROW_GAP
const NEED_X = NAAR_X + CELL_W + GAP
const WIDTH = NEED_X + NEED_W

function build(origin: TemplateOrigin) {
  const b = new TemplateBuilder('van-naar', origin)
  let y = b.header('Van/naar-matrix', [
    'Waar komen we vandaan, en waar willen we naartoe?',
    'Vul de lege rijen aan. Zet bij elke rij op een sticker wat er nodig is.',
  ], WIDTH)
  y = b.headings(y, [[VAN_X, CELL_W, 'Van'], [NAAR_X, CELL_W, 'Naar'], [NEED_X, NEED_W, 'Wat is er nodig?']])

  const rows = [...ROWS, ...Array.from({ length: EMPTY_ROWS }, () => ['', ''] as const)]
  rows.forEach(([van, naar], i) => {
    // Prefilled rows are labelled cells; the team's own rows are empty areas for notes.
    if (van === '') {
      b.area({ x: VAN_X, y, w: CELL_W, h: ROW_H, kind: 'now' })
      b.area({ x: NAAR_X, y, w: CELL_W, h: ROW_H, kind: 'next' })
    } else {
      b.box({ x: VAN_X, y, w: CELL_W, h: ROW_H, kind: 'now', label: van })
      b.box({ x: NAAR_X, y, w: CELL_W, h: ROW_H, kind: 'next', label: naar })
    }
    b.arrow(VAN_X + CELL_W, y + ROW_H / 2, NAAR_X, y + ROW_H / 2)
    b.area({ x: NEED_X, y, w: NEED_W, h: ROW_H, kind: 'need' })
    if (i === 0) b.note(NEED_X + PAD, y + PAD, 'Tijd om samen lessen te ontwerpen')
    y += ROW_H + ROW_GAP
  })
  return b.result({ w: WIDTH, h: y - ROW_GAP })
}

export const vanNaar: BoardTemplate = {
  id: 'van-naar',
  title: 'Van/naar-matrix',
  description: 'Van kwaliteit beheersen naar kwaliteit ontwikkelen: waar staan we en wat is er nodig?',
  build,
}
