import { buildCycle } from './cycle'
import type { BoardTemplate } from './types'

export const plgCyclus: BoardTemplate = {
  id: 'plg-cyclus',
  title: 'PLG-cyclus',
  description: 'Onderzoek samen je eigen praktijk in zes stappen rond één onderzoeksvraag.',
  build: (origin) =>
    buildCycle(
      {
        templateId: 'plg-cyclus',
        title: 'PLG-cyclus',
        lead: [
          '‘Wat ik hoor, vergeet ik. Wat ik zie, onthoud ik. Wat ik doe, begrijp ik!’ – Confusius',
          'Een PLG is geen programma, geen bijeenkomst maar een cyclisch proces: na stap 6 begint de volgende ronde.',
        ],
        centre: {
          title: 'Onze onderzoeksvraag',
          hint: ['Schrijf hier de ene vraag waar jullie samen aan werken.'],
        },
        steps: [
          { title: 'Focus en onderzoeksvraag', hint: ['Wat moeten leerlingen beter leren? Maak er één vraag van.'], minutes: 15 },
          { title: 'Huidige praktijk onderzoeken', hint: ['Verzamel data en observaties: hoe gaat het nu?'], minutes: 15 },
          { title: 'Analyseren en theorie erbij', hint: ['Wat zien we in de data? Wat zegt de theorie?'], minutes: 20 },
          { title: 'Aanpak ontwerpen', hint: ['Wat gaan we anders doen, en hoe zien we of het werkt?'], minutes: 20 },
          { title: 'Uitvoeren in de klas', hint: ['Leren door te doen: wie probeert wat, en wanneer?'], minutes: 10 },
          { title: 'Evalueren en delen', hint: ['Wat heeft het opgeleverd? Deel het met collega’s.'], minutes: 15 },
        ],
      },
      origin,
    ),
}
