import { API_BOARDS_PATH } from './api'
import { toBase64Url } from './boardId'

/**
 * Pictures and videos on a board (photos of the flip-over, pupils' work): the bytes live on the
 * server beside the board, the document holds only a reference `asset:<assetId>`. The page turns
 * that into the URL of the board it is on (client/assets/assetStore.ts), so a copy of a board
 * ("Kopie voor volgende bijeenkomst"), which gets references to the same stored bytes, shows the
 * same pictures without holding the original board's id.
 *
 * - `PUT /api/boards/<boardId>/assets/<assetId>` (token of a writing link, body = the file):
 *   stores it. The id is chosen by the browser (ASSET_ID_BYTES random bytes), so that a picture
 *   dropped offline has its final reference at once and is uploaded when the connection is back.
 *   Sending the same bytes again is fine (a retry); other bytes under a taken id are refused.
 * - `GET /api/boards/<boardId>/assets/<assetId>`: the bytes, with a type decided by the server
 *   from the bytes themselves (sniffAssetType), never from what the uploader said. No token: an
 *   `<img>` cannot send one, and the id itself is unguessable (a capability, like the links).
 */

/** Random bytes in an asset id: 128 bits, as many as a link token. */
export const ASSET_ID_BYTES = 16
/** 16 bytes in base64url. */
export const ASSET_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/
/** How the document refers to an asset (tldraw accepts the `asset:` scheme in `src`). */
export const ASSET_SRC_PREFIX = 'asset:'

/** Largest file one upload may bring, in bytes (server: MAX_ASSET_BYTES). */
export const DEFAULT_MAX_ASSET_BYTES = 20 * 1024 * 1024 // 20 MiB: a short phone video, or a photo as it comes off the camera
/** Largest total of one board's pictures, in bytes (server: MAX_BOARD_ASSET_BYTES). */
export const DEFAULT_MAX_BOARD_ASSET_BYTES = 256 * 1024 * 1024 // 256 MiB: ~200 downscaled photos

/** HTTP status when a board's pictures reached MAX_BOARD_ASSET_BYTES (507 Insufficient Storage). */
export const HTTP_QUOTA_FULL = 507
/** HTTP status when the server does not take files of this kind. */
export const HTTP_UNSUPPORTED_TYPE = 415
/** HTTP status when the file is larger than MAX_ASSET_BYTES. */
export const HTTP_TOO_LARGE = 413
/** HTTP status when an id is already taken on this board by other bytes. */
export const HTTP_CONFLICT = 409

/** A new asset id (works in an insecure context: getRandomValues needs no https, unlike crypto.subtle). */
export function newAssetId(): string {
  const bytes = new Uint8Array(ASSET_ID_BYTES)
  globalThis.crypto.getRandomValues(bytes)
  return toBase64Url(bytes)
}

export function isValidAssetId(id: string): boolean {
  return ASSET_ID_PATTERN.test(id)
}

export function assetPath(boardId: string, assetId: string): string {
  return `${API_BOARDS_PATH}/${boardId}/assets/${assetId}`
}

/** Matches `/api/boards/<boardId>/assets/<assetId>` (ids are checked by the caller). */
export const ASSET_PATH = /^\/api\/boards\/([^/]+)\/assets\/([^/]+)$/

export function assetSrc(assetId: string): string {
  return ASSET_SRC_PREFIX + assetId
}

/** The asset id of an `asset:<id>` reference, or null for anything else (a data URL, an old link). */
export function assetIdOfSrc(src: string | null | undefined): string | null {
  if (!src || !src.startsWith(ASSET_SRC_PREFIX)) return null
  const id = src.slice(ASSET_SRC_PREFIX.length)
  return isValidAssetId(id) ? id : null
}

/** The kinds of file a board takes, as the server names them when it serves them. */
export const ASSET_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/svg+xml',
  'video/mp4',
  'video/webm',
  'video/quicktime',
] as const
export type AssetType = (typeof ASSET_TYPES)[number]

/** How many leading bytes sniffAssetType looks at (an SVG's `<svg` may come after a comment or doctype). */
export const SNIFF_BYTES = 4096

/**
 * The kind of a file, decided from its first bytes (magic numbers), or null when it is none we
 * take. The uploader's Content-Type and file name are never believed: a "photo.jpg" that is HTML
 * must not be served as HTML.
 */
/** `ftyp` brands of HEIC/HEIF images (ISO/IEC 23008-12), which are not videos. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1'])

export function sniffAssetType(bytes: Uint8Array): AssetType | null {
  const at = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v)
  const ascii = (offset: number, text: string) => at(offset, ...Array.from(text, (c) => c.charCodeAt(0)))
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png'
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif'
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp'
  if (ascii(4, 'ftyp')) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12))
    if (brand === 'avif' || brand === 'avis') return 'image/avif'
    if (brand === 'qt  ') return 'video/quicktime'
    // An iPhone photo (HEIC/HEIF) is in the same box format, but most browsers cannot show it.
    if (HEIF_BRANDS.has(brand)) return null
    return 'video/mp4'
  }
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return 'video/webm'
  if (looksLikeSvg(bytes)) return 'image/svg+xml'
  return null
}

function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, SNIFF_BYTES))
  // What may come before the root element: a BOM, white space, an XML declaration, comments, a doctype.
  const prolog = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE svg[^>]*>\s*)*<svg[\s>]/i
  return prolog.test(head)
}
