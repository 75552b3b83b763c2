import { dutchDate } from './dutchDate'
import { buildReportGroups } from './group'
import type { ReportInput, ReportItem } from './types'

/**
 * The report as Markdown: title, date, agenda, then one section per group with one bullet per
 * item. Participants' text is escaped (see `escapeText`): whoever opens the report in a Markdown
 * viewer sees what was written, never HTML or a link that a participant planted.
 */
export function buildReportMarkdown(input: ReportInput): string {
  const out: string[] = [`# ${heading(input.title) || 'Verslag'}`, '', `Datum: ${dutchDate(input.date)}`]
  const agenda = agendaItems(input.agenda)
  if (agenda.length) out.push('', '## Agenda', '', ...agenda.map((item) => `- ${escapeText(item)}`))
  for (const group of buildReportGroups(input)) {
    out.push('', `## ${heading(group.heading)}`, '', ...group.items.flatMap(bullet))
  }
  return out.join('\n') + '\n'
}

/** `1 stem`, `3 stemmen`. */
export function votesLabel(votes: number): string {
  return votes === 1 ? '1 stem' : `${votes} stemmen`
}

/**
 * One bullet: the first line after `- `, the next lines indented under it. Each line but the last
 * ends in two spaces, Markdown's hard line break, so the note's line breaks survive rendering.
 * The vote count goes after the last line.
 */
function bullet(item: ReportItem): string[] {
  const lines = item.lines.map((line) => escapeText(line.trim())).filter((line) => line !== '')
  if (item.votes > 0) lines[lines.length - 1] += ` (${votesLabel(item.votes)})`
  return lines.map((line, i) => `${i === 0 ? '- ' : '  '}${line}${i < lines.length - 1 ? '  ' : ''}`)
}

/**
 * Agenda items, one per line; blank lines dropped and a bullet the user typed ("- ", "* ", "• ")
 * removed, since the report adds its own.
 */
export function agendaItems(agenda: string): string[] {
  return agenda
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim().replace(/^[-*•–]\s+/, '').trim())
    .filter((line) => line !== '')
}

/** Text for an ATX heading: one line, and a trailing `#` run escaped (it would be read as a closing sequence). */
function heading(text: string): string {
  return escapeText(text.replace(/\s+/g, ' ').trim()).replace(/(\s)(#+)$/, '$1\\$2')
}

/**
 * Characters that make inline Markdown of their own: HTML tags and entities (`<`, `>`, `&`),
 * links and images (`[`, `]`), code (`` ` ``), and the backslash itself. Escaped, they are text:
 * `<img onerror=…>` and `[klik](javascript:…)` show as typed. Bare URLs stay links only where a
 * viewer autolinks them, which is for http(s) and www. alone.
 */
const INLINE_ACTIVE = /[\\`<>&[\]]/g

/** One line of a participant's text, safe as Markdown text: inline escapes, then `escapeLineStart`. */
export function escapeText(line: string): string {
  const inline = line.replace(INLINE_ACTIVE, '\\$&')
  return inline.startsWith('\\') ? inline : escapeLineStart(inline)
}

/**
 * Escapes what would make a line (already trimmed) start a block of its own inside a list item:
 * a heading, a list item, a quote, a thematic break or setext underline, a code fence, HTML, a
 * table delimiter row or a link reference definition. Anything else is left as typed, so the
 * usual "- punt" becomes "\- punt" but "-5 graden" stays.
 */
export function escapeLineStart(line: string): string {
  const ordered = /^(\d{1,9})([.)])(\s|$)/.exec(line)
  if (ordered) return `${ordered[1]}\\${line.slice(ordered[1].length)}`
  if (
    /^#{1,6}(\s|$)/.test(line) || // heading
    /^[-+*](\s|$)/.test(line) || // list item
    /^[>\\<]/.test(line) || // block quote, HTML block (and a leading backslash, which would escape our escape)
    /^([-*_])(\s*\1){2,}\s*$/.test(line) || // thematic break
    /^(=+|-+)\s*$/.test(line) || // setext underline
    /^(`{3,}|~{3,})/.test(line) || // code fence
    /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(line) || // table delimiter row
    /^\[[^\]]*\]:/.test(line) // link reference definition
  ) {
    return `\\${line}`
  }
  return line
}
