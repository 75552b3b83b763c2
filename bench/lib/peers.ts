import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { newBoardId } from '../../protocol/boardId'
import { SQLITE_FILE_NAME } from '../../server/store/createStore'
import { freePort, REDIS_SERVER_PATH } from './harness/redis'
import { createBoard, startServerProcess, tempDataDir } from './harness/server'
import type { BenchBoard } from './benchBoard'
import { inspectorNodeOptions } from './inspector'

/**
 * The servers the benchmarks compare, each started as child processes on loopback:
 * our server in SQLite mode, our server in Redis mode (two instances + redis-server), our server
 * without a disk (relay benchmark only, to separate the store's cost), and the anchor,
 * `@y/websocket-server` 0.1.1 (in-memory, persists nothing).
 */
export interface Peer {
  name: string
  /** Base URLs for `new WebsocketProvider(url, room, doc)`, one per server instance. */
  urls: string[]
  /** Processes whose memory counts as the server's. */
  pids: number[]
  /** Folder of the SQLite store (our SQLite mode only). */
  dataDir?: string
  /** Inspector port, when started with `inspect` (lets the memory benchmark collect garbage). */
  inspectPort?: number
  /** A new board for clients to join: made through our API, a random room name on the anchor. */
  newBoard(): Promise<BenchBoard>
  stop(): Promise<void>
}

/** `count` new boards of a peer, one after another (made before anything is measured). */
export async function newBoards(peer: Peer, count: number): Promise<BenchBoard[]> {
  const boards: BenchBoard[] = []
  for (let i = 0; i < count; i++) boards.push(await peer.newBoard())
  return boards
}

/** A board made as the app makes one (`POST /api/boards` on `port`); clients join with its participant link. */
async function createdBoard(port: number): Promise<BenchBoard> {
  const { boardId, tokens } = await createBoard(port)
  return { boardId, token: tokens.participant }
}

/** How long a child process may take to start, or to stop before it is killed. */
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000
const ANCHOR_PACKAGE = 'node_modules/@y/websocket-server'
/**
 * Every benchmark client comes from 127.0.0.1 and the largest room has 300 (the idle test 1,000)
 * clients: above our defaults of 200 per board and 500 per address, which are product limits,
 * not what is measured. The same goes for new boards per address (every board of every round is
 * created from 127.0.0.1). The anchor has no such limits. Rate limits stay at their defaults.
 */
export const BENCH_SERVER_ENV = {
  MAX_CONNECTIONS_PER_BOARD: '2000',
  MAX_CONNECTIONS_PER_IP: '5000',
  MAX_CREATIONS_PER_IP_PER_HOUR: '1000000',
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
}

/** Spawns a process and resolves once a line of its output matches `ready`. */
function spawnUntil(command: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    let found = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} did not start in time: ${out}`))
    }, START_TIMEOUT_MS)
    const onData = (chunk: Buffer) => {
      if (found) return // keep draining so the child never blocks on a full pipe
      out += chunk.toString()
      if (ready.test(out)) {
        found = true
        clearTimeout(timer)
        resolve(child)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      if (!found) reject(new Error(`${command} exited with ${code}: ${out}`))
    })
  })
}

export async function healthz(port: number): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`)
  return (await response.json()) as Record<string, unknown>
}

/** Our server, SQLite mode (the default): every update is written to disk before it is relayed. */
export async function startOursSqlite(env: Record<string, string> = {}, inspect = false): Promise<Peer> {
  const dataDir = tempDataDir()
  const inspectPort = inspect ? await freePort() : undefined
  const nodeOptions: Record<string, string> = inspectPort ? { NODE_OPTIONS: inspectorNodeOptions(inspectPort) } : {}
  const server = await startServerProcess(dataDir, { ...BENCH_SERVER_ENV, ...nodeOptions, ...env })
  return {
    name: 'Samenbord (SQLite)',
    urls: [server.url],
    pids: [server.child.pid!],
    dataDir,
    inspectPort,
    newBoard: () => createdBoard(server.port),
    stop: async () => {
      await stopChild(server.child)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Our server with a store in memory (bench/lib/noDiskServer.ts): the A/B partner of `startOursSqlite`.
 * The difference between the two is what writing each update to disk before relaying it costs.
 */
export async function startOursNoDisk(): Promise<Peer> {
  const dataDir = tempDataDir() // unused by the store; the server still wants a folder
  const server = await startServerProcess(dataDir, BENCH_SERVER_ENV, 'bench/lib/noDiskServer.ts')
  return {
    name: 'Samenbord, no disk (bench only)',
    urls: [server.url],
    pids: [server.child.pid!],
    newBoard: () => createdBoard(server.port),
    stop: async () => {
      await stopChild(server.child)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** `@y/websocket-server` 0.1.1 through its own bin script; it uses the whole path as room name. */
export async function startAnchor(inspect = false): Promise<Peer> {
  const pkg = JSON.parse(readFileSync(join(ANCHOR_PACKAGE, 'package.json'), 'utf8')) as {
    version: string
    bin: Record<string, string>
  }
  const port = await freePort()
  const inspectPort = inspect ? await freePort() : undefined
  const bin = join(ANCHOR_PACKAGE, pkg.bin['y-websocket-server'])
  const env: Record<string, string> = { HOST: '127.0.0.1', PORT: String(port) }
  if (inspectPort) env.NODE_OPTIONS = inspectorNodeOptions(inspectPort)
  const child = await spawnUntil(process.execPath, [bin], env, /running at/)
  return {
    name: `@y/websocket-server ${pkg.version}`,
    urls: [`ws://127.0.0.1:${port}`],
    pids: [child.pid!],
    inspectPort,
    // It takes any room name and ignores the token parameter.
    newBoard: async () => ({ boardId: newBoardId() }),
    stop: () => stopChild(child),
  }
}

/**
 * Our server in Redis mode: a fresh redis-server and two instances with the same REDIS_URL.
 * Returns null (after stopping what it started) when the server does not report
 * `"store":"redis"` on /healthz, i.e. when this build has no Redis mode.
 */
export async function startOursRedis(): Promise<Peer | null> {
  const redisPort = await freePort()
  const redis = await spawnUntil(
    REDIS_SERVER_PATH,
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
    /Ready to accept connections/,
  )
  const env = { ...BENCH_SERVER_ENV, REDIS_URL: `redis://127.0.0.1:${redisPort}` }
  const instances: Array<Awaited<ReturnType<typeof startServerProcess>>> = []
  const dataDirs: string[] = []
  const stopAll = async () => {
    await Promise.all(instances.map((i) => stopChild(i.child)))
    await stopChild(redis)
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < 2; i++) {
      dataDirs.push(tempDataDir())
      instances.push(await startServerProcess(dataDirs[i], env))
    }
    const health = await Promise.all(instances.map((i) => healthz(i.port)))
    if (!health.every((h) => h.store === 'redis')) {
      await stopAll()
      return null
    }
  } catch (error) {
    await stopAll()
    console.log(`Redis mode: failed to start (${String(error).slice(0, 200)})`)
    return null
  }
  return {
    name: 'Samenbord (Redis, 2 instances)',
    urls: instances.map((i) => i.url),
    pids: [...instances.map((i) => i.child.pid!), redis.pid!],
    // Its access record is in Redis: the link works on both instances.
    newBoard: () => createdBoard(instances[0].port),
    stop: stopAll,
  }
}

/** Resident memory of a process in bytes (VmRSS from /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = status.match(/VmRSS:\s+(\d+)\s+kB/)
  if (!match) throw new Error(`no VmRSS for process ${pid}`)
  return Number(match[1]) * 1024
}

/** Where the SQLite store of our server lives inside its data folder. */
export function sqliteFileOf(dataDir: string): string {
  return join(dataDir, SQLITE_FILE_NAME)
}

export { freePort, REDIS_SERVER_PATH }
