import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { frameOf, frameSocketOf, MAX_SHARED_FRAME_BYTES, sendBinary } from '../../server/http/sharedFrames'
import { useTeardown } from '../support/lifecycle'

const { defer } = useTeardown()

/** A real ws server (with the given options) and one ws client connected to it. */
async function pair(perMessageDeflate: boolean) {
  const http = createServer()
  const wss = new WebSocketServer({ server: http, perMessageDeflate })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`)
  const received: Buffer[] = []
  client.on('message', (data: Buffer) => received.push(data))
  defer(() => new Promise<void>((resolve) => {
    client.terminate()
    wss.close()
    http.close(() => resolve())
  }))
  return { server: await serverSide, received }
}

describe('shared broadcast frames', () => {
  it('frames a message once for all recipients, and every length form arrives whole', async () => {
    const message = new Uint8Array(10).fill(1)
    expect(frameOf(message)).toBe(frameOf(message)) // the same bytes for the next recipient
    const { server, received } = await pair(false)
    const socket = frameSocketOf(server)
    expect(socket).not.toBeNull()
    const messages = [10, 1_000, 70_000, MAX_SHARED_FRAME_BYTES + 1].map((n, i) => new Uint8Array(n).fill(i + 1))
    for (const m of messages) sendBinary(server, socket, m)
    await expect.poll(() => received.length).toBe(messages.length)
    expect(received.map((r) => new Uint8Array(r))).toEqual(messages)
  })

  it('leaves a connection that agreed on compression to ws.send', async () => {
    const { server, received } = await pair(true) // the ws client offers permessage-deflate
    expect(frameSocketOf(server)).toBeNull()
    sendBinary(server, null, new Uint8Array(2_000).fill(7))
    await expect.poll(() => received.length).toBe(1)
    expect(received[0].byteLength).toBe(2_000)
  })
})
