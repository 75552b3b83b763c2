import { TemplateBuilder } from './layout'
import { ARROW_GAP, GAP, areaHeightFor, rowLayout } from './style'
import type { TemplateBuildResult, TemplateOrigin } from './types'

/** One step of a six-step cycle. */
export interface CycleStep {
  title: string
  hint: readonly string[]
  /** Suggested minutes for this step in a meeting. */
  minutes: number
}

export interface CycleOptions {
  templateId: string
  title: string
  lead: readonly string[]
  /** The area in the middle of the cycle, e.g. the shared research question. */
  centre: { title: string; hint: readonly string[] }
  steps: readonly [CycleStep, CycleStep, CycleStep, CycleStep, CycleStep, CycleStep]
}

const STEP_W = 560
const COLUMNS = [0, STEP_W + ARROW_GAP, 2 * (STEP_W + ARROW_GAP)] as const
const WIDTH = 3 * STEP_W + 2 * ARROW_GAP
/** Horizontal room kept free beside the centre area for the two vertical arrows. */
const CENTRE_INSET = STEP_W / 2 + ARROW_GAP

/**
 * Six steps as a loop around a centre area: 1 → 2 → 3 on the top row, down to 4, then
 * 4 → 5 → 6 right to left on the bottom row, and up again from 6 to 1.
 */
export function buildCycle(o: CycleOptions, origin: TemplateOrigin): TemplateBuildResult {
  const b = new TemplateBuilder(o.templateId, origin)
  const top = b.header(o.title, o.lead, WIDTH)
  const texts = o.steps.map((s, i) => ({ title: `${i + 1}. ${s.title}`, hint: s.hint }))
  const { h: rowH, slots } = rowLayout(STEP_W, texts)
  const centreW = WIDTH - 2 * CENTRE_INSET
  const centreH = areaHeightFor(centreW, o.centre)
  const bottom = top + rowH + GAP + centreH + GAP
  b.area({ x: CENTRE_INSET, y: top + rowH + GAP, w: centreW, kind: 'focus', ...o.centre })

  // Grid cell of each step, clockwise.
  const cells = [
    [COLUMNS[0], top], [COLUMNS[1], top], [COLUMNS[2], top],
    [COLUMNS[2], bottom], [COLUMNS[1], bottom], [COLUMNS[0], bottom],
  ] as const
  const steps = o.steps.map((step, i) => {
    const [x, y] = cells[i]
    const { id } = b.area({ x, y, w: STEP_W, h: rowH, kind: 'topic', slots, ...texts[i] })
    return { title: step.title, minutes: step.minutes, frameId: id }
  })

  const midTop = top + rowH / 2
  const midBottom = bottom + rowH / 2
  const centreX = STEP_W / 2
  b.arrow(COLUMNS[0] + STEP_W, midTop, COLUMNS[1], midTop)
  b.arrow(COLUMNS[1] + STEP_W, midTop, COLUMNS[2], midTop)
  b.arrow(COLUMNS[2] + centreX, top + rowH, COLUMNS[2] + centreX, bottom)
  b.arrow(COLUMNS[2], midBottom, COLUMNS[1] + STEP_W, midBottom)
  b.arrow(COLUMNS[1], midBottom, COLUMNS[0] + STEP_W, midBottom)
  b.arrow(COLUMNS[0] + centreX, bottom, COLUMNS[0] + centreX, top + rowH)

  return b.result({ w: WIDTH, h: bottom + rowH }, steps)
}
