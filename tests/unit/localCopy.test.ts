import { afterEach, describe, expect, it } from 'vitest'
import { newBoardId } from '../../protocol/boardId'
import { listMyBoards, rememberBoard } from '../../client/home/myBoards'
import { dropLocalCopy, localDatabaseNames } from '../../client/sync/localCopy'

/** A Storage over a Map, as the browser's localStorage behaves for these calls. */
class MapStorage implements Storage {
  private readonly items = new Map<string, string>()
  get length() {
    return this.items.size
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null
  }
  getItem(key: string) {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value))
  }
  removeItem(key: string) {
    this.items.delete(key)
  }
  clear() {
    this.items.clear()
  }
  keys() {
    return [...this.items.keys()].sort()
  }
}

/** Records which databases were deleted; each deletion succeeds a moment later. */
function fakeDatabases() {
  const deleted: string[] = []
  return {
    deleted,
    deleteDatabase(name: string) {
      const request = {} as IDBOpenDBRequest
      setTimeout(() => {
        deleted.push(name)
        request.onsuccess?.({} as Event)
      }, 1)
      return request
    },
  }
}

const original = (globalThis as { localStorage?: Storage }).localStorage
afterEach(() => {
  ;(globalThis as { localStorage?: Storage }).localStorage = original
})

describe('dropLocalCopy: what a device keeps of a deleted board', () => {
  it('deletes the board\'s databases and its keys in localStorage, and nothing of other boards', async () => {
    const storage = new MapStorage()
    ;(globalThis as { localStorage?: Storage }).localStorage = storage
    const [board, other] = [newBoardId(), newBoardId()]
    for (const id of [board, other]) {
      storage.setItem(`samenbord-unsaved-${id}`, 'AAA')
      storage.setItem(`samenbord-unsaved-${id}-leiding`, 'AAA')
      storage.setItem(`samenbord:role:${id}:tokenA`, 'participant')
      storage.setItem(`samenbord:role:${id}:`, 'viewer')
      storage.setItem(`samenbord:writer:${id}`, 'writer-key')
      rememberBoard(id, { participant: 'tokenA' }, { title: `Bord ${id}` })
    }
    storage.setItem('samenbord:name', 'Anna')
    storage.setItem('samenbord:language', 'nl')
    const databases = fakeDatabases()

    await dropLocalCopy(board, { databases, storage })

    expect(databases.deleted.sort()).toEqual([`samenbord-${board}`, `samenbord-${board}-leiding`, `samenbord-${board}-prive`, `samenbord-${board}-fotos`].sort())
    expect(localDatabaseNames(board).sort()).toEqual(databases.deleted.sort())
    expect(storage.keys().filter((k) => k.includes(board))).toEqual([])
    expect(listMyBoards().map((b) => b.boardId)).toEqual([other])
    expect(storage.keys()).toEqual(
      [
        'samenbord:language',
        'samenbord:my-boards',
        'samenbord:name',
        `samenbord-unsaved-${other}`,
        `samenbord-unsaved-${other}-leiding`,
        `samenbord:role:${other}:tokenA`,
        `samenbord:role:${other}:`,
        `samenbord:writer:${other}`,
      ].sort(),
    )
  })
})
