import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

export const REDIS_SERVER_PATH = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** A real redis-server on a free loopback port, without persistence (tests only). */
export async function startRedis() {
  if (!existsSync(REDIS_SERVER_PATH)) {
    throw new Error(
      `redis-server not found at ${REDIS_SERVER_PATH}. Install it (Debian: apt-get install -y redis-server) ` +
        'or set REDIS_SERVER_PATH. The scale-out tests cannot run without it.',
    )
  }
  const port = await freePort()
  const child = spawn(REDIS_SERVER_PATH, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)))
  })
  return { child, port, url: `redis://127.0.0.1:${port}` }
}
