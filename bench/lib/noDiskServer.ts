/**
 * Our server with the in-memory store (server/store/memoryStore.ts), started by the relay benchmark as
 * its "no disk" peer: the same process, transport and relay as `server/main.ts`, minus SQLite.
 */
import { createSamenbordServer } from '../../server/app'
import { readConfig } from '../../server/config'
import { log } from '../../server/log'
import { MemoryBoardStore } from '../../server/store/memoryStore'

const server = createSamenbordServer(readConfig(), new MemoryBoardStore())
const port = await server.listen()
log('Samenbord is running', { url: `http://localhost:${port}`, store: 'memory (benchmark only)' })
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
