import Database from 'better-sqlite3'
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SQLITE_FILE_NAME } from '../server/store/createStore'
import { ConfigError, readConfig } from '../server/config'

/**
 * `npm run backup -- <destination file>`: a consistent copy of the SQLite store while the server
 * keeps running, with SQLite's online backup API on a read-only connection. DATA_DIR (and the
 * rest of the server's environment) is read as the server reads it. Restore: see README.
 */

/** Pages per backup step: all of them, so the copy is one snapshot and never restarts mid-way. */
const ALL_PAGES_AT_ONCE = 0x7fffffff

function fail(message: string): never {
  console.error(`backup: ${message}`)
  process.exit(1)
}

const destinationArg = process.argv[2]
if (!destinationArg) fail('usage: npm run backup -- <destination file>')
const destination = resolve(destinationArg)
let config
try {
  config = readConfig()
} catch (error) {
  if (error instanceof ConfigError) fail(error.message)
  throw error
}
if (config.redisUrl) fail('REDIS_URL is set: boards are kept in Redis; back up Redis instead')
const source = join(config.dataDir, SQLITE_FILE_NAME)
if (!existsSync(source)) fail(`no store at ${source} (is DATA_DIR right?)`)
if (existsSync(destination)) fail(`${destination} exists already; choose a new file name`)

// Written under a temporary name first: an interrupted backup never looks like a finished one.
const partial = `${destination}.partial`
rmSync(partial, { force: true })
const db = new Database(source, { readonly: true, fileMustExist: true })
try {
  await db.backup(partial, { progress: () => ALL_PAGES_AT_ONCE })
} catch (error) {
  rmSync(partial, { force: true })
  fail(`could not copy ${source}: ${String(error)}`)
} finally {
  db.close()
}

// The copy becomes one self-contained file (no -wal beside it) and is checked before it counts.
const copy = new Database(partial)
let boards = 0
try {
  copy.pragma('journal_mode = DELETE')
  const check = copy.pragma('integrity_check', { simple: true })
  if (check !== 'ok') fail(`the copy failed its integrity check: ${String(check)}`)
  // A board's other rooms (facilitation, private notes) are stored as `<boardId>.<room>`.
  boards = (copy.prepare("SELECT COUNT(DISTINCT board_id) AS n FROM board_updates WHERE instr(board_id, '.') = 0").get() as { n: number }).n
} finally {
  copy.close()
}
renameSync(partial, destination)
console.log(`backup: ${source} → ${destination} (boards: ${boards}, bytes: ${statSync(destination).size})`)
