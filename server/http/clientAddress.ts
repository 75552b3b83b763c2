import type { IncomingMessage } from 'node:http'

/**
 * The address of the participant behind a request. Behind `trustedHops` reverse proxies (nginx,
 * Caddy) that each append the address they saw to X-Forwarded-For, it is the entry that many
 * places from the end; the entries before it were written by the client and prove nothing. With
 * 0, or a header too short to be the proxies', the socket's own address counts.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const direct = req.socket.remoteAddress ?? 'unknown'
  if (trustedHops === 0) return direct
  const header = req.headers['x-forwarded-for']
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  return entries.length >= trustedHops ? entries[entries.length - trustedHops] : direct
}
