import { resolve } from 'node:path'

/** Everything the server reads from its environment, validated in one place. */
export interface ServerConfig {
  /** TCP port; 0 picks a free one (tests). */
  port: number
  host: string
  /** Folder for the SQLite store. */
  dataDir: string
  /** Folder with the built client; the server serves it when it exists. */
  staticDir: string
  sqliteSynchronous: 'NORMAL' | 'FULL'
  /** Largest websocket message accepted, in bytes. */
  maxMessageBytes: number
  /** Largest stored size of one board, in bytes. */
  maxBoardBytes: number
  /** Origins allowed to open a websocket besides the server's own; empty = same origin only. */
  allowedOrigins: string[]
  /** Write the merged state once a board's update log has this many entries. */
  compactAfterUpdates: number
}

export const DEFAULT_PORT = 1234
export const DEFAULT_MAX_MESSAGE_BYTES = 2 * 1024 * 1024 // 2 MiB: a large paste of shapes
export const DEFAULT_MAX_BOARD_BYTES = 50 * 1024 * 1024 // 50 MiB: far beyond a real meeting
export const DEFAULT_COMPACT_AFTER_UPDATES = 500

export class ConfigError extends Error {}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number ≥ ${min}, got "${raw}"`)
  }
  return value
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const sync = (env.SQLITE_SYNCHRONOUS ?? 'NORMAL').toUpperCase()
  if (sync !== 'NORMAL' && sync !== 'FULL') {
    throw new ConfigError(`SQLITE_SYNCHRONOUS must be NORMAL or FULL, got "${env.SQLITE_SYNCHRONOUS}"`)
  }
  const port = intFrom(env, 'PORT', DEFAULT_PORT)
  if (port > 65535) throw new ConfigError(`PORT must be ≤ 65535, got ${port}`)
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || './data'),
    staticDir: resolve(env.STATIC_DIR || './dist'),
    sqliteSynchronous: sync,
    maxMessageBytes: intFrom(env, 'MAX_MESSAGE_BYTES', DEFAULT_MAX_MESSAGE_BYTES, 1024),
    maxBoardBytes: intFrom(env, 'MAX_BOARD_BYTES', DEFAULT_MAX_BOARD_BYTES, 1024),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    compactAfterUpdates: intFrom(env, 'COMPACT_AFTER_UPDATES', DEFAULT_COMPACT_AFTER_UPDATES, 2),
  }
}
