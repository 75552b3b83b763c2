import { join } from 'node:path'
import type { ServerConfig } from '../config'
import { log } from '../log'
import type { BoardStore } from './boardStore'
import { RedisBoardStore } from './redisStore'
import { SqliteBoardStore } from './sqliteStore'

export const SQLITE_FILE_NAME = 'samenbord.sqlite'

/** The store the configuration asks for: Redis when REDIS_URL is set, else the embedded SQLite file. */
export function createStore(config: Pick<ServerConfig, 'redisUrl' | 'dataDir' | 'sqliteSynchronous'>): BoardStore {
  if (config.redisUrl) return new RedisBoardStore(config.redisUrl, log)
  return new SqliteBoardStore(join(config.dataDir, SQLITE_FILE_NAME), config.sqliteSynchronous)
}
