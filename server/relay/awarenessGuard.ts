import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** Largest presence state of one client, in bytes of JSON (a selection of ~2,000 shapes fits). */
export const MAX_AWARENESS_STATE_BYTES = 64 * 1024
/** Largest number of client states in one awareness message from one connection. */
export const MAX_AWARENESS_ENTRIES = 16

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** null means "this client left". */
  state: unknown
  /** The state as sent, re-encoded unchanged when the entry is passed on. */
  json: string
}

/**
 * Decodes a y-protocols awareness update strictly, so that the relay can check it before
 * applying: the format is `count, (clientId, clock, JSON state)*`. Throws on anything malformed.
 */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  if (count > MAX_AWARENESS_ENTRIES) throw new Error(`too many awareness entries (${count})`)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const json = decoding.readVarString(decoder)
    if (json.length > MAX_AWARENESS_STATE_BYTES) throw new Error('awareness state too large')
    entries.push({ clientId, clock, state: JSON.parse(json), json })
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after awareness update')
  return entries
}

export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, json)
  }
  return encoding.toUint8Array(encoder)
}
