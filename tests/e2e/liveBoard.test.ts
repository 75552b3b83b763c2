import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { collectErrors, exceptOfflineNetworkCalls, newBoardLinks, openBoard, recordRequests, screenshot, useAppInBrowser, waitForConnection } from '../support/browser'

const app = useAppInBrowser()

/** Text of all note shapes on the current page, read from the model (not pixels). */
function noteTexts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    window.editor!.getCurrentPageShapes()
      .filter((s) => s.type === 'note')
      .map((s) => JSON.stringify((s.props as { richText: unknown }).richText)),
  )
}

describe('live board in two real browsers', () => {
  it('shares notes, cursors and offline edits; keeps the board on reload; stays on localhost', async () => {
    const contextA = await app.browser.newContext()
    const contextB = await app.browser.newContext()
    const requests = [...[contextA, contextB].map(recordRequests)]
    const pageA = await contextA.newPage()
    const pageB = await contextB.newPage()
    const errorsOf = [collectErrors(pageA), collectErrors(pageB)]
    const links = await newBoardLinks(app.base)

    // Step 1: both open the board (the participants' link) and say who they are.
    await openBoard(pageA, links.participant, 'Anna')
    await openBoard(pageB, links.participant, 'Bram')
    expect(await pageA.evaluate(() => window.editor!.user.getLocale())).toBe('nl')

    // Step 2: Anna types a sticky note with the keyboard; Bram sees it with its text.
    await pageA.mouse.click(500, 350)
    await pageA.keyboard.press('n')
    await pageA.mouse.click(500, 350)
    await pageA.waitForFunction(
      () => Boolean(window.editor!.getEditingShapeId()) && (document.activeElement as HTMLElement | null)?.isContentEditable,
    )
    await pageA.keyboard.type('Hallo PLG')
    await pageA.keyboard.press('Escape')
    await expect.poll(() => noteTexts(pageB), { timeout: 15_000 }).toEqual([expect.stringContaining('Hallo PLG')])

    // Step 3: Bram sees Anna's cursor with her name.
    await pageA.mouse.move(300, 300)
    await pageA.mouse.move(320, 310)
    await expect
      .poll(() =>
        pageB.evaluate(() =>
          window.editor!.getCollaboratorsOnCurrentPage().map((c) => ({ name: c.userName, hasCursor: Boolean(c.cursor) })),
        ),
      )
      .toEqual([{ name: 'Anna', hasCursor: true }])
    await screenshot(pageB, 'live-board-b-sees-anna')

    // Step 4: a reload keeps the board.
    await pageB.reload()
    await pageB.waitForFunction(() => Boolean(window.editor))
    await expect.poll(() => noteTexts(pageB)).toEqual([expect.stringContaining('Hallo PLG')])

    // Step 5: Anna goes offline, edits, reloads while offline (the board is still there),
    // comes back; Bram gets her offline edit.
    await pageA.evaluate(() => navigator.serviceWorker.ready)
    await contextA.setOffline(true)
    await waitForConnection(pageA, 'offline')
    // The hardest moment: the page reloads in the very task in which the edit reaches the
    // board's Y.Doc, while y-indexeddb's write of it is still in flight (client/sync/unsavedEdits.ts).
    await pageA.evaluate(() => {
      ;(window as { reloadedAway?: boolean }).reloadedAway = true
      window.samenbordDoc!.on('update', () => location.reload())
      window.editor!.createShape({
        type: 'note',
        x: 800,
        y: 200,
        props: {
          richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Offline idee' }] }] },
        },
      })
    })
    await expect
      // An offline reload under CI load can take longer than the default 5 s (the service worker
      // serves the app, IndexedDB opens four databases, and Chromium still dials: see
      // exceptOfflineNetworkCalls).
      .poll(() => pageA.evaluate(() => !(window as { reloadedAway?: boolean }).reloadedAway && Boolean(window.editor)).catch(() => false), { timeout: 20_000 })
      .toBe(true)
    await pageA.waitForFunction(() => Boolean(window.editor))
    await expect.poll(() => noteTexts(pageA)).toHaveLength(2)
    await contextA.setOffline(false)
    await waitForConnection(pageA, 'connected')
    await expect.poll(() => noteTexts(pageB), { timeout: 15_000 }).toContainEqual(expect.stringContaining('Offline idee'))

    // Step 6: undo undoes only your own change, even when someone else edited after you.
    await pageA.evaluate(() => {
      window.editor!.markHistoryStoppingPoint('anna adds a square')
      window.editor!.createShape({ type: 'geo', x: 100, y: 600, props: { w: 80, h: 80 } })
    })
    await expect.poll(() => pageB.evaluate(() => window.editor!.getCurrentPageShapes().length)).toBe(3)
    await pageB.evaluate(() => {
      window.editor!.createShape({ type: 'geo', x: 400, y: 600, props: { w: 80, h: 80 } })
    })
    await expect.poll(() => pageA.evaluate(() => window.editor!.getCurrentPageShapes().length)).toBe(4)
    await pageA.evaluate(() => {
      window.editor!.undo()
    })
    const geoXs = () =>
      pageB.evaluate(() => window.editor!.getCurrentPageShapes().filter((s) => s.type === 'geo').map((s) => s.x))
    await expect.poll(geoXs).toEqual([400])
    expect(await noteTexts(pageB)).toHaveLength(2)

    // Nothing left localhost, and no page logged an error.
    const outside = requests.flat().filter((u) => !/^(https?|wss?):\/\/127\.0\.0\.1:\d+\//.test(u) && !/^(data|blob):/.test(u))
    expect(outside).toEqual([])
    expect(exceptOfflineNetworkCalls(errorsOf.flat())).toEqual([])
    await contextA.close()
    await contextB.close()
  })
})
