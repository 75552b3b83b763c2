import type { BoardTemplate } from './types'

export const leeg: BoardTemplate = {
  id: 'leeg',
  title: 'Leeg bord',
  description: 'Begin met een leeg bord.',
  build: () => ({ shapes: [], size: { w: 0, h: 0 } }),
}
