import type { IncomingMessage } from 'node:http'

/**
 * Whether a browser request comes from our own pages: the same origin always, `allowedOrigins`
 * besides. Programs that are not browsers send no Origin (they could send any): they pass, since
 * an origin check only stops other websites from using a visitor's browser against us.
 */
export function originAllowed(req: IncomingMessage, allowedOrigins: string[]): boolean {
  const origin = req.headers.origin
  if (!origin) return true
  if (allowedOrigins.includes('*') || allowedOrigins.includes(origin)) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}
