import Database from 'better-sqlite3'
import { existsSync, readFileSync } from 'node:fs'
import { Redis } from 'ioredis'

/** Bytes as text (latin1: one character per byte), so that a search finds any stored string. */
const asText = (_: string, v: unknown) =>
  v instanceof Uint8Array ? Buffer.from(v).toString('latin1')
  : (v as { type?: string })?.type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('latin1')
  : v

/**
 * Everything an SQLite store holds, as text: every row of every table, and the bytes of the
 * database file and its WAL (a deleted row must not linger in a free page or an old WAL frame).
 */
export function sqliteContents(file: string): string {
  const db = new Database(file, { readonly: true })
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all()
  const rows = tables.map(({ name }) => `${name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).raw().all(), asText)}`)
  db.close()
  const files = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1'))
  return [...rows, ...files].join('\n')
}

/** Everything a Redis holds, as text: every key with its value, whatever its type. */
export async function redisContents(url: string): Promise<string> {
  const r = new Redis(url)
  try {
    const parts: string[] = []
    for (const key of await r.keys('*')) {
      const type = await r.type(key)
      const value =
        type === 'string' ? await r.getBuffer(key)
        : type === 'hash' ? await r.hgetallBuffer(key)
        : type === 'stream' ? await r.xrangeBuffer(key, '-', '+')
        : type === 'zset' ? await r.call('ZRANGE', key, '0', '-1', 'WITHSCORES')
        : type === 'set' ? await r.smembers(key)
        : type
      parts.push(`${key}: ${JSON.stringify(value, asText)}`)
    }
    return parts.join('\n')
  } finally {
    r.disconnect()
  }
}

/** The keys of a Redis whose name holds `text` (SCAN MATCH *text*). */
export async function redisKeysWith(url: string, text: string): Promise<string[]> {
  const r = new Redis(url)
  try {
    const keys: string[] = []
    for await (const batch of r.scanStream({ match: `*${text}*`, count: 500 }) as AsyncIterable<string[]>) keys.push(...batch)
    return keys
  } finally {
    r.disconnect()
  }
}
