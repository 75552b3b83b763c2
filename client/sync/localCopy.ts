import { forgetBoard } from '../home/myBoards'
import { UNSAVED_KEY_PREFIX } from './unsavedEdits'

/**
 * Everything a device keeps of a board, by name, in one place: what the page writes, and what
 * `dropLocalCopy` removes once the board was deleted ("Dit bord is verwijderd").
 */

/** IndexedDB database name prefix; one database per board: `samenbord-<id>`. */
export const LOCAL_DB_PREFIX = 'samenbord-'
/** Suffix of the database with the facilitator's copy of the facilitation room: `samenbord-<id>-leiding`. */
export const FACILITATION_DB_SUFFIX = '-leiding'
/** Suffix of the database with this device's private notes: `samenbord-<id>-prive`. */
export const PRIVATE_DB_SUFFIX = '-prive'
/** Suffix of the database with this device's photos not yet uploaded: `samenbord-<id>-fotos`. */
export const UPLOADS_DB_SUFFIX = '-fotos'
/** localStorage: the key of this device's private room of a board (`samenbord:writer:<id>`). */
export const WRITER_KEY_PREFIX = 'samenbord:writer:'
/** localStorage: the last role the server gave a link (`samenbord:role:<id>:<token>`), for opening offline. */
export const ROLE_CACHE_PREFIX = 'samenbord:role:'

/** The IndexedDB databases a device may hold of a board. */
export function localDatabaseNames(boardId: string): string[] {
  const name = LOCAL_DB_PREFIX + boardId
  return [name, name + FACILITATION_DB_SUFFIX, name + PRIVATE_DB_SUFFIX, name + UPLOADS_DB_SUFFIX]
}

/** Whether a localStorage key holds something of the board. */
function isKeyOfBoard(key: string, boardId: string): boolean {
  return (
    key === UNSAVED_KEY_PREFIX + boardId ||
    key === UNSAVED_KEY_PREFIX + boardId + FACILITATION_DB_SUFFIX ||
    key === WRITER_KEY_PREFIX + boardId ||
    key.startsWith(`${ROLE_CACHE_PREFIX}${boardId}:`)
  )
}

type Databases = Pick<IDBFactory, 'deleteDatabase'>
type KeyValueStorage = Pick<Storage, 'length' | 'key' | 'removeItem'>

/**
 * Removes everything this device holds of a deleted board: its IndexedDB databases (the board,
 * the facilitator's facilitation room, the private notes), the last-moment copies, the cached
 * role, the writer key, and its entry in "Mijn borden". Call it after the board's session is
 * closed: a database still open is deleted as soon as it closes. Resolves when all is gone.
 */
export async function dropLocalCopy(
  boardId: string,
  { databases = indexedDB, storage = localStorage }: { databases?: Databases; storage?: KeyValueStorage } = {},
): Promise<void> {
  // localStorage first: it is synchronous, so it is done even if the page goes away right now.
  const keys: string[] = []
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i)
    if (key !== null && isKeyOfBoard(key, boardId)) keys.push(key)
  }
  for (const key of keys) storage.removeItem(key)
  forgetBoard(boardId)
  await Promise.all(localDatabaseNames(boardId).map((name) => deleteDatabase(databases, name)))
}

function deleteDatabase(databases: Databases, name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = databases.deleteDatabase(name)
    // `blocked`: a connection is still open; the deletion goes on once it closes.
    request.onsuccess = () => resolve()
    request.onerror = () => resolve()
  })
}
