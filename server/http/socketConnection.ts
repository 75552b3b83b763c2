import { WebSocket, type RawData } from 'ws'
import { CloseCode, type CloseCodeValue } from '../../protocol/closeCodes'
import type { Role } from '../../protocol/roles'
import type { LogFn } from '../log'
import type { RelayConnection } from '../relay/connection'
import { ProtocolError } from '../relay/errors'
import { TokenBucket } from '../relay/rateLimiter'
import type { Room } from '../relay/room'
import { frameSocketOf, sendBinary } from './sharedFrames'

/** Messages kept for a connection while its token is checked and its board loads; a real client sends two. */
export const MAX_QUEUED_WHILE_LOADING = 64
/** How long a dropped socket gets to take its close frame before it is cut, in milliseconds. */
export const CLOSE_GRACE_MS = 1_000
/**
 * Longest one connection's messages keep the event loop in one go, in milliseconds. ws hands over
 * every message of a TCP read at once; a client that sends many costly changes back to back
 * would otherwise hold every other board for their sum. Past this the rest waits for the next
 * turn, and the socket is paused so nothing more piles up meanwhile.
 */
export const MAX_TURN_PER_CONNECTION_MS = 10

export interface SocketLimits {
  maxMessageBytes: number
  maxMessagesPerSecond: number
  maxBytesPerSecond: number
  slowConsumerMaxBytes: number
}

let nextConnectionNumber = 0

/**
 * One websocket as the relay sees it (a RelayConnection): its send buffer, its rate limits, and
 * the messages that wait while its token is checked and its board loads. The room never sees
 * the socket; the transport never decodes a message.
 */
export class SocketConnection implements RelayConnection {
  readonly id = `c${++nextConnectionNumber}`
  role: Role = 'viewer' // until the token is checked
  private closed = false
  private room: Room | null = null
  /** Messages not handled yet: while the token is checked and the board loads, or for the next turn. */
  private readonly queue: Uint8Array[] = []
  /** Draining, or waiting to: while true, a new message is only queued (drain goes on by itself). */
  private draining = false
  private allowance: number
  private readonly frameSocket
  private readonly messageBudget: TokenBucket
  private readonly byteBudget: TokenBucket

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: SocketLimits,
    private readonly log: LogFn,
    private readonly context: Record<string, unknown>,
  ) {
    this.allowance = limits.slowConsumerMaxBytes
    this.frameSocket = frameSocketOf(ws)
    this.messageBudget = new TokenBucket(limits.maxMessagesPerSecond, limits.maxMessagesPerSecond * 2)
    this.byteBudget = new TokenBucket(limits.maxBytesPerSecond, Math.max(limits.maxBytesPerSecond, limits.maxMessageBytes))
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary))
    ws.on('error', (error) => log('socket error', { ...context, error: String(error) }))
    ws.on('close', () => {
      this.closed = true
    })
  }

  get isClosed(): boolean {
    return this.closed
  }

  send(message: Uint8Array, { wholeBoard = false } = {}): void {
    const { ws } = this
    if (this.closed || ws.readyState !== WebSocket.OPEN) return
    const max = this.limits.slowConsumerMaxBytes
    if (ws.bufferedAmount <= max) this.allowance = max
    if (wholeBoard) this.allowance = Math.max(this.allowance, max + message.byteLength)
    if (ws.bufferedAmount > this.allowance) {
      // The close frame waits behind the unread data; do not hold that memory for ws's 30 s.
      this.drop(CloseCode.SlowConsumer, 'too slow to receive')
      return
    }
    sendBinary(ws, this.frameSocket, message)
  }

  close(code: CloseCodeValue, reason: string): void {
    if (this.closed) return
    this.closed = true
    this.ws.close(code, reason)
  }

  /** Closes with `code` and cuts the socket soon after, whether or not the other side reads. */
  drop(code: CloseCodeValue, reason: string): void {
    this.close(code, reason)
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref()
  }

  /** The room is loaded: the messages that waited are handled now, in order. */
  attach(room: Room): void {
    this.room = room
    this.drain()
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return
    const message = toUint8Array(data)
    if (!isBinary) return this.close(CloseCode.MalformedMessage, 'binary frames only')
    // Checked before anything is decoded or applied: a flood costs us almost nothing. Bytes are
    // not a reason to close (see drain): a client back from a long time offline sends its
    // backlog in several large messages at once, and closed it would send them again for ever.
    if (!this.messageBudget.take()) {
      this.log('rate limit', this.context)
      return this.close(CloseCode.RateLimited, 'too many messages')
    }
    if (!this.room && this.queue.length >= MAX_QUEUED_WHILE_LOADING) {
      return this.close(CloseCode.RateLimited, 'too many messages while the board loads')
    }
    this.queue.push(message) // handled now, or once the board is there, or in the next turn
    if (this.room && !this.draining) this.drain()
  }

  /**
   * Handles queued messages in order, at most MAX_TURN_PER_CONNECTION_MS at a time, and no
   * faster than maxBytesPerSecond: past that budget the socket is paused (TCP holds the client
   * back) and the queue goes on once the budget has refilled enough for its next message.
   */
  private drain(): void {
    const start = performance.now()
    this.draining = true
    while (this.queue.length > 0 && !this.closed) {
      const waitMs = this.byteBudget.takeOrWait(this.queue[0].byteLength)
      if (waitMs > 0) {
        this.ws.pause()
        setTimeout(() => {
          if (!this.closed) this.ws.resume()
          this.drain()
        }, waitMs)
        return
      }
      this.handle(this.queue.shift()!)
      if (this.queue.length > 0 && performance.now() - start > MAX_TURN_PER_CONNECTION_MS) {
        this.ws.pause()
        setImmediate(() => {
          if (!this.closed) this.ws.resume()
          this.drain()
        })
        return
      }
    }
    this.draining = false
  }

  private handle(message: Uint8Array): void {
    if (this.closed || !this.room) return
    try {
      this.room.handleMessage(this, message)
    } catch (error) {
      const code = error instanceof ProtocolError ? error.code : CloseCode.MalformedMessage
      this.log('closing connection after bad message', { ...this.context, code, error: String(error) })
      this.close(code, error instanceof ProtocolError ? error.message : 'malformed message')
    }
  }
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
