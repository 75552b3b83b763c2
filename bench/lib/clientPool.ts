import { fork, type ChildProcess } from 'node:child_process'
import type { BenchBoard } from './benchBoard'
import type { ClientSpec, Command } from './loadClients'

/** Longest the coordinator waits for a worker's answer (the worker has its own, shorter limit). */
const REPLY_TIMEOUT_MS = 180_000

/**
 * Stock y-websocket clients spread over `workers` child processes (bench/lib/loadClients.ts),
 * client i on worker i mod workers. Every command goes to every worker; the answers are
 * returned in worker order.
 */
export class ClientPool {
  private readonly children: ChildProcess[]
  private nextId = 0

  constructor(workers: number) {
    this.children = Array.from({ length: workers }, () =>
      fork('bench/lib/loadClients.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    )
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid!)
  }

  /** Connects the clients (spread over the workers) and resolves once every one has synced. */
  async connect(specs: ClientSpec[]): Promise<void> {
    const perWorker = this.children.map(() => [] as ClientSpec[])
    specs.forEach((spec, i) => perWorker[i % perWorker.length].push(spec))
    await Promise.all(this.children.map((child, w) => this.ask(child, { cmd: 'connect', clients: perWorker[w] })))
  }

  /** Sends one command to every worker at once. */
  all<T>(command: Command): Promise<T[]> {
    return Promise.all(this.children.map((child) => this.ask<T>(child, command)))
  }

  /** Closes every client; resolves with each worker's count of unexpected closes by code (JSON). */
  async close(): Promise<string[]> {
    return (await this.all<{ closes: string }>({ cmd: 'close' })).map((r) => r.closes)
  }

  async exit(): Promise<void> {
    await this.all({ cmd: 'exit' }).catch(() => undefined)
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGTERM')
  }

  private ask<T>(child: ChildProcess, command: Command): Promise<T> {
    const id = ++this.nextId
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`worker did not answer ${command.cmd} in time`)), REPLY_TIMEOUT_MS)
      const onMessage = (message: { id: number; result?: T; error?: string }) => {
        if (message.id !== id) return
        if (message.error) finish(new Error(`worker: ${message.error}`))
        else finish(null, message.result as T)
      }
      const onExit = (code: number | null) => finish(new Error(`worker exited (${code}) during ${command.cmd}`))
      const finish = (error: Error | null, result?: T) => {
        clearTimeout(timer)
        child.off('message', onMessage)
        child.off('exit', onExit)
        if (error) reject(error)
        else resolve(result as T)
      }
      child.on('message', onMessage)
      child.once('exit', onExit)
      child.send({ id, command })
    })
  }
}

/** Specs for `rooms` rooms of `clientsPerRoom` clients; client k of a room uses urls[k mod urls]. */
export function roomSpecs(
  rooms: BenchBoard[],
  clientsPerRoom: number,
  urls: string[],
  presence = true,
): ClientSpec[] {
  return rooms.flatMap((room) =>
    Array.from({ length: clientsPerRoom }, (_, k) => ({
      url: urls[k % urls.length],
      room: room.boardId,
      token: room.token,
      indexInRoom: k,
      roomSize: clientsPerRoom,
      presence,
    })),
  )
}
