import { useState } from 'react'
import { useEditor } from 'tldraw'
import type { BoardDocs } from '../sync/boardSession'
import { texts } from '../i18n'
import { usePopover } from './usePopover'
import { exportImage, exportPdf, exportReport } from './downloads'

/** "Exporteren": the board (or the selected frame) as PNG, SVG or PDF, and the meeting report. */
export function ExportMenu({ docs }: { docs: BoardDocs }) {
  const t = texts()
  const editor = useEditor()
  const [open, setOpen] = usePopover()
  const [busy, setBusy] = useState(false)
  const run = (action: () => unknown) => async () => {
    setBusy(true)
    try {
      await action()
    } catch (error) {
      console.warn('Samenbord: export failed', error)
      alert(t.exportFailed)
    } finally {
      setBusy(false)
      setOpen(false)
    }
  }
  return (
    <span className="menu-anchor">
      <button className="bar-button" data-testid="export-menu" onClick={() => setOpen((v) => !v)}>
        {t.export}
      </button>
      {open && (
        <div className="bar-popover" role="menu">
          <p className="menu-hint">{t.exportHint}</p>
          <button className="bar-button" disabled={busy} data-testid="export-png" onClick={run(() => exportImage(editor, docs, 'png'))}>PNG</button>
          <button className="bar-button" disabled={busy} data-testid="export-svg" onClick={run(() => exportImage(editor, docs, 'svg'))}>SVG</button>
          <button className="bar-button" disabled={busy} data-testid="export-pdf" onClick={run(() => exportPdf(editor, docs))}>PDF</button>
          <button className="bar-button" disabled={busy} data-testid="export-report-md" onClick={run(() => exportReport(editor, docs, 'md'))}>
            {t.reportMarkdown}
          </button>
          <button className="bar-button" disabled={busy} data-testid="export-report-csv" onClick={run(() => exportReport(editor, docs, 'csv'))}>
            {t.reportCsv}
          </button>
        </div>
      )}
    </span>
  )
}
