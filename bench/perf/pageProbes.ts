import type { Browser, Page } from 'playwright-core'

/**
 * Measurements taken inside a board page (headless Chromium). Code that runs in the page is
 * passed as source text where it defines functions: the esbuild transform of tsx would add a
 * helper (`__name`) to them that the page lacks.
 */

/** The page's name question is answered in advance (localStorage key of BoardPage). */
const NAME_KEY = 'samenbord:name'
const LOAD_TIMEOUT_MS = 120_000
/** Remote writes per batch size when timing the store (see `remotePutCost`). */
const PUT_REPEATS = 20

export async function namedPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  await context.addInitScript((key) => localStorage.setItem(key, 'Bench'), NAME_KEY)
  return context.newPage()
}

/** Milliseconds from navigation start to DOMContentLoaded and until `window.editor` holds all shapes. */
export async function timeToInteractive(page: Page, shapes: number): Promise<{ domReady: number; interactive: number }> {
  const handle = await page.waitForFunction(
    (n) => {
      const editor = window.editor
      return editor && editor.getCurrentPageShapeIds().size >= n ? performance.now() : false
    },
    shapes,
    { timeout: LOAD_TIMEOUT_MS },
  )
  const interactive = (await handle.jsonValue()) as number
  const domReady = await page.evaluate(
    () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
  )
  return { domReady, interactive }
}

/** requestAnimationFrame deltas over `ms`, in milliseconds. */
export function frameDeltas(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`new Promise((resolve) => {
    const deltas = []
    let start = 0
    let last = 0
    const frame = (t) => {
      if (start === 0) start = t
      else deltas.push(t - last)
      last = t
      if (t - start < ${ms}) requestAnimationFrame(frame)
      else resolve(deltas)
    }
    requestAnimationFrame(frame)
  })`)
}

/**
 * What one remote change costs the page: `store.mergeRemoteChanges(() => store.put(records))`,
 * as the binding does once per animation frame with the remote changes that arrived in it, for
 * `batch` moved shapes at once (records cloned through JSON, as they arrive from Yjs). Median
 * milliseconds per call, by batch size.
 * The moves are remote, so the binding does not send them; they cancel out (±5 px).
 */
export function remotePutCost(page: Page, batches: number[]): Promise<Record<number, number>> {
  return page.evaluate(`(async () => {
    const store = window.editor.store
    const ids = [...window.editor.getCurrentPageShapeIds()]
    const result = {}
    for (const batch of ${JSON.stringify(batches)}) {
      const times = []
      for (let i = 0; i < ${PUT_REPEATS}; i++) {
        const records = ids.slice(0, batch).map((id) => {
          const r = store.get(id)
          return JSON.parse(JSON.stringify({ ...r, x: r.x + (i % 2 ? -5 : 5) }))
        })
        const t = performance.now()
        store.mergeRemoteChanges(() => store.put(records))
        times.push(performance.now() - t)
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
      }
      times.sort((a, b) => a - b)
      result[batch] = times[Math.floor(times.length / 2)]
    }
    return result
  })()`)
}
