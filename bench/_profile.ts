import { spawn } from 'node:child_process'
import { ClientPool } from './clientPool'
import { measure } from './relayLatency'
import { BENCH_SERVER_ENV, stopChild } from './peers'
import { tempDataDir } from '../tests/support/server'
const anchor = process.env.ANCHOR === '1'
const child = anchor
  ? spawn(process.execPath, ['--inspect=127.0.0.1:19229', 'node_modules/@y/websocket-server/src/server.js'], {
      env: { ...process.env, PORT: '18321', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'inherit'] })
  : spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx', 'server/main.ts'], {
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDataDir(), SAMENBORD_QUIET: '0', ...BENCH_SERVER_ENV },
  stdio: ['ignore', 'pipe', 'inherit'],
})
const port = await new Promise<number>((resolve) => {
  let out = ''
  child.stdout!.on('data', (c: Buffer) => { out += c; if (anchor && /running/.test(out)) resolve(18321); const m = out.match(/"url":"http:\/\/localhost:(\d+)"/); if (m) resolve(Number(m[1])) })
})
const peer = { name: 'x', urls: [anchor ? `ws://127.0.0.1:${port}` : `ws://127.0.0.1:${port}/sync`], pids: [child.pid!], stop: async () => {} }
import { WebSocket as WS } from 'ws'
import { writeFileSync } from 'node:fs'
let prof: WS | null = null
let nextId = 0
const pending = new Map<number, (r: unknown) => void>()
const cdp = (method: string) => new Promise<any>((res) => { const id = ++nextId; pending.set(id, res); prof!.send(JSON.stringify({ id, method })) })
if (anchor) {
  const targets = (await (await fetch('http://127.0.0.1:19229/json/list')).json()) as any[]
  prof = new WS(targets[0].webSocketDebuggerUrl)
  await new Promise((r) => prof!.once('open', r))
  prof.on('message', (d) => { const m = JSON.parse(d.toString()); pending.get(m.id)?.(m.result) })
  await cdp('Profiler.enable'); await cdp('Profiler.start')
}
const pool = new ClientPool(2)
for (let i = 0; i < 3; i++) {
  const s = await measure(pool, peer, { rooms: 50, clientsPerRoom: 10, intervalMs: 20 }, 100)
  console.log(s.latencies.sort((a, b) => a - b)[Math.floor(s.latencies.length * 0.99)])
}
if (anchor) { const r = await cdp('Profiler.stop'); writeFileSync('/tmp/prof/anchor.cpuprofile', JSON.stringify(r.profile)) }
await pool.exit()
await stopChild(child)
process.exit(0)
