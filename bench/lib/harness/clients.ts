import type { Socket } from 'node:net'
import type { WebSocket } from 'ws'
import type { WebsocketProvider } from 'y-websocket'
import type * as Y from 'yjs'

/**
 * Ends a stock client for good: `provider.destroy()` leaves the awareness timer running (it stops
 * with the doc), which would keep a benchmark process alive.
 */
export function closeClient(client: { doc: Y.Doc; provider: WebsocketProvider }): void {
  client.provider.destroy()
  client.doc.destroy()
}

/**
 * Stops reading a ws socket at the TCP level: what the server sends piles up in the kernel and
 * then in the server's send buffer, as with a client on a dead-slow link.
 */
export function pauseReading(ws: WebSocket): void {
  tcpSocketOf(ws).pause()
}

export function resumeReading(ws: WebSocket): void {
  tcpSocketOf(ws).resume()
}

function tcpSocketOf(ws: WebSocket): Socket {
  const socket = (ws as unknown as { _socket?: Socket })._socket
  if (!socket) throw new Error('the websocket is not open')
  return socket
}
