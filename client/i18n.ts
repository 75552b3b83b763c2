/** Our own texts; tldraw's are translated by its `nl` locale. Dutch first, English second. */
const nl = {
  appTagline: 'Samen leren op één bord: voor PLG’s, leerteams, kwaliteitskringen en intervisie.',
  newBoard: 'Nieuw bord',
  newBoardFromTemplate: 'Nieuw bord vanuit sjabloon',
  insertTemplate: 'Sjabloon invoegen',
  share: 'Delen',
  linkCopied: 'Link gekopieerd',
  copyThisLink: 'Kopieer deze link:',
  connected: 'Verbonden',
  reconnecting: 'Opnieuw verbinden…',
  offline: 'Offline',
  offlineHint: 'Je werk wordt bewaard en gedeeld zodra je weer verbonden bent.',
  closed: 'Verbinding verbroken',
  yourName: 'Hoe heet je?',
  yourNameHint: 'Je naam staat bij je cursor, zodat anderen zien wie wat doet.',
  namePlaceholder: 'Je naam',
  continue: 'Verder',
  loading: 'Bord laden…',
  notFound: 'Deze pagina bestaat niet.',
  toHome: 'Naar de startpagina',
  language: 'English',
  wrongLink: 'Deze link hoort niet bij dit bord. Vraag de gespreksleider om de juiste link.',
  offlineNoCopy: 'Je bent offline en dit bord staat nog niet op dit apparaat.',
  shareTitle: 'Bord delen',
  linkFacilitator: 'Beheer (gespreksleider)',
  linkParticipant: 'Bewerken (deelnemers)',
  linkViewer: 'Alleen kijken',
  copy: 'Kopieer',
  copied: 'Gekopieerd',
  qrHint: 'Scan om mee te doen met telefoon of tablet',
  close: 'Sluiten',
  viewOnly: 'Alleen kijken',
  createFailed: 'Er kon geen bord worden gemaakt. Ben je verbonden met de server?',
  myBoards: 'Mijn borden',
  boardFrom: (d: Date) => `Bord van ${d.toLocaleDateString('nl-NL', { day: 'numeric', month: 'long' })}, ${d.toLocaleTimeString('nl-NL', { hour: '2-digit', minute: '2-digit' })}`,
  roleNames: { facilitator: 'beheer', participant: 'bewerken', viewer: 'alleen kijken' } as Record<string, string>,
  removeFromList: 'Uit lijst verwijderen',
  closeMessages: {
    4403: 'Je hebt geen toegang om dit bord te wijzigen.',
    4404: 'Dit bord bestaat niet. Controleer de link.',
    4405: 'Dit bord kan niet vanaf deze website worden geopend.',
    4413: 'Deze wijziging is te groot om te versturen.',
    4414: 'Dit bord is te groot geworden. Maak een nieuw bord of ruim iets op.',
    4429: 'Er zijn te veel mensen tegelijk op dit bord.',
    4430: 'Te veel wijzigingen tegelijk. Laad de pagina opnieuw.',
    4431: 'Je verbinding is te traag. Laad de pagina opnieuw.',
  } as Record<number, string>,
  closedFallback: 'De server heeft de verbinding gesloten. Laad de pagina opnieuw.',
}

const en: typeof nl = {
  appTagline: 'Learn together on one board: for PLCs, learning teams, quality circles and peer review.',
  newBoard: 'New board',
  newBoardFromTemplate: 'New board from template',
  insertTemplate: 'Insert template',
  share: 'Share',
  linkCopied: 'Link copied',
  copyThisLink: 'Copy this link:',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  offlineHint: 'Your work is kept and shared as soon as you are back online.',
  closed: 'Disconnected',
  yourName: 'What is your name?',
  yourNameHint: 'Your name is shown next to your cursor, so others see who does what.',
  namePlaceholder: 'Your name',
  continue: 'Continue',
  loading: 'Loading board…',
  notFound: 'This page does not exist.',
  toHome: 'To the start page',
  language: 'Nederlands',
  wrongLink: 'This link does not belong to this board. Ask the facilitator for the right link.',
  offlineNoCopy: 'You are offline and this board is not on this device yet.',
  shareTitle: 'Share board',
  linkFacilitator: 'Manage (facilitator)',
  linkParticipant: 'Edit (participants)',
  linkViewer: 'View only',
  copy: 'Copy',
  copied: 'Copied',
  qrHint: 'Scan to join with a phone or tablet',
  close: 'Close',
  viewOnly: 'View only',
  createFailed: 'No board could be created. Are you connected to the server?',
  myBoards: 'My boards',
  boardFrom: (d: Date) => `Board of ${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long' })}, ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`,
  roleNames: { facilitator: 'manage', participant: 'edit', viewer: 'view only' },
  removeFromList: 'Remove from list',
  closeMessages: {
    4403: 'You may not change this board.',
    4404: 'This board does not exist. Check the link.',
    4405: 'This board cannot be opened from this website.',
    4413: 'This change is too large to send.',
    4414: 'This board has grown too large. Start a new board or tidy up.',
    4429: 'Too many people are on this board at once.',
    4430: 'Too many changes at once. Reload the page.',
    4431: 'Your connection is too slow. Reload the page.',
  },
  closedFallback: 'The server closed the connection. Reload the page.',
}

export type Language = 'nl' | 'en'
const LANGUAGE_KEY = 'samenbord:language'

export function currentLanguage(): Language {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'nl'
}

export function setLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language)
}

export function texts() {
  return currentLanguage() === 'en' ? en : nl
}
