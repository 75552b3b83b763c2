import { afterEach } from 'vitest'
import { closeClient } from '../../bench/lib/harness/clients'
import { connectClient, rawSocket, startServer, startServerProcess } from '../../bench/lib/harness/server'

/**
 * What a test starts is stopped after it, last started first. Call once at the top of a test
 * file: it registers the `afterEach` itself and returns starters whose results are torn down.
 * `defer` adds any other cleanup (a timer, a database handle).
 */
export function useTeardown() {
  const cleanups: Array<() => unknown> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  const defer = (...more: Array<() => unknown>) => void cleanups.push(...more)
  return {
    defer,
    /** A server in this process (`startServer`), closed after the test. */
    async server(env: Record<string, string> = {}) {
      const s = await startServer(env)
      defer(() => s.server.close())
      return s
    },
    /** A server child process (`startServerProcess`), killed after the test. */
    async serverProcess(...args: Parameters<typeof startServerProcess>) {
      const p = await startServerProcess(...args)
      defer(() => p.child.kill('SIGKILL'))
      return p
    },
    /** A stock y-websocket client (`connectClient`), closed after the test. */
    client(...args: Parameters<typeof connectClient>) {
      const c = connectClient(...args)
      defer(() => closeClient(c))
      return c
    },
    /** A raw websocket (`rawSocket`), cut after the test. */
    raw(...args: Parameters<typeof rawSocket>) {
      const s = rawSocket(...args)
      defer(() => s.ws.terminate())
      return s
    },
  }
}
