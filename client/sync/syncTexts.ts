import { currentLanguage } from '../i18n'

/**
 * What the page says about changes too large to share (own file: client/i18n.ts is near its size
 * limit). Dutch first, English second.
 */
const nl = {
  tooLarge: 'Dit is te groot om te delen en is niet op het bord gezet.',
  close: 'Sluiten',
}

const en: typeof nl = {
  tooLarge: 'This is too large to share and was not put on the board.',
  close: 'Close',
}

export function syncTexts(): typeof nl {
  return currentLanguage() === 'en' ? en : nl
}
