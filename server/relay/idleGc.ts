import * as v8 from 'node:v8'

/** Pause after the last board unloads before the idle collection: closing sockets finish first. */
const IDLE_GC_DELAY_MS = 1000

/**
 * With --expose-gc (benchmarks, soak): once no board is loaded and the last sockets have closed,
 * a compacting collection gives the boards' memory back to the system. A plain full collection
 * frees the boards' objects but leaves the survivors spread over half-empty pages, which V8
 * keeps; compacting moves them together so whole pages are returned. (Changing this GC flag
 * at run time is safe: V8 reads it at each collection.) `isIdle` is asked again when the time comes.
 */
export function scheduleIdleGc(isIdle: () => boolean): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc || pending) return
  pending = setTimeout(() => {
    pending = null
    if (!isIdle()) return
    v8.setFlagsFromString('--compact-on-every-full-gc')
    try {
      gc()
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc')
    }
  }, IDLE_GC_DELAY_MS)
  pending.unref()
}

let pending: ReturnType<typeof setTimeout> | null = null
