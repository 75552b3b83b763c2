import { buildCycle } from './cycle'
import type { BoardTemplate } from './types'

export const kwaliteitskring: BoardTemplate = {
  id: 'kwaliteitskring',
  title: 'Kwaliteitskring',
  description: 'Collega’s in een kring: overleggen, verdiepen, reflecteren en samen verbeteren.',
  build: (origin) =>
    buildCycle(
      {
        templateId: 'kwaliteitskring',
        title: 'Kwaliteitskring',
        lead: [
          'Intercollegiaal overleg, vakinhoudelijke verdieping en kwaliteitsinstrumenten.',
          'Reflectie op het eigen handelen geeft inzichten, en inzichten leiden tot verbeteringen.',
        ],
        centre: {
          title: 'Ons thema',
          hint: ['Welk deel van ons onderwijs willen we samen beter maken?'],
        },
        steps: [
          { title: 'Intercollegiaal overleg', hint: ['Wat speelt er bij ieder van ons rond dit thema?'], minutes: 10 },
          { title: 'Vakinhoudelijke verdieping', hint: ['Wat weten we uit het vak, uit onderzoek of van experts?'], minutes: 15 },
          { title: 'Kwaliteitsinstrumenten toepassen', hint: ['Welk instrument gebruiken we: lesbezoek, enquête, toetsanalyse?'], minutes: 15 },
          { title: 'Reflecteren op eigen handelen', hint: ['Wat zegt dit over mijn eigen lessen?'], minutes: 10 },
          { title: 'Evaluatie: inzichten', hint: ['Wat hebben we samen geleerd?'], minutes: 10 },
          { title: 'Verbeteringen in beleid en onderwijs', hint: ['Wat veranderen we, wie doet wat, en voor wanneer?'], minutes: 10 },
        ],
      },
      origin,
    ),
}
