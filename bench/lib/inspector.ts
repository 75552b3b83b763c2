import { WebSocket } from 'ws'

/** Longest one DevTools-protocol call (e.g. a full garbage collection) may take. */
const CALL_TIMEOUT_MS = 30_000

/** NODE_OPTIONS for a child process the memory benchmark may inspect (loopback only). */
export function inspectorNodeOptions(port: number): string {
  return `--inspect=127.0.0.1:${port}`
}

/** One call of the DevTools protocol on a Node process started with `inspectorNodeOptions`. */
async function call<T>(port: number, method: string): Promise<T> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl)
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), CALL_TIMEOUT_MS)
      ws.once('error', reject)
      ws.once('open', () => ws.send(JSON.stringify({ id: 1, method })))
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: T }
        if (message.id !== 1) return
        clearTimeout(timer)
        resolve(message.result as T)
      })
    })
  } finally {
    ws.close()
  }
}

/** A full garbage collection, so that memory figures show what is really held. */
export async function collectGarbage(port: number): Promise<void> {
  await call(port, 'HeapProfiler.collectGarbage')
}

/** Bytes in use on the V8 heap (JS objects; not buffers, sockets or SQLite's cache). */
export async function jsHeapUsed(port: number): Promise<number> {
  return (await call<{ usedSize: number }>(port, 'Runtime.getHeapUsage')).usedSize
}
