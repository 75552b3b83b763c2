/**
 * A bounds-checked reader of the variable-length integers and byte strings that Yjs's update
 * format (v1) and lib0's `writeAny` are made of. It never allocates what it skips, so a hostile
 * length field costs a comparison, not memory.
 */
export class UpdateReader {
  pos = 0

  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos
  }

  u8(): number {
    if (this.pos >= this.bytes.length) throw new MalformedUpdate('unexpected end of update')
    return this.bytes[this.pos++]
  }

  /** lib0's varUint: 7 bits per byte, at most 53 bits (a JavaScript safe integer). */
  varUint(): number {
    let num = 0
    let mult = 1
    for (let i = 0; i < 8; i++) {
      const byte = this.u8()
      num += (byte & 0x7f) * mult
      if (byte < 0x80) {
        if (num > Number.MAX_SAFE_INTEGER) break
        return num
      }
      mult *= 128
    }
    throw new MalformedUpdate('integer out of range')
  }

  /** A varUint that counts things each taking at least one byte: more than the bytes left is a lie. */
  count(): number {
    const n = this.varUint()
    if (n > this.remaining) throw new MalformedUpdate('count larger than the update')
    return n
  }

  /** Skips lib0's signed varInt (same continuation bit as varUint). */
  skipVarInt(): void {
    for (let i = 0; i < 8; i++) if (this.u8() < 0x80) return
    throw new MalformedUpdate('integer out of range')
  }

  skip(n: number): void {
    if (n > this.remaining) throw new MalformedUpdate('unexpected end of update')
    this.pos += n
  }

  /** Skips a varUint length and that many bytes (a string or a byte array). */
  skipBytes(): number {
    const n = this.varUint()
    this.skip(n)
    return n
  }

  /** Reads a short string (a root type's name); longer ones are refused by the caller's limit. */
  string(maxBytes: number): string {
    const n = this.varUint()
    if (n > maxBytes) throw new RefusedUpdate(`name longer than ${maxBytes} bytes`)
    this.skip(n)
    return UTF8.decode(this.bytes.subarray(this.pos - n, this.pos))
  }
}

const UTF8 = new TextDecoder()

/** Bytes that are not a Yjs update. */
export class MalformedUpdate extends Error {}

/** A readable update that breaks one of Samenbord's rules (too deep, too costly, a kind we never use). */
export class RefusedUpdate extends Error {}
