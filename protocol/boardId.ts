/**
 * Board ids are capabilities: whoever knows one can open the board, so they must be unguessable.
 * 16 random bytes = 128 bits, written as 22 URL-safe base64 characters.
 */
export const BOARD_ID_BYTES = 16
export const BOARD_ID_LENGTH = 22
const BOARD_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/

export function isValidBoardId(id: unknown): id is string {
  return typeof id === 'string' && BOARD_ID_PATTERN.test(id)
}

/** Works in browsers and in Node ≥ 20 (both have WebCrypto on globalThis). */
export function newBoardId(): string {
  const bytes = new Uint8Array(BOARD_ID_BYTES)
  globalThis.crypto.getRandomValues(bytes)
  return toBase64Url(bytes)
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
