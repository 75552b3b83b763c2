import { TemplateBuilder } from './layout'
import { GAP, NOTE_SIZE, PAD } from './style'
import type { BoardTemplate, TemplateOrigin } from './types'

const KENMERKEN = [
  'Focus op leren van leerlingen',
  'Een samen leer cultuur, gericht op leren van iedereen',
  'Gezamenlijk onderzoek naar beste praktijkvoorbeelden',
  'Actiegericht leren: leren door te doen',
  'Voortdurend streven naar verbetering',
  'Resultaatgerichtheid',
] as const
const SCALE = [1, 2, 3, 4, 5] as const
const LABEL_W = 520
const POINT_W = 110
const POINT_GAP = 10
const SCALE_X = LABEL_W + GAP
const NOTES_X = SCALE_X + SCALE.length * (POINT_W + POINT_GAP) - POINT_GAP + GAP
const NOTES_W = 2 * NOTE_SIZE + 3 * PAD
const WIDTH = NOTES_X + NOTES_W
const ROW_H = NOTE_SIZE + 2 * PAD
const ROW_GAP = 20

function build(origin: TemplateOrigin) {
  const b = new TemplateBuilder('zes-kenmerken', origin)
  let y = b.header('Zes kenmerken van een PLG', [
    'Zet bij elk kenmerk met de tekenpen een stip bij het cijfer dat past: 1 = nog niet, 5 = helemaal.',
    'Licht je keuze toe op een sticker.',
  ], WIDTH)
  const scaleW = NOTES_X - GAP - SCALE_X
  y = b.headings(y, [[0, LABEL_W, 'Kenmerk'], [SCALE_X, scaleW, 'Waar staan wij?'], [NOTES_X, NOTES_W, 'Toelichting']])

  KENMERKEN.forEach((kenmerk, i) => {
    b.box({ x: 0, y, w: LABEL_W, h: ROW_H, kind: 'topic', label: `${i + 1}. ${kenmerk}`, align: 'start' })
    SCALE.forEach((point, j) => {
      const x = SCALE_X + j * (POINT_W + POINT_GAP)
      b.box({ x, y, w: POINT_W, h: ROW_H, kind: 'now', label: String(point), verticalAlign: 'start' })
    })
    b.area({ x: NOTES_X, y, w: NOTES_W, h: ROW_H, kind: 'info' })
    y += ROW_H + ROW_GAP
  })
  return b.result({ w: WIDTH, h: y - ROW_GAP })
}

export const zesKenmerken: BoardTemplate = {
  id: 'zes-kenmerken',
  title: 'Zes kenmerken van een PLG',
  description: 'Zelfscan: waar staat ons team op elk van de zes kenmerken van een PLG?',
  build,
}
