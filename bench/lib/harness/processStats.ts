import { readFileSync } from 'node:fs'

export const BYTES_PER_KIB = 1024
export const BYTES_PER_MIB = 1024 * 1024

/** Resident memory of a process from /proc (Linux): now (VmRSS) and its peak so far (VmHWM), in bytes. */
export function readMemory(pid: number): { rssBytes: number; peakRssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) => {
    const match = status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))
    if (!match) throw new Error(`${name} not found in /proc/${pid}/status`)
    return Number(match[1]) * BYTES_PER_KIB
  }
  return { rssBytes: field('VmRSS'), peakRssBytes: field('VmHWM') }
}

export function mib(bytes: number): number {
  return Math.round((bytes / BYTES_PER_MIB) * 10) / 10
}

export interface Health {
  ok: boolean
  loadedBoards: number
  connections: number
  heapUsedBytes: number
  /** process.memoryUsage() of the server. */
  memory: { rssBytes: number; heapTotalBytes: number; heapUsedBytes: number; externalBytes: number; arrayBuffersBytes: number }
}

/** RssAnon (heap, V8, buffers, malloc) and RssFile (mapped files: code, SQLite) of a process, in bytes. */
export function readRssParts(pid: number): { anonBytes: number; fileBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * BYTES_PER_KIB
  return { anonBytes: field('RssAnon'), fileBytes: field('RssFile') }
}

/** GET /healthz of a server on loopback. */
export async function fetchHealth(port: number): Promise<Health> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`)
  if (!response.ok) throw new Error(`/healthz answered ${response.status}`)
  return (await response.json()) as Health
}

/** Resolves once `condition` holds, checking every `intervalMs`; rejects after `timeoutMs`. */
export async function pollUntil(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs, intervalMs = 20, what = 'condition' }: { timeoutMs: number; intervalMs?: number; what?: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
