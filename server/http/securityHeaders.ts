import type { ServerResponse } from 'node:http'

/**
 * Only our own origin: tldraw's fonts, icons and translations are bundled, so nothing needs a CDN.
 * tldraw sets inline styles on shapes, hence 'unsafe-inline' for styles only. Keep `connect-src`
 * and `img-src` to 'self': without a licence key, and with trial or hobby keys, tldraw fetches a
 * tracking image from its CDN with the page's whole address, `#t=<token>` included. The policy
 * blocks it (the browser logs it as an error), so no board link ever leaves the school.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "media-src 'self' data: blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  // Board links are capabilities: never send them to another site.
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
}
