import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** Largest presence state of one client, in bytes of JSON (a selection of ~2,000 shapes fits). */
export const MAX_AWARENESS_STATE_BYTES = 64 * 1024
/** Largest number of client states in one awareness message from one connection. */
export const MAX_AWARENESS_ENTRIES = 16
/**
 * Deepest nesting of objects and arrays in a presence state. JSON.parse copes with any depth, but
 * what comes after it (JSON.stringify, tldraw's validators) recurses; tldraw's presence nests 4 deep.
 */
export const MAX_AWARENESS_DEPTH = 32

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
    if (jsonDepth(json) > MAX_AWARENESS_DEPTH) throw new Error('awareness state nested too deep')
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

/** Deepest nesting of brackets in JSON text, outside its strings (the text may be invalid JSON). */
export function jsonDepth(json: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth)
    else if (c === 0x5d || c === 0x7d) depth--
  }
  return max
}
