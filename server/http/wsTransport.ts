import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { CloseCode } from '../../protocol/closeCodes'
import { MessageType } from '../../protocol/messages'
import { roomFromSyncPath, SYNC_PATH_PREFIX, type RoomAddress } from '../../protocol/paths'
import { canWrite, roleInRoom, TOKEN_PARAM, type Role } from '../../protocol/roles'
import type { RelayConnection } from '../relay/connection'
import { ProtocolError } from '../relay/errors'
import type { Relay } from '../relay/relay'
import type { Room } from '../relay/room'
import { ConnectionCounter } from '../relay/connectionLimits'
import { TokenBucket } from '../relay/rateLimiter'
import { frameSocketOf, sendBinary } from './sharedFrames'

export interface WsTransportOptions {
  maxMessageBytes: number
  allowedOrigins: string[]
  maxConnectionsPerBoard: number
  maxConnectionsPerIp: number
  maxMessagesPerSecond: number
  maxBytesPerSecond: number
  slowConsumerMaxBytes: number
  /** What the connection's token allows on the board; null refuses the connection. */
  resolveRole: (boardId: string, token: string | null) => Promise<Role | null>
  log: (message: string, extra?: Record<string, unknown>) => void
}

/** Messages kept for a connection while its board loads; a real client sends two. */
const MAX_QUEUED_WHILE_LOADING = 64
/** How long a dropped slow consumer gets to take its close frame before the socket is cut. */
const SLOW_CONSUMER_CLOSE_GRACE_MS = 1_000
/** y-protocols' sync message subtype of step 2 (the answer with a whole board). */
const SYNC_STEP_2 = 1
/** Dead sockets (a laptop lid closed) are found by ping/pong and dropped. */
export const PING_INTERVAL_MS = 30_000

let nextConnectionNumber = 0

/**
 * Adapts Node's http upgrade + ws to the relay. Refusals accept the upgrade and then close with
 * a 44xx code: a plain HTTP error would reach the browser as 1006 and make it retry for ever.
 */
export function attachWebsocketTransport(server: Server, relay: Relay, options: WsTransportOptions) {
  // ws itself cuts off at twice our limit; between the two we close with our own named code.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes * 2 })
  const alive = new WeakSet<WebSocket>()
  const perBoard = new ConnectionCounter(options.maxConnectionsPerBoard)
  const perIp = new ConnectionCounter(options.maxConnectionsPerIp)

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (!url.pathname.startsWith(SYNC_PATH_PREFIX)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const room = roomFromSyncPath(url.pathname)
      if (!originAllowed(req, options.allowedOrigins)) {
        ws.close(CloseCode.OriginNotAllowed, 'origin not allowed')
      } else if (!room) {
        ws.close(CloseCode.UnknownBoard, 'unknown board')
      } else {
        const { boardId } = room
        const ip = req.socket.remoteAddress ?? 'unknown'
        if (!perIp.tryAdd(ip)) return ws.close(CloseCode.TooManyConnections, 'too many connections from this address')
        if (!perBoard.tryAdd(boardId)) {
          perIp.remove(ip)
          return ws.close(CloseCode.TooManyConnections, 'too many connections on this board')
        }
        ws.once('close', () => {
          perIp.remove(ip)
          perBoard.remove(boardId)
        })
        serveConnection(ws, room, req, url.searchParams.get(TOKEN_PARAM))
      }
    })
  })

  function serveConnection(
    ws: WebSocket,
    { boardId, roomId, kind }: RoomAddress,
    req: IncomingMessage,
    token: string | null,
  ): void {
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
    const connId = `c${++nextConnectionNumber}`
    const context = { boardId: roomId, conn: connId, ip: req.socket.remoteAddress }
    let closed = false
    let role: Role = 'viewer' // until the token is checked
    let allowance = options.slowConsumerMaxBytes
    const frameSocket = frameSocketOf(ws)
    const conn: RelayConnection = {
      id: connId,
      get role() {
        return role
      },
      send(message) {
        if (closed || ws.readyState !== WebSocket.OPEN) return
        // A board bigger than the limit is sent whole in one sync step 2: while a client downloads
        // it, that message does not count as falling behind.
        if (ws.bufferedAmount <= options.slowConsumerMaxBytes) allowance = options.slowConsumerMaxBytes
        if (message[0] === MessageType.Sync && message[1] === SYNC_STEP_2) {
          allowance = Math.max(allowance, options.slowConsumerMaxBytes + message.byteLength)
        }
        if (ws.bufferedAmount > allowance) {
          conn.close(CloseCode.SlowConsumer, 'too slow to receive')
          // The close frame waits behind the unread data; do not hold that memory for ws's 30 s.
          setTimeout(() => ws.terminate(), SLOW_CONSUMER_CLOSE_GRACE_MS).unref()
          return
        }
        sendBinary(ws, frameSocket, message)
      },
      close(code, reason) {
        if (closed) return
        closed = true
        ws.close(code, reason)
      },
    }
    let room: Room | null = null
    const queue: Uint8Array[] = []
    const messageBudget = new TokenBucket(options.maxMessagesPerSecond, options.maxMessagesPerSecond * 2)
    const byteBudget = new TokenBucket(options.maxBytesPerSecond, Math.max(options.maxBytesPerSecond, options.maxMessageBytes))

    const handle = (message: Uint8Array) => {
      if (closed || !room) return
      try {
        if (message.byteLength > options.maxMessageBytes) {
          throw new ProtocolError(CloseCode.MessageTooBig, 'message too big')
        }
        room.handleMessage(conn, message)
      } catch (error) {
        const code = error instanceof ProtocolError ? error.code : CloseCode.MalformedMessage
        options.log('closing connection after bad message', { ...context, code, error: String(error) })
        conn.close(code, error instanceof ProtocolError ? error.message : 'malformed message')
      }
    }

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (closed) return
      const message = toUint8Array(data)
      if (!isBinary) return conn.close(CloseCode.MalformedMessage, 'binary frames only')
      // Checked before anything is decoded or applied: a flood costs us almost nothing.
      if (!messageBudget.take() || !byteBudget.take(message.byteLength)) {
        options.log('rate limit', context)
        return conn.close(CloseCode.RateLimited, 'too many messages')
      }
      if (room === null && queue.length >= MAX_QUEUED_WHILE_LOADING) {
        return conn.close(CloseCode.RateLimited, 'too many messages while the board loads')
      }
      if (room) handle(message)
      else queue.push(message) // the board is still loading: answer only once it is there
    })
    ws.on('error', (error) => options.log('socket error', { ...context, error: String(error) }))
    ws.on('close', () => {
      closed = true
      if (room) relay.leave(room, conn)
    })

    options
      .resolveRole(boardId, token)
      .then((resolved) => {
        if (closed) return null
        // A private room is for writing: a view-only link has no business there.
        if (!resolved || (kind === 'private' && !canWrite(resolved))) {
          conn.close(CloseCode.Forbidden, 'this link does not fit this board')
          return null
        }
        role = roleInRoom(resolved, kind)
        return relay.join(roomId, conn)
      })
      .then(
        (joined) => {
          if (!joined) return
          room = joined
          if (closed) return relay.leave(joined, conn)
          for (const message of queue.splice(0)) handle(message)
        },
        (error) => {
          options.log('board could not be loaded', { ...context, error: String(error) })
          conn.close(1011, 'board could not be loaded')
        },
      )
  }

  const pingTimer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate()
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
  }, PING_INTERVAL_MS)
  pingTimer.unref()

  return {
    wss,
    /** Closes every socket with a code that makes clients come back by themselves. */
    closeAll(code: number, reason: string) {
      clearInterval(pingTimer)
      for (const ws of wss.clients) ws.close(code, reason)
    },
  }
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** Same origin is always allowed; `allowedOrigins` adds others. Non-browser clients send none. */
function originAllowed(req: IncomingMessage, allowedOrigins: string[]): boolean {
  const origin = req.headers.origin
  if (!origin) return true
  if (allowedOrigins.includes('*') || allowedOrigins.includes(origin)) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}
