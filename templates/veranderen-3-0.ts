import { TemplateBuilder } from './layout'
import { GAP, NOTE_SIZE, PAD } from './style'
import type { BoardTemplate, TemplateOrigin } from './types'

const PRINCIPLES = [
  'uitkomstgericht werken',
  'eigenaarschap',
  'onderzoeken van percepties',
  'verbinden van percepties',
  'werken met wat er is',
  'congruentie',
  'geduld en volharding',
] as const
const LABEL_W = 440
const COLUMN_W = 2 * NOTE_SIZE + 3 * PAD
const ROW_H = NOTE_SIZE + 2 * PAD
const ROW_GAP = 20
const SEEN_X = LABEL_W + GAP
const TODO_X = SEEN_X + COLUMN_W + GAP
const WIDTH = TODO_X + COLUMN_W

function build(origin: TemplateOrigin) {
  const b = new TemplateBuilder('veranderen-3-0', origin)
  let y = b.header('Veranderen 3.0: zeven principes', [
    'Zeven essentiële principes van Veranderen 3.0.',
    'Zet per principe op stickers wat jullie al zien en wat jullie gaan doen.',
  ], WIDTH)
  y = b.headings(y, [[0, LABEL_W, 'Principe'], [SEEN_X, COLUMN_W, 'Wat zien we al?'], [TODO_X, COLUMN_W, 'Wat gaan we doen?']])

  PRINCIPLES.forEach((principle, i) => {
    b.box({ x: 0, y, w: LABEL_W, h: ROW_H, kind: 'topic', label: `${i + 1}. ${principle}` })
    b.area({ x: SEEN_X, y, w: COLUMN_W, h: ROW_H, kind: 'now' })
    b.area({ x: TODO_X, y, w: COLUMN_W, h: ROW_H, kind: 'next' })
    y += ROW_H + ROW_GAP
  })
  y += GAP - ROW_GAP
  y += b.text({ x: 0, y, w: WIDTH, text: ['Veranderen 3.0 – Wendy Nieuwland & Maaike Nooitgedagt'], size: 's', color: 'grey' })
  return b.result({ w: WIDTH, h: y })
}

export const veranderen30: BoardTemplate = {
  id: 'veranderen-3-0',
  title: 'Veranderen 3.0: zeven principes',
  description: 'Per principe: wat zien we al, en wat gaan we doen?',
  build,
}
