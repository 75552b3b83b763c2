import { exportAs, type Editor, type TLShapeId } from 'tldraw'
import type { BoardDocs } from '../sync/boardSession'
import { buildReportCsv, buildReportMarkdown, type ReportInput } from './report'
import { Facilitation } from './facilitationState'
import { VOTES_MAP } from './useVotes'
import { countVotes } from './votes'

/** Scale of PNG/PDF exports: sharp enough to print or project. */
const EXPORT_SCALE = 2

export function saveFile(name: string, content: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A file name from the meeting title and today's date. */
export function baseName(docs: BoardDocs): string {
  const title = new Facilitation(docs.facilitationDoc).snapshot().title || 'samenbord'
  const day = new Date().toISOString().slice(0, 10)
  return `${title.replace(/[^\p{L}\p{N} _-]+/gu, '').trim().replace(/\s+/g, '-') || 'samenbord'}-${day}`
}

/** The selection when there is one (e.g. one frame), else the whole page. */
function exportIds(editor: Editor): TLShapeId[] {
  const selected = editor.getSelectedShapeIds()
  return selected.length > 0 ? selected : [...editor.getCurrentPageShapeIds()]
}

export async function exportImage(editor: Editor, docs: BoardDocs, format: 'png' | 'svg'): Promise<void> {
  await exportAs(editor, exportIds(editor), { format, name: baseName(docs), scale: EXPORT_SCALE })
}

/** The whole board (or the selection) as one PDF page the size of the picture. */
export async function exportPdf(editor: Editor, docs: BoardDocs): Promise<void> {
  const { blob, width, height } = await editor.toImage(exportIds(editor), { format: 'png', scale: EXPORT_SCALE, background: true })
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error)
    reader.readAsDataURL(blob)
  })
  const { jsPDF } = await import('jspdf') // loaded only when someone exports a PDF
  const pdf = new jsPDF({ orientation: width >= height ? 'landscape' : 'portrait', unit: 'px', format: [width, height], hotfixes: ['px_scaling'] })
  pdf.addImage(dataUrl, 'PNG', 0, 0, width, height)
  saveFile(`${baseName(docs)}.pdf`, pdf.output('arraybuffer'), 'application/pdf')
}

export function reportInput(editor: Editor, docs: BoardDocs): ReportInput {
  const state = new Facilitation(docs.facilitationDoc).snapshot()
  const shapes = editor.getCurrentPageShapes()
  const voting = state.voting
  const votes = voting
    ? countVotes(docs.doc.getMap(VOTES_MAP).entries(), voting.roundId, voting.votesPerPerson, new Set(shapes.map((s) => s.id as string)))
    : new Map<string, number>()
  return { title: state.title, agenda: state.agenda, date: new Date(), shapes, steps: state.steps, votes }
}

export function exportReport(editor: Editor, docs: BoardDocs, format: 'md' | 'csv'): void {
  const input = reportInput(editor, docs)
  if (format === 'md') saveFile(`${baseName(docs)}-verslag.md`, buildReportMarkdown(input), 'text/markdown;charset=utf-8')
  else saveFile(`${baseName(docs)}-verslag.csv`, buildReportCsv(input), 'text/csv;charset=utf-8')
}
