import * as encoding from 'lib0/encoding'
import type { WebSocket } from 'ws'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { MessageType } from '../../../protocol/messages'

/** Builders of y-websocket frames, for raw sockets that send what stock clients would (or never would). */

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

export function syncStep1Frame(stateVector: Uint8Array = Y.encodeStateVector(new Y.Doc())): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1)
    encoding.writeVarUint8Array(e, stateVector)
  })
}

export function syncStep2Frame(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2)
    encoding.writeVarUint8Array(e, update)
  })
}

export function updateFrame(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, syncProtocol.messageYjsUpdate)
    encoding.writeVarUint8Array(e, update)
  })
}

export interface RawAwarenessEntry {
  clientId: number
  clock: number
  /** Sent as is: need not be valid JSON. */
  json: string
}

/** An awareness frame written by hand, so that it can carry what `Awareness` would refuse to encode. */
export function awarenessFrame(entries: RawAwarenessEntry[]): Uint8Array {
  const update = frame((e) => {
    encoding.writeVarUint(e, entries.length)
    for (const { clientId, clock, json } of entries) {
      encoding.writeVarUint(e, clientId)
      encoding.writeVarUint(e, clock)
      encoding.writeVarString(e, json)
    }
  })
  return frame((e) => {
    encoding.writeVarUint(e, MessageType.Awareness)
    encoding.writeVarUint8Array(e, update)
  })
}

export const QUERY_AWARENESS_FRAME = new Uint8Array([MessageType.QueryAwareness])

/** The first two varuints of a frame (message type, sync step), for telling answers apart. */
export function frameKind(data: Uint8Array): { type: number; sub: number } {
  return { type: data[0] ?? -1, sub: data[1] ?? -1 }
}

export function isSyncStep2(data: Uint8Array): boolean {
  return data[0] === MessageType.Sync && data[1] === syncProtocol.messageYjsSyncStep2
}

/** Keeps every binary frame a raw socket receives (to look for content that must not be there). */
export function recordFrames(ws: WebSocket): Buffer[] {
  const frames: Buffer[] = []
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    frames.push(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer))
  })
  return frames
}
