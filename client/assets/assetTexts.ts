import { currentLanguage } from '../i18n'
import type { RefusedBecause } from './uploadAsset'

/** What the page says about photos and files; Dutch first, English second. */
const nl = {
  refused: {
    forbidden: 'Met deze link kun je geen foto’s op het bord zetten.',
    tooLarge: (size: string) => `Dit bestand is te groot. Het mag hoogstens ${size} zijn.`,
    unsupported: 'Dit soort bestand kan niet op het bord. Gebruik een foto (JPEG, PNG, GIF, WebP) of een video (MP4, WebM).',
    boardFull: 'Er past geen foto meer bij op dit bord. Haal oude foto’s weg of begin een nieuw bord.',
    deleted: 'Dit bord bestaat niet meer.',
    refused: 'Deze foto kon niet op het bord worden gezet.',
  } satisfies Record<RefusedBecause, string | ((size: string) => string)>,
  waiting: (n: number) => (n === 1 ? 'Eén foto wacht op de verbinding en wordt daarna gedeeld.' : `${n} foto’s wachten op de verbinding en worden daarna gedeeld.`),
  close: 'Sluiten',
}

const en: typeof nl = {
  refused: {
    forbidden: 'This link cannot put photos on the board.',
    tooLarge: (size: string) => `This file is too large. It may be at most ${size}.`,
    unsupported: 'This kind of file cannot go on the board. Use a photo (JPEG, PNG, GIF, WebP) or a video (MP4, WebM).',
    boardFull: 'No more photos fit on this board. Remove old photos or start a new board.',
    deleted: 'This board no longer exists.',
    refused: 'This photo could not be put on the board.',
  },
  waiting: (n: number) => (n === 1 ? 'One photo is waiting for the connection and will be shared then.' : `${n} photos are waiting for the connection and will be shared then.`),
  close: 'Close',
}

export function assetTexts(): typeof nl {
  return currentLanguage() === 'en' ? en : nl
}

/** The message for a refused file, with the size limit filled in. */
export function refusalMessage(because: RefusedBecause, maxAssetBytes: number): string {
  const text = assetTexts().refused[because]
  return typeof text === 'function' ? text(formatSize(maxAssetBytes)) : text
}

/** A size as teachers read it: "20 MB", "300 kB" (binary units, as the limits are set). */
export function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024)
  return mb >= 1 ? `${Math.floor(mb * 10) / 10} MB`.replace('.', currentLanguage() === 'en' ? '.' : ',') : `${Math.max(1, Math.floor(bytes / 1024))} kB`
}
