import { buildReportGroups } from './group'
import type { ReportInput, ReportItemKind } from './types'

/**
 * CSV for spreadsheets. Separator `;`: Excel in a Dutch locale (decimal comma) splits columns on
 * `;` and would put a comma-separated file in one column. Fields are quoted as in RFC 4180 (when
 * they contain the separator, a quote or a line break; quotes doubled), records end in CRLF and
 * the file starts with a UTF-8 BOM, without which Excel reads "één" as "Ã©Ã©n".
 */
export const CSV_SEPARATOR = ';'
const BOM = '\uFEFF'
const CRLF = '\r\n'

const KIND_LABELS: Record<ReportItemKind, string> = { note: 'notitie', text: 'tekst', geo: 'vorm' }

export function buildReportCsv(input: ReportInput): string {
  const rows: (string | number)[][] = [['groep', 'type', 'tekst', 'stemmen', 'x', 'y']]
  for (const group of buildReportGroups(input)) {
    for (const item of group.items) {
      rows.push([group.heading, KIND_LABELS[item.kind], item.lines.join('\n'), item.votes, Math.round(item.x), Math.round(item.y)])
    }
  }
  return BOM + rows.map((row) => row.map(csvField).join(CSV_SEPARATOR)).join(CRLF) + CRLF
}

/**
 * One field. Text starting with `=`, `+`, `-` or `@` gets a leading `'`: Excel would otherwise
 * run it as a formula (a note "- meer tijd" shows as #NAME?, and a peer could plant
 * `=HYPERLINK(…)`); this is OWASP's advice for CSV injection.
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value)
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
