import type { Page } from 'playwright-core'

/** What a phone writes into a photo's EXIF block and must never reach the server. */
export const EXIF_SECRET = 'GPS 52.09074 N 5.12142 E GEHEIM'

/**
 * Makes a phone-like photo in the page and leaves it as `window.testPhoto` (a File): a 4032×3024
 * JPEG (12 megapixels) of a lined "flip-over" with grain, so it compresses like a real photo
 * (about 3–5 MB), with an EXIF block holding EXIF_SECRET. Returns its size in bytes.
 */
export async function makePhotoInPage(page: Page, { width = 4032, height = 3024, name = 'flip-over.jpg' } = {}): Promise<number> {
  return page.evaluate(
    async ({ width, height, name, secret }) => {
      const canvas = document.createElement('canvas')
      canvas.width = width
      canvas.height = height
      const context = canvas.getContext('2d')!
      const image = context.createImageData(width, height)
      const random = new Uint8Array(65536)
      for (let i = 0; i < width * height; i++) {
        if (i % 65536 === 0) crypto.getRandomValues(random)
        const x = i % width
        const y = Math.floor(i / width)
        const line = y % 120 < 6 || (x > 400 && x < 410) ? 90 : 0
        const grain = random[i % 65536] >> 3
        const v = 235 - line - grain - Math.floor((x + y) / 200)
        image.data[i * 4] = v
        image.data[i * 4 + 1] = v - 4
        image.data[i * 4 + 2] = v - 12
        image.data[i * 4 + 3] = 255
      }
      context.putImageData(image, 0, 0)
      context.fillStyle = '#1a4f8b'
      context.font = 'bold 240px sans-serif'
      context.fillText('Van → naar', 500, 900)
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.92))
      const jpeg = new Uint8Array(await blob.arrayBuffer())
      const payload = new TextEncoder().encode(`Exif\0\0${secret}`)
      const app1 = new Uint8Array([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload])
      const file = new File([jpeg.subarray(0, 2), app1, jpeg.subarray(2)], name, { type: 'image/jpeg' })
      ;(window as unknown as { testPhoto: File }).testPhoto = file
      return file.size
    },
    { width, height, name, secret: EXIF_SECRET },
  )
}

/** Drops `window.testPhoto` on the board as a drop or paste does (tldraw's external content path). */
export async function dropPhotoInPage(page: Page, point = { x: 300, y: 300 }): Promise<void> {
  await page.evaluate(async (point) => {
    const file = (window as unknown as { testPhoto: File }).testPhoto
    await window.editor!.putExternalContent({ type: 'files', files: [file], point })
  }, point)
}
