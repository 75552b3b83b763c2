/** Percentile of a sample (nearest rank), in the sample's unit. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]
}

export function formatTable(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)))
  const line = (r: Array<string | number>) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |'
  return [line(cells[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.slice(1).map(line)].join('\n')
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–'
  if (Math.abs(n) >= 100) return n.toFixed(0)
  if (Math.abs(n) >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

/** One group's part of docs/performance.md. */
export interface Section {
  title: string
  /** How it was measured (markdown). */
  method: string
  tables: string[]
  /** Observations, printed after the tables (markdown). */
  notes?: string
}

export function median(values: number[]): number {
  return percentile(values, 50)
}

/** Bytes in KiB or MiB, for tables. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–'
  if (Math.abs(bytes) >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`
  if (Math.abs(bytes) >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`
  return `${Math.round(bytes)} B`
}
