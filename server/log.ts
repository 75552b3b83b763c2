/** How the server's parts report what happened (one JSON line each, see `log`). */
export type LogFn = (message: string, extra?: Record<string, unknown>) => void

/** One JSON line per event, so logs can be grepped by board or connection. */
export function log(message: string, extra: Record<string, unknown> = {}): void {
  if (process.env.SAMENBORD_QUIET === '1') return
  console.log(JSON.stringify({ time: new Date().toISOString(), message, ...extra }))
}
