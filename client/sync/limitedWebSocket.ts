import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType } from '../../protocol/messages'
import { splitUpdate } from '../../protocol/splitUpdate'

/**
 * Share of the server's message limit a message we send may fill. The rest is room for what
 * the limit may count beyond our bytes (a proxy, a future header), so a piece is never the one
 * refused for being a few bytes over.
 */
export const MESSAGE_SAFETY_SHARE = 0.9
/** Largest y-protocol header before an update's bytes: message type, sync type, length (varuints). */
const SYNC_HEADER_BYTES = 12
/** y-protocols' sync message types (second varuint of a sync message). */
const SYNC_STEP_2 = 1
const SYNC_UPDATE = 2

export interface MessageLimits {
  /** The server's MAX_MESSAGE_BYTES (the page gets it in its config). */
  maxMessageBytes: number
  /** Most structs one update may bring (protocol/limits.ts MAX_STRUCTS_PER_UPDATE). */
  maxStructs: number
  /**
   * Called when a change holds a single item too large for any message: it is not sent (the
   * server would refuse it on every reconnect). The binding refuses such records before they
   * reach the doc (storeBinding.ts); this is the last guard.
   */
  onUnsendable?: (bytes: number) => void
}

/**
 * A WebSocket class for y-websocket (its `WebSocketPolyfill` option) that never sends what the
 * server refuses for its size: a sync answer or update over the byte or struct limit leaves as
 * several updates, in causal order (protocol/splitUpdate.ts), each within both limits. The
 * server applies them one by one, so a page back after hours offline syncs its whole backlog
 * instead of being closed (1009, 4422) and sending the same message again on every reconnect.
 * Presence, sync step 1 and small messages pass as they are.
 */
export function limitedWebSocket(Base: typeof WebSocket, limits: MessageLimits): typeof WebSocket {
  const maxPayloadBytes = Math.floor(limits.maxMessageBytes * MESSAGE_SAFETY_SHARE) - SYNC_HEADER_BYTES
  return class LimitedWebSocket extends Base {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const pieces = data instanceof Uint8Array ? limitedMessages(data, maxPayloadBytes, limits) : [data]
      for (const piece of pieces) super.send(piece as Uint8Array<ArrayBuffer>)
    }
  }
}

/**
 * The messages to send for `message`: itself, its update cut into pieces, or none when one of
 * those pieces is a single item over the limit (the whole message is held back then: its later
 * pieces could not be applied without it).
 */
export function limitedMessages(message: Uint8Array, maxPayloadBytes: number, limits: MessageLimits): Uint8Array[] {
  // A struct takes at least two bytes: a message this small cannot be over either limit.
  if (message.byteLength <= Math.min(maxPayloadBytes, limits.maxStructs * 2)) return [message]
  const decoder = decoding.createDecoder(message)
  if (decoding.readVarUint(decoder) !== MessageType.Sync) return [message]
  const syncType = decoding.readVarUint(decoder)
  if (syncType !== SYNC_STEP_2 && syncType !== SYNC_UPDATE) return [message]
  const update = decoding.readVarUint8Array(decoder)
  let pieces: Uint8Array[]
  try {
    pieces = splitUpdate(update, limits.maxStructs, maxPayloadBytes).pieces
  } catch {
    return [message] // not ours to judge: the server says what is wrong with it
  }
  if (pieces.length === 1 && pieces[0] === update) return [message] // within both limits already
  const tooLarge = pieces.find((piece) => piece.byteLength > maxPayloadBytes)
  if (tooLarge) {
    console.warn(`Samenbord: a change of ${tooLarge.byteLength} bytes is too large to send; it stays on this device only`)
    limits.onUnsendable?.(tooLarge.byteLength)
    return []
  }
  return pieces.map((piece, i) => {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.Sync)
    // The first keeps its type (an answer to the server's step 1); the rest are plain updates.
    encoding.writeVarUint(encoder, i === 0 ? syncType : SYNC_UPDATE)
    encoding.writeVarUint8Array(encoder, piece)
    return encoding.toUint8Array(encoder)
  })
}
