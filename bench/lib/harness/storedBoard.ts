import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import * as Y from 'yjs'
import { SQLITE_FILE_NAME } from '../../../server/store/createStore'
import { SqliteBoardStore } from '../../../server/store/sqliteStore'

/** A board as it is on disk in `dataDir` (read with the server's own store; the server must be stopped). */
export async function readStoredBoard(dataDir: string, boardId: string): Promise<Y.Doc> {
  const store = new SqliteBoardStore(join(dataDir, SQLITE_FILE_NAME))
  try {
    const doc = new Y.Doc()
    for (const update of await store.load(boardId)) Y.applyUpdate(doc, update)
    return doc
  } finally {
    await store.close()
  }
}

/** Resolves with the exit code and signal of a child process once it has exited. */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
}
