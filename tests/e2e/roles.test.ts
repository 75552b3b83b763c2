import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { collectErrors, contextAs, openBoard, screenshot, useAppInBrowser, waitForConnection } from '../support/browser'

const app = useAppInBrowser()

const pageAs = async (name: string) => (await contextAs(app.browser, name)).newPage()
const shapeCount = (page: Page) => page.evaluate(() => window.editor!.getCurrentPageShapeIds().size)

describe('role links in three browsers: facilitator, participant, viewer', () => {
  it('shares links with a QR code; the viewer cannot change the board, even through the editor API', async () => {
    const facilitator = await pageAs('Gespreksleider')
    const errors = collectErrors(facilitator)
    await facilitator.goto(app.base + '/')
    await facilitator.getByTestId('new-board').click()
    await facilitator.waitForURL(/#t=/)
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await waitForConnection(facilitator, 'connected')

    await facilitator.getByTestId('share').click()
    await facilitator.getByTestId('share-qr').waitFor()
    const participantLink = await facilitator.getByTestId('link-participant').inputValue()
    const viewerLink = await facilitator.getByTestId('link-viewer').inputValue()
    expect(participantLink).not.toBe(viewerLink)
    await screenshot(facilitator, 'share-dialog')
    await facilitator.keyboard.press('Escape')

    const participant = await pageAs('Deelnemer')
    const viewer = await pageAs('Kijker')
    await openBoard(participant, participantLink)
    await openBoard(viewer, viewerLink)
    expect(await viewer.evaluate(() => window.editor!.getIsReadonly())).toBe(true)
    expect(await viewer.getByTestId('insert-template').count()).toBe(0)
    // A viewer who never gave a name is not asked (they only look) and shows as "Kijker".
    const unnamed = await (await app.browser.newContext()).newPage()
    await openBoard(unnamed, viewerLink)
    expect(await unnamed.getByTestId('name-input').count()).toBe(0)
    expect(await unnamed.evaluate(() => window.editor!.user.getName())).toBe('Kijker')
    await unnamed.context().close()
    expect(await participant.evaluate(() => window.editor!.getIsReadonly())).toBe(false)
    // Templates: the facilitator's, unless the facilitator lets participants insert them too.
    expect(await participant.getByTestId('insert-template').count()).toBe(0)
    await facilitator.getByTestId('meeting-menu').click()
    await facilitator.getByTestId('templates-for-all').check()
    await participant.getByTestId('insert-template').waitFor()
    expect(await viewer.getByTestId('insert-template').count()).toBe(0)
    await facilitator.getByTestId('templates-for-all').uncheck()
    await expect.poll(() => participant.getByTestId('insert-template').count()).toBe(0)
    await facilitator.keyboard.press('Escape')

    await participant.evaluate(() => {
      window.editor!.createShape({ type: 'geo', x: 0, y: 0, props: { w: 100, h: 100 } })
    })
    await expect.poll(() => viewer.evaluate(() => window.editor!.getCurrentPageShapeIds().size)).toBe(1)

    // The viewer tampers: switches read-only off in its own browser and writes with the editor
    // (a view-only page never sends store changes), then writes into the Y.Doc itself, which
    // does go out — and the server refuses it and closes the connection.
    await viewer.evaluate(() => {
      const editor = window.editor!
      editor.updateInstanceState({ isReadonly: false })
      editor.createShape({ type: 'geo', x: 500, y: 500, props: { w: 100, h: 100 } })
      const forged = { ...editor.getCurrentPageShapes().find((s) => s.x === 500)!, id: 'shape:forged' }
      window.samenbordDoc!.getArray('tl_records').push([{ key: forged.id, val: forged }])
    })
    await waitForConnection(viewer, 'closed')
    expect(await viewer.getByRole('alert').textContent()).toContain('geen toegang')
    // After the refusal, a real edit still flows, and the viewer's shape reached nobody.
    await participant.evaluate(() => {
      window.editor!.createShape({ type: 'geo', x: 200, y: 0, props: { w: 100, h: 100 } })
    })
    await expect.poll(() => shapeCount(facilitator)).toBe(2)
    expect(await shapeCount(participant)).toBe(2)
    const xs = await facilitator.evaluate(() => window.editor!.getCurrentPageShapes().map((s) => s.x).sort())
    expect(xs).toEqual([0, 200])

    // The participant tampers with the facilitation room (title, timer: the facilitator's link
    // only). The server refuses it, and the page says so although its board connection is fine.
    await viewer.reload()
    await waitForConnection(viewer, 'connected')
    await viewer.evaluate(() => {
      const map = window.samenbordFacilitationDoc!.getMap('facilitation')
      map.observe(() => {
        if (map.get('title') === 'Gekaapt') (window as { sawHijack?: boolean }).sawHijack = true
      })
    })
    await participant.evaluate(() => {
      window.samenbordFacilitationDoc!.getMap('facilitation').set('title', 'Gekaapt')
    })
    await waitForConnection(participant, 'closed')
    expect(await participant.getByRole('alert').textContent()).toContain('geen toegang')
    await facilitator.getByTestId('board-title-input').fill('Leerteam rekenen')
    await facilitator.getByTestId('board-title-input').press('Enter')
    await expect.poll(() => viewer.getByTestId('board-title').textContent()).toBe('Leerteam rekenen')
    expect(await viewer.evaluate(() => (window as { sawHijack?: boolean }).sawHijack ?? false)).toBe(false)
    expect(errors).toEqual([])
  })

  it('a wrong token gets a clear page, and "Mijn borden" lists the board', async () => {
    const page = await pageAs('Iemand')
    await page.goto(app.base + '/')
    await page.getByTestId('new-board').click()
    await page.waitForURL(/#t=/)
    const boardPath = new URL(page.url()).pathname
    await page.goto(`${app.base}${boardPath}#t=${'A'.repeat(22)}`)
    await page.reload()
    await page.getByTestId('link-error').waitFor()
    expect(await page.getByTestId('link-error').textContent()).toContain('Deze link hoort niet bij dit bord')
    await page.goto(app.base + '/')
    await page.getByTestId('my-boards').waitFor()
    expect(await page.locator('[data-testid="my-boards"] li').count()).toBe(1)
  })
})
