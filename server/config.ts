import { resolve } from 'node:path'
import { DEFAULT_MAX_ASSET_BYTES, DEFAULT_MAX_BOARD_ASSET_BYTES } from '../protocol/assets'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../protocol/limits'
import { defaultLoadedBoardsBudget } from './relay/memoryBudget'

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
  /** Largest file (photo, video) one upload may bring, in bytes (protocol/assets.ts). */
  maxAssetBytes: number
  /** Largest total of one board's pictures and videos, in bytes. */
  maxBoardAssetBytes: number
  /** Bytes of files one client address may upload per hour (a whole school may share one address). */
  maxUploadBytesPerIpPerHour: number
  /** Largest stored size of one board, in bytes. */
  maxBoardBytes: number
  /** Largest estimated memory of one loaded board, in bytes (see protocol/inspectUpdate.ts). */
  maxBoardMemoryBytes: number
  /** Estimated memory all loaded boards may take together, in bytes. */
  maxLoadedMemoryBytes: number
  /** Participants' private rooms ("Stil schrijven") one board may have. */
  maxPrivateRoomsPerBoard: number
  /** Origins allowed to open a websocket besides the server's own; empty = same origin only. */
  allowedOrigins: string[]
  /** Write the merged state once a board's update log has this many entries. */
  compactAfterUpdates: number
  maxConnectionsPerBoard: number
  /** A whole school may sit behind one address (NAT), so this is generous. */
  maxConnectionsPerIp: number
  /** Sustained messages per second per connection (bursts of twice this are allowed). */
  maxMessagesPerSecond: number
  /** Sustained bytes per second per connection (bursts of one maximum message are allowed). */
  maxBytesPerSecond: number
  /** A client that stops reading is dropped once this much waits to be sent to it. */
  slowConsumerMaxBytes: number
  /** New boards one client address may create per hour. */
  maxCreationsPerIpPerHour: number
  /** Copies and snapshots of one board per hour. */
  maxSnapshotsPerBoardPerHour: number
  /** The server deletes a board nobody opened for this many days (server/retention.ts). */
  boardRetentionDays: number
  /**
   * Reverse proxies in front of the server whose X-Forwarded-For is believed (0: none): per-address
   * limits then count the participant's address, not the proxy's.
   */
  trustProxyHops: number
  /** `redis://…`: share boards between several server instances through Redis. */
  redisUrl: string | null
  /**
   * The address people use (`https://bord.school.nl`), behind a proxy or a port mapping: links,
   * the QR code and origin checks follow it. Null: the address the page was opened on.
   */
  publicUrl: URL | null
  /** The tldraw licence key, read at start and handed to the page (no rebuild needed). */
  tldrawLicenseKey: string | null
}

export const DEFAULT_PORT = 1234
export { DEFAULT_MAX_ASSET_BYTES, DEFAULT_MAX_BOARD_ASSET_BYTES, DEFAULT_MAX_MESSAGE_BYTES }
export const DEFAULT_MAX_BOARD_BYTES = 50 * 1024 * 1024 // 50 MiB: far beyond a real meeting
export const DEFAULT_MAX_BOARD_MEMORY_BYTES = 64 * 1024 * 1024 // 64 MiB estimated: ~9× a 2,000-shape board with its history
export const DEFAULT_MAX_PRIVATE_ROOMS_PER_BOARD = 200
export const DEFAULT_MAX_SNAPSHOTS_PER_BOARD_PER_HOUR = 60
export const DEFAULT_COMPACT_AFTER_UPDATES = 500
export const DEFAULT_MAX_CONNECTIONS_PER_BOARD = 200
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 500
export const DEFAULT_MAX_MESSAGES_PER_SECOND = 300 // a drag at 60 fps plus presence is ~90
export const DEFAULT_MAX_BYTES_PER_SECOND = 4 * 1024 * 1024 // 4 MiB/s
export const DEFAULT_SLOW_CONSUMER_MAX_BYTES = 16 * 1024 * 1024 // 16 MiB
export const DEFAULT_MAX_CREATIONS_PER_IP_PER_HOUR = 300 // a school preparing meetings makes a few dozen
export const DEFAULT_MAX_UPLOAD_BYTES_PER_IP_PER_HOUR = 2 * 1024 * 1024 * 1024 // 2 GiB: a school's worth of photos, ~100 of the largest videos
export const DEFAULT_BOARD_RETENTION_DAYS = 365 // a school year and then some

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
    maxAssetBytes: intFrom(env, 'MAX_ASSET_BYTES', DEFAULT_MAX_ASSET_BYTES, 1024),
    maxBoardAssetBytes: intFrom(env, 'MAX_BOARD_ASSET_BYTES', DEFAULT_MAX_BOARD_ASSET_BYTES, 1024),
    maxUploadBytesPerIpPerHour: intFrom(env, 'MAX_UPLOAD_BYTES_PER_IP_PER_HOUR', DEFAULT_MAX_UPLOAD_BYTES_PER_IP_PER_HOUR, 1024),
    maxBoardBytes: intFrom(env, 'MAX_BOARD_BYTES', DEFAULT_MAX_BOARD_BYTES, 1024),
    maxBoardMemoryBytes: intFrom(env, 'MAX_BOARD_MEMORY_BYTES', DEFAULT_MAX_BOARD_MEMORY_BYTES, 64 * 1024),
    maxLoadedMemoryBytes: intFrom(env, 'MAX_LOADED_MEMORY_BYTES', defaultLoadedBoardsBudget(), 64 * 1024),
    maxPrivateRoomsPerBoard: intFrom(env, 'MAX_PRIVATE_ROOMS_PER_BOARD', DEFAULT_MAX_PRIVATE_ROOMS_PER_BOARD, 1),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    compactAfterUpdates: intFrom(env, 'COMPACT_AFTER_UPDATES', DEFAULT_COMPACT_AFTER_UPDATES, 2),
    maxConnectionsPerBoard: intFrom(env, 'MAX_CONNECTIONS_PER_BOARD', DEFAULT_MAX_CONNECTIONS_PER_BOARD, 1),
    maxConnectionsPerIp: intFrom(env, 'MAX_CONNECTIONS_PER_IP', DEFAULT_MAX_CONNECTIONS_PER_IP, 1),
    maxMessagesPerSecond: intFrom(env, 'MAX_MESSAGES_PER_SECOND', DEFAULT_MAX_MESSAGES_PER_SECOND, 1),
    maxBytesPerSecond: intFrom(env, 'MAX_BYTES_PER_SECOND', DEFAULT_MAX_BYTES_PER_SECOND, 1024),
    slowConsumerMaxBytes: intFrom(env, 'SLOW_CONSUMER_MAX_BYTES', DEFAULT_SLOW_CONSUMER_MAX_BYTES, 1024),
    maxCreationsPerIpPerHour: intFrom(env, 'MAX_CREATIONS_PER_IP_PER_HOUR', DEFAULT_MAX_CREATIONS_PER_IP_PER_HOUR, 1),
    maxSnapshotsPerBoardPerHour: intFrom(env, 'MAX_SNAPSHOTS_PER_BOARD_PER_HOUR', DEFAULT_MAX_SNAPSHOTS_PER_BOARD_PER_HOUR, 1),
    boardRetentionDays: intFrom(env, 'BOARD_RETENTION_DAYS', DEFAULT_BOARD_RETENTION_DAYS, 1),
    trustProxyHops: readTrustProxy(env.TRUST_PROXY),
    redisUrl: readRedisUrl(env.REDIS_URL),
    publicUrl: readPublicUrl(env.PUBLIC_URL),
    tldrawLicenseKey: env.TLDRAW_LICENSE_KEY?.trim() || null,
  }
}

function readPublicUrl(raw: string | undefined): URL | null {
  if (!raw) return null
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`PUBLIC_URL must be a full address such as https://bord.school.nl, got "${raw}"`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`PUBLIC_URL must start with https:// or http://, got "${raw}"`)
  if (url.pathname !== '/' || url.search || url.hash) throw new ConfigError(`PUBLIC_URL must be the site itself, without a path, got "${raw}"`)
  return url
}

/** `TRUST_PROXY`: off (default), on (one proxy), or the number of proxies in a row. */
function readTrustProxy(raw: string | undefined): number {
  if (!raw || /^(0|false|no|off)$/i.test(raw)) return 0
  if (/^(1|true|yes|on)$/i.test(raw)) return 1
  const hops = Number(raw)
  if (!Number.isInteger(hops) || hops < 0 || hops > 10) throw new ConfigError(`TRUST_PROXY must be on, off or a number of proxies (0–10), got "${raw}"`)
  return hops
}

function readRedisUrl(raw: string | undefined): string | null {
  if (!raw) return null
  if (!/^rediss?:\/\//.test(raw)) throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${raw}"`)
  return raw
}
