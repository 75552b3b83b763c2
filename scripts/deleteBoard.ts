import { isValidBoardId } from '../protocol/boardId'
import { boardIdFromPagePath } from '../protocol/paths'
import { ConfigError, readConfig } from '../server/config'
import { createStore } from '../server/store/createStore'

/**
 * `npm run delete-board -- <board id or any link of the board>`: deletes a board as "Bord
 * verwijderen" does, for IT without the facilitator's link (a request under the AVG, a board
 * found somewhere it should not be). Reads DATA_DIR / REDIS_URL as the server does and works on
 * the store directly: every room, snapshot and link of the board goes, and the id is refused
 * from then on. With Redis the running instances are told and close the board at once. With
 * SQLite a running server is not told: run it while nobody has the board open, or stop the
 * server first (a page that has it open would otherwise write its rooms back until it closes;
 * running the script again after that removes those too). See docs/privacy.md.
 */

function fail(message: string): never {
  console.error(`delete-board: ${message}`)
  process.exit(1)
}

const arg = process.argv[2]
if (!arg) fail('usage: npm run delete-board -- <board id, or a link such as https://bord.school.nl/b/<id>#t=…>')
let boardId = arg
if (!isValidBoardId(arg)) {
  let fromLink: string | null = null
  try {
    fromLink = boardIdFromPagePath(new URL(arg).pathname)
  } catch {
    // not a link either
  }
  if (!fromLink) fail(`"${arg}" is neither a board id nor a link to a board`)
  boardId = fromLink
}

let config
try {
  config = readConfig()
} catch (error) {
  if (error instanceof ConfigError) fail(error.message)
  throw error
}
const store = createStore(config)
try {
  const before = await store.loadAccess(boardId)
  if (before === null) fail(`no board ${boardId} in ${config.redisUrl ? 'Redis' : config.dataDir}`)
  await store.deleteBoard(boardId)
  console.log(
    before === 'deleted'
      ? `delete-board: ${boardId} was deleted already; anything written to it since is gone too`
      : `delete-board: ${boardId} is deleted (every room, snapshot and link); its id is refused from now on`,
  )
} finally {
  await store.close()
}
