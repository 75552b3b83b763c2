import { drieElementen } from './drie-elementen'
import { fullan } from './fullan'
import { intervisie } from './intervisie'
import { kwaliteitskring } from './kwaliteitskring'
import { leeg } from './leeg'
import { leerteam } from './leerteam'
import { plgCyclus } from './plg-cyclus'
import type { BoardTemplate } from './types'
import { vanNaar } from './van-naar'
import { veranderen30 } from './veranderen-3-0'
import { zesKenmerken } from './zes-kenmerken'

/** All templates in gallery order. Adding a template: one new file plus one line here. */
export const TEMPLATES: readonly BoardTemplate[] = [
  plgCyclus,
  vanNaar,
  veranderen30,
  zesKenmerken,
  drieElementen,
  fullan,
  leerteam,
  kwaliteitskring,
  intervisie,
  leeg,
]

export function getTemplate(id: string): BoardTemplate | undefined {
  return TEMPLATES.find((template) => template.id === id)
}
