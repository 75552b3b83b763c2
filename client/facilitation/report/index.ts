/**
 * The meeting report ("Verslag"): plain data in, Markdown or CSV out. No React, no DOM, no editor;
 * the caller reads the page's shapes, the facilitation map and the vote counts.
 */
export { buildReportCsv, CSV_SEPARATOR } from './csv'
export { buildReportGroups } from './group'
export { buildReportMarkdown } from './markdown'
export { OTHER_HEADING, UNTITLED_HEADING, type ReportGroup, type ReportInput, type ReportItem, type ReportItemKind } from './types'
