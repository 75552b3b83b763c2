import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { toBase64Url } from '../../protocol/boardId'
import { deriveToken, newToken, tokensFromFacilitator } from '../../protocol/roles'

describe('link tokens', () => {
  it('derives the participant and viewer tokens without crypto.subtle, exactly as before (SHA-256)', () => {
    for (let i = 0; i < 50; i++) {
      const facilitator = newToken()
      for (const role of ['participant', 'viewer'] as const) {
        const expected = toBase64Url(createHash('sha256').update(`samenbord:${role}:${facilitator}`).digest().subarray(0, 16))
        expect(deriveToken(facilitator, role)).toBe(expected)
      }
    }
    const tokens = tokensFromFacilitator(newToken())
    expect(new Set(Object.values(tokens)).size).toBe(3)
  })

  it('works where the browser gives no crypto.subtle (an insecure context: plain http on a school server)', () => {
    const subtle = Object.getOwnPropertyDescriptor(globalThis.crypto, 'subtle')
    Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true })
    try {
      expect(tokensFromFacilitator(newToken()).viewer).toMatch(/^[A-Za-z0-9_-]{22}$/)
    } finally {
      if (subtle) Object.defineProperty(globalThis.crypto, 'subtle', subtle)
    }
  })
})
