import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { ASSET_ID_BYTES, assetPath } from '../../protocol/assets'
import { toBase64Url } from '../../protocol/boardId'
import { tokenHeader } from '../../protocol/roles'
import { SQLITE_FILE_NAME } from '../../server/store/createStore'
import { useTeardown } from '../support/lifecycle'
import { createBoard, tempDataDir, whenSynced } from '../../bench/lib/harness/server'

const run = promisify(execFile)
const WRITERS = 3
const WRITE_INTERVAL_MS = 5
const TEST_TIMEOUT_MS = 45_000

const { serverProcess, client, defer } = useTeardown()

describe('backup and restore', () => {
  it('`npm run backup` copies the store while clients write; a server on the restored copy has the boards and their photos', async () => {
    const dataDir = tempDataDir()
    const server = await serverProcess(dataDir)
    const boards = [await createBoard(server.port), await createBoard(server.port)]
    // A photo on the first board: its blob and reference are in the backup too.
    const photo = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4096)])
    const photoId = toBase64Url(randomBytes(ASSET_ID_BYTES))
    const photoUrl = (port: number) => `http://127.0.0.1:${port}${assetPath(boards[0].boardId, photoId)}`
    const uploaded = await fetch(photoUrl(server.port), { method: 'PUT', body: new Uint8Array(photo), headers: tokenHeader(boards[0].tokens.participant) })
    expect(uploaded.status).toBe(201)
    const writers = Array.from({ length: WRITERS }, (_, i) => client(server.url, boards[i % boards.length]))
    const watchers = boards.map((board) => client(server.url, board))
    await Promise.all([...writers, ...watchers].map((c) => whenSynced(c.provider)))
    const written = writers.map(() => 0)
    const timers = writers.map((w, i) =>
      setInterval(() => w.doc.getArray<number>(`w${i}`).push([written[i]++]), WRITE_INTERVAL_MS),
    )
    defer(() => timers.forEach(clearInterval))
    const watcherOf = (i: number) => watchers[i % boards.length]
    await vi.waitFor(() => writers.forEach((_, i) => expect(watcherOf(i).doc.getArray(`w${i}`).length).toBeGreaterThan(50)), { timeout: 10_000 })

    // What a watcher has seen was stored before it was relayed: the backup must contain it.
    const relayedBeforeBackup = writers.map((_, i) => watcherOf(i).doc.getArray(`w${i}`).length)
    const backupFile = join(mkdtempSync(join(tmpdir(), 'samenbord-backup-')), 'copy.sqlite')
    const { stdout } = await run('npm', ['run', '--silent', 'backup', '--', backupFile], {
      env: { ...process.env, DATA_DIR: dataDir },
    })
    expect(stdout).toMatch(/boards: 2/)
    // The server kept relaying while the backup ran.
    const afterBackup = written.map((n) => n + 10)
    await vi.waitFor(() => writers.forEach((_, i) => expect(watcherOf(i).doc.getArray(`w${i}`).length).toBeGreaterThan(afterBackup[i])), { timeout: 10_000 })
    timers.forEach(clearInterval)
    const writtenInTotal = [...written]

    // Restore as the README says: the copy becomes DATA_DIR/samenbord.sqlite of a stopped server.
    const restoredDir = tempDataDir()
    copyFileSync(backupFile, join(restoredDir, SQLITE_FILE_NAME))
    expect(existsSync(join(restoredDir, `${SQLITE_FILE_NAME}-wal`))).toBe(false)
    const restored = await serverProcess(restoredDir)
    const served = await fetch(photoUrl(restored.port))
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true)
    for (const [i] of writers.entries()) {
      const reader = client(restored.url, boards[i % boards.length]) // the links work on the restored copy too
      await whenSynced(reader.provider)
      const items = reader.doc.getArray<number>(`w${i}`).toArray()
      expect(items.length).toBeGreaterThanOrEqual(relayedBeforeBackup[i])
      expect(items.length).toBeLessThanOrEqual(writtenInTotal[i])
      expect(items).toEqual([...Array(items.length).keys()])
    }
  }, TEST_TIMEOUT_MS)
})
