import { TemplateBuilder } from './layout'
import { ARROW_GAP, GAP, rowLayout, type AreaText } from './style'
import type { BoardTemplate, TemplateOrigin, TemplateStep } from './types'

const ROLES: readonly AreaText[] = [
  { title: 'Inbrenger', hint: ['Brengt een situatie uit de eigen praktijk in.'] },
  { title: 'Gespreksleider', hint: ['Leidt het gesprek en bewaakt de stappen.'] },
  { title: 'Tijdbewaker', hint: ['Let op de tijd per stap.'] },
  { title: 'Deelnemers', hint: ['Stellen vragen en geven adviezen.'] },
]
const STEPS = [
  { title: 'Inbreng van de casus', time: '5 minuten', minutes: 5, hint: 'De inbrenger vertelt kort over een lastige situatie.' },
  { title: 'Verhelderende vragen', time: '10–15 minuten', minutes: 15, hint: 'Alleen open vragen om de situatie te begrijpen. Nog geen adviezen!' },
  { title: 'Kernvraag formuleren', time: '5 minuten', minutes: 5, hint: 'De inbrenger kiest de kernvraag: waar wil ik hulp bij?' },
  { title: 'Analyse en adviezen', time: '15 minuten', minutes: 15, hint: 'Iedereen denkt mee over de kernvraag en geeft adviezen.' },
  { title: 'Reactie van de inbrenger en afronding', time: '5–10 minuten', minutes: 10, hint: 'Wat neemt de inbrenger mee? Hoe ging het gesprek?' },
] as const
const STEP_W = 400
const WIDTH = STEPS.length * STEP_W + (STEPS.length - 1) * ARROW_GAP
const CARD_W = 560
const ROLE_W = (WIDTH - CARD_W - ROLES.length * GAP) / ROLES.length

function build(origin: TemplateOrigin) {
  const b = new TemplateBuilder('intervisie', origin)
  let y = b.header('Intervisie (incidentmethode)', [
    'Een gestructureerd en frequent overleg van een groep professionals om werksituaties te verhelderen en te bewerken.',
    'Zet je naam bij je rol en volg de stappen. Wat hier gezegd wordt, blijft in de groep.',
  ], WIDTH)

  const { h: roleH, slots: roleSlots } = rowLayout(ROLE_W, ROLES)
  ROLES.forEach((role, i) => b.area({ x: i * (ROLE_W + GAP), y, w: ROLE_W, h: roleH, slots: roleSlots, kind: 'info', ...role }))
  b.box({
    x: WIDTH - CARD_W, y, w: CARD_W, h: roleH, kind: 'focus', fill: 'fill', size: 'xl',
    label: '‘vragen stellen’ = hét voertuig van intervisie',
  })
  y += roleH + GAP

  const texts = STEPS.map((s, i): AreaText => ({ title: `${i + 1}. ${s.title}`, hint: [s.time, s.hint] }))
  const { h: stepH, slots } = rowLayout(STEP_W, texts, 2)
  const steps: TemplateStep[] = STEPS.map((s, i) => {
    const x = i * (STEP_W + ARROW_GAP)
    const { id } = b.area({ x, y, w: STEP_W, h: stepH, slots, kind: 'topic', ...texts[i] })
    if (i > 0) b.arrow(x - ARROW_GAP, y + stepH / 2, x, y + stepH / 2)
    return { title: s.title, minutes: s.minutes, frameId: id }
  })
  return b.result({ w: WIDTH, h: y + stepH }, steps)
}

export const intervisie: BoardTemplate = {
  id: 'intervisie',
  title: 'Intervisie (incidentmethode)',
  description: 'Een vast stappenplan met rollen en tijden: samen een werksituatie verhelderen.',
  build,
}
