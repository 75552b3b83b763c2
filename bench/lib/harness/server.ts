import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { createSamenbordServer, type SamenbordServer } from '../../../server/app'
import { readConfig } from '../../../server/config'
import { TOKEN_PARAM, type CreatedBoard, type Role } from '../../../protocol/roles'

// Each provider adds a process 'exit' listener.
process.setMaxListeners(0)
process.env.SAMENBORD_QUIET ??= '1'

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'samenbord-test-'))
}

/** A real server in this process on a free port. */
export async function startServer(env: Record<string, string> = {}) {
  const dataDir = env.DATA_DIR ?? tempDataDir()
  const server: SamenbordServer = createSamenbordServer(
    readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env }),
  )
  const port = await server.listen()
  return { server, port, dataDir, url: `ws://127.0.0.1:${port}/sync` }
}

/**
 * A real server as a child process (so that it can be killed with SIGKILL). `entry`: the script
 * to run (the benchmark also starts a variant of the server).
 */
export async function startServerProcess(dataDir: string, env: Record<string, string> = {}, entry = 'server/main.ts') {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SAMENBORD_QUIET: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const port = await new Promise<number>((resolve, reject) => {
    let found = false
    child.stdout!.on('data', (chunk: Buffer) => {
      // Keep draining the pipe so the child never blocks on a full buffer; keep only its start.
      if (out.length < MAX_KEPT_OUTPUT_CHARS) out += chunk.toString()
      if (found) return
      const match = out.match(/"url":"http:\/\/localhost:(\d+)"/)
      if (match) {
        found = true
        resolve(Number(match[1]))
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)))
  })
  return { child, port, url: `ws://127.0.0.1:${port}/sync`, output: () => out }
}

/** How much of a server process's output is kept for `output()` (its start: the log lines at start-up). */
const MAX_KEPT_OUTPUT_CHARS = 64 * 1024

/**
 * A board made as the app makes one (`POST /api/boards`): only such boards exist. `port` is the
 * server's; the tokens are its three links' (facilitator, participant, viewer).
 */
export async function createBoard(port: number): Promise<CreatedBoard> {
  const res = await fetch(`http://127.0.0.1:${port}/api/boards`, { method: 'POST' })
  if (res.status !== 201) throw new Error(`creating a board failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as CreatedBoard
}

/** The websocket URL of a room with a token, for raw sockets (`room` defaults to the board itself). */
export function roomUrl(url: string, board: CreatedBoard, role: Role = 'participant', room: string = board.boardId): string {
  return `${url}/${room}?${TOKEN_PARAM}=${board.tokens[role]}`
}

/**
 * A stock y-websocket client, as a browser would use it (no BroadcastChannel shortcut). `room`
 * is a created board (joined with the role's token) or a bare room name (no token). `name`: another
 * room of that board (its facilitation or a private room), joined with the same token.
 */
export function connectClient(
  url: string,
  room: string | CreatedBoard,
  doc = new Y.Doc(),
  role: Role = 'participant',
  name = typeof room === 'string' ? room : room.boardId,
) {
  const params: Record<string, string> = typeof room === 'string' ? {} : { [TOKEN_PARAM]: room.tokens[role] }
  const provider = new WebsocketProvider(url, name, doc, {
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
    params,
  })
  return { doc, provider }
}

export function whenSynced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve()
  return new Promise((resolve) => {
    const onSync = (synced: boolean) => {
      if (!synced) return
      provider.off('sync', onSync)
      resolve()
    }
    provider.on('sync', onSync)
  })
}

/**
 * A raw websocket, for sending what a well-behaved client never would. `opened`: the upgrade is
 * done (the token is not checked yet); `admitted`: the server sent its first message (its sync
 * step 1), so the token was accepted, the connection holds its place and the room is loaded.
 */
export function rawSocket(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve())
    ws.on('error', reject)
  })
  const admitted = new Promise<void>((resolve) => ws.once('message', () => resolve()))
  return { ws, opened, admitted, closed }
}
