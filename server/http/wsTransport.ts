import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { CloseCode } from '../../protocol/closeCodes'
import { roomFromSyncPath, SYNC_PATH_PREFIX, type RoomAddress } from '../../protocol/paths'
import { canWrite, roleInRoom, SYNC_SUBPROTOCOL, TOKEN_PARAM, tokenFromSubprotocols } from '../../protocol/roles'
import { isRole, type Access } from '../access/boardAccess'
import type { LogFn } from '../log'
import { ConnectionCounter } from '../relay/connectionLimits'
import { ProtocolError } from '../relay/errors'
import type { Relay } from '../relay/relay'
import { clientAddress } from './clientAddress'
import { originAllowed } from './origin'
import { SocketConnection, type SocketLimits } from './socketConnection'

export interface WsTransportOptions extends SocketLimits {
  allowedOrigins: string[]
  maxConnectionsPerBoard: number
  maxConnectionsPerIp: number
  /** Proxies in front of the server whose X-Forwarded-For is believed (0: none). */
  trustProxyHops: number
  /** What the connection's token gets on the board. */
  resolveAccess: (boardId: string, token: string | null) => Promise<Access>
  log: LogFn
}

/** Dead sockets (a laptop lid closed) are found by ping/pong and dropped. */
export const PING_INTERVAL_MS = 30_000

/**
 * Adapts Node's http upgrade + ws to the relay. Refusals accept the upgrade and then close with
 * a 44xx code: a plain HTTP error would reach the browser as 1006 and make it retry for ever.
 * A connection takes a place (per board, per address) only once its token has been accepted,
 * so sockets that never authenticate cannot crowd out those that do.
 */
export function attachWebsocketTransport(server: Server, relay: Relay, options: WsTransportOptions) {
  // ws refuses a larger message itself (close code 1009) before buffering more than this.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    // A browser that offered subprotocols needs one back; the token beside it is never echoed.
    handleProtocols: (offered) => (offered.has(SYNC_SUBPROTOCOL) ? SYNC_SUBPROTOCOL : false),
  })
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
      alive.add(ws)
      ws.on('pong', () => alive.add(ws))
      const room = roomFromSyncPath(url.pathname)
      const ip = clientAddress(req, options.trustProxyHops)
      const conn = new SocketConnection(ws, options, options.log, { boardId: room?.roomId, ip })
      if (!originAllowed(req, options.allowedOrigins)) return conn.drop(CloseCode.OriginNotAllowed, 'origin not allowed')
      if (!room) return conn.drop(CloseCode.UnknownBoard, 'unknown board')
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
      void admit(conn, ws, room, ip, tokenFromSubprotocols(offered) ?? url.searchParams.get(TOKEN_PARAM))
    })
  })

  async function admit(conn: SocketConnection, ws: WebSocket, address: RoomAddress, ip: string, token: string | null) {
    const { boardId, roomId, kind } = address
    let access: Access
    try {
      access = await options.resolveAccess(boardId, token)
    } catch (error) {
      options.log('access could not be checked', { boardId: roomId, conn: conn.id, error: String(error) })
      return conn.drop(CloseCode.InternalError, 'board could not be loaded')
    }
    if (conn.isClosed) return
    if (access === 'unknown') return conn.drop(CloseCode.UnknownBoard, 'no board with this id')
    if (access === 'deleted') return conn.drop(CloseCode.BoardDeleted, 'this board was deleted')
    // A private room is for writing: a view-only link has no business there.
    if (!isRole(access) || (kind === 'private' && !canWrite(access))) {
      return conn.drop(CloseCode.Forbidden, 'this link does not fit this board')
    }
    if (!perIp.tryAdd(ip)) return conn.drop(CloseCode.TryAgainLater, 'too many connections from this address')
    if (!perBoard.tryAdd(boardId)) {
      perIp.remove(ip)
      return conn.drop(CloseCode.TryAgainLater, 'too many connections on this board')
    }
    let room: Awaited<ReturnType<Relay['join']>> | null = null
    ws.once('close', () => {
      perIp.remove(ip)
      perBoard.remove(boardId)
      if (room) relay.leave(room, conn)
    })
    conn.role = roleInRoom(access, kind)
    try {
      room = await relay.join(address, conn)
    } catch (error) {
      const refusal = error instanceof ProtocolError
      options.log('board could not be loaded', { boardId: roomId, conn: conn.id, error: String(error) })
      return conn.close(refusal ? error.code : CloseCode.InternalError, refusal ? error.message : 'board could not be loaded')
    }
    if (conn.isClosed) {
      relay.leave(room, conn)
      room = null
      return
    }
    conn.attach(room)
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
