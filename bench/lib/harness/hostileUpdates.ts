import * as encoding from 'lib0/encoding'

/** Yjs v1 updates written byte by byte: what a hostile participant can send but Yjs would never encode. */

const ANY_WITH_PARENT_SUB = 0x28 // content kind "any", written under a map key
const ROOT_PARENT = 1
const TAG_ARRAY = 117
const TAG_INTEGER = 125

function mapEntries(client: number, entries: number, root: string, writeValue: (e: encoding.Encoder, i: number) => void, key = (i: number) => `k${i}`): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1) // one client
  encoding.writeVarUint(e, entries)
  encoding.writeVarUint(e, client)
  encoding.writeVarUint(e, 0) // first clock
  for (let i = 0; i < entries; i++) {
    encoding.writeUint8(e, ANY_WITH_PARENT_SUB)
    encoding.writeVarUint(e, ROOT_PARENT)
    encoding.writeVarString(e, root)
    encoding.writeVarString(e, key(i))
    encoding.writeVarUint(e, 1) // one value
    writeValue(e, i)
  }
  encoding.writeVarUint(e, 0) // empty delete set
  return encoding.toUint8Array(e)
}

/** One map entry whose value is an array nested `depth` deep ([[[…[]…]]]): ~2 bytes per level. */
export function nestedValueUpdate(depth: number, { client = 4242, root = 'm' } = {}): Uint8Array {
  return mapEntries(client, 1, root, (e) => {
    for (let d = 1; d < depth; d++) {
      encoding.writeUint8(e, TAG_ARRAY)
      encoding.writeVarUint(e, 1)
    }
    encoding.writeUint8(e, TAG_ARRAY)
    encoding.writeVarUint(e, 0)
  })
}

/** `entries` small map entries in one update: few bytes each, several hundred bytes of heap each once applied. */
export function manyEntriesUpdate(entries: number, { client = 4343, root = 'm', firstKey = 0 } = {}): Uint8Array {
  return mapEntries(client, entries, root, (e, i) => {
    encoding.writeUint8(e, TAG_INTEGER)
    encoding.writeVarInt(e, i)
  }, (i) => `k${firstKey + i}`)
}
