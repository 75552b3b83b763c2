/**
 * The longest side of an uploaded photo, in pixels. A 12-megapixel phone photo (4032×3024)
 * becomes 2560×1920: a flip-over's handwriting stays readable at full screen, and the file is a
 * fifth of the original.
 */
export const MAX_IMAGE_SIDE_PX = 2560
/** JPEG quality of a re-encoded photo (0–1): no visible loss for photos of paper and screens. */
export const JPEG_QUALITY = 0.85

/** Formats redrawn on a canvas; GIF (may move), SVG (vector) and videos go up as they are. */
const REDRAWN = new Set(['image/jpeg', 'image/png', 'image/webp'])

/**
 * Downscales a photo to at most MAX_IMAGE_SIDE_PX and encodes it again. A JPEG is always encoded
 * again, also when small enough: the canvas drops its EXIF block, so the GPS position and camera
 * serial a phone writes into every photo never reach the server (docs/privacy.md). Browsers
 * apply the EXIF orientation when decoding, so the photo keeps standing the right way up.
 * PNG and WebP stay PNG and WebP (transparency), and are only redrawn when too large.
 * Whatever cannot be decoded or drawn here goes up unchanged; the server checks it anyway.
 */
export async function prepareImage(file: Blob, type: string): Promise<Blob> {
  if (!REDRAWN.has(type) || typeof createImageBitmap !== 'function') return file
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    return file
  }
  try {
    const scale = Math.min(1, MAX_IMAGE_SIDE_PX / Math.max(bitmap.width, bitmap.height))
    if (scale === 1 && type !== 'image/jpeg') return file
    const width = Math.max(1, Math.round(bitmap.width * scale))
    const height = Math.max(1, Math.round(bitmap.height * scale))
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const context = canvas.getContext('2d')
    if (!context) return file
    context.imageSmoothingQuality = 'high'
    context.drawImage(bitmap, 0, 0, width, height)
    const encoded = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, JPEG_QUALITY))
    // A browser that cannot write this format gives PNG or nothing: keep the original then.
    if (!encoded || encoded.type !== type) return file
    // A small, already well-compressed JPEG may grow; its EXIF must still go, so keep the new one.
    return encoded.size < file.size || type === 'image/jpeg' ? encoded : file
  } finally {
    bitmap.close()
  }
}
