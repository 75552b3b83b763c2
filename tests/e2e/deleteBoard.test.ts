import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { collectErrors, contextAs, newBoardLinks, openBoard, recordRequests, screenshot, useAppInBrowser } from '../support/browser'

const app = useAppInBrowser()

/** The names of the page's IndexedDB databases. */
const databases = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').sort())
/** The page's localStorage keys and values that mention the board. */
const storedAbout = (page: Page, boardId: string) =>
  page.evaluate((id) => Object.entries(localStorage).filter(([key, value]) => key.includes(id) || value.includes(id)), boardId)
/** What the browser says about the API's 410 for a deleted board is expected; anything else is not. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 410/.test(e))

describe('"Bord verwijderen" in two real browsers', () => {
  it('the facilitator deletes the board from the menu; the participant\'s open page says so and keeps nothing of it', async () => {
    const facilitatorContext = await contextAs(app.browser, 'Gespreksleider')
    const participantContext = await contextAs(app.browser, 'Deelnemer')
    const requests = [facilitatorContext, participantContext].map(recordRequests)
    const facilitator = await facilitatorContext.newPage()
    const participant = await participantContext.newPage()
    const errors = [collectErrors(facilitator), collectErrors(participant)]
    const links = await newBoardLinks(app.base)
    const { boardId } = links
    await openBoard(facilitator, links.facilitator)
    await openBoard(participant, links.participant)

    // The participant writes a note: the board is on its device now (IndexedDB, "Mijn borden").
    await participant.evaluate(() => {
      const text = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Vertrouwelijk punt' }] }] }
      window.editor!.createShape({ type: 'note', x: 200, y: 200, props: { richText: text } })
    })
    await expect.poll(() => facilitator.evaluate(() => JSON.stringify(window.editor!.getCurrentPageShapes()))).toContain('Vertrouwelijk punt')
    await expect.poll(() => databases(participant)).toEqual(expect.arrayContaining([`samenbord-${boardId}`, `samenbord-${boardId}-prive`]))
    expect(await databases(facilitator)).toEqual(expect.arrayContaining([`samenbord-${boardId}`, `samenbord-${boardId}-leiding`]))
    expect(await storedAbout(participant, boardId)).not.toEqual([])

    // The menu says when the server would delete the board by itself (a year after it was opened).
    await facilitator.getByTestId('meeting-menu').click()
    const nextYear = String(new Date().getFullYear() + 1)
    await expect.poll(() => facilitator.getByTestId('delete-after').textContent()).toMatch(new RegExp(`^Wordt automatisch verwijderd op \\d+ \\p{L}+ ${nextYear} als niemand het bord opent\\.$`, 'u'))

    // "Bord verwijderen" asks first, in plain Dutch; "Annuleren" deletes nothing.
    await facilitator.getByTestId('delete-board').click()
    await facilitator.getByText('Het bord, alle momentopnamen en alle notities worden voorgoed verwijderd, ook voor de anderen.', { exact: false }).waitFor()
    await screenshot(facilitator, 'delete-board-confirm')
    await facilitator.getByTestId('delete-board-cancel').click()
    expect(await app.server.store.loadAccess(boardId)).not.toBe('deleted')
    await facilitator.getByTestId('delete-board').click()
    await facilitator.getByTestId('delete-board-confirm').click()

    // Both open pages say so, and drop what they kept of the board.
    for (const page of [participant, facilitator]) {
      await expect.poll(() => page.getByTestId('link-error').textContent(), { timeout: 10_000 }).toBe('Dit bord is verwijderd.')
      await expect.poll(() => databases(page).then((names) => names.filter((n) => n.includes(boardId)))).toEqual([])
      await expect.poll(() => storedAbout(page, boardId)).toEqual([])
    }
    await screenshot(participant, 'board-deleted')
    expect(await app.server.store.loadAccess(boardId)).toBe('deleted')
    expect(app.server.relay.isOpen(boardId)).toBe(false)

    // The link opens nothing any more, and the page keeps nothing of it.
    const again = await participantContext.newPage()
    errors.push(collectErrors(again))
    await again.goto(links.participant)
    await expect.poll(() => again.getByTestId('link-error').textContent()).toBe('Dit bord is verwijderd.')
    expect((await databases(again)).filter((n) => n.includes(boardId))).toEqual([])
    expect(await storedAbout(again, boardId)).toEqual([])
    await again.goto(app.base + '/')
    await expect.poll(() => again.getByTestId('my-boards').count()).toBe(0)

    // Nothing left the server, and no page logged an error (beyond the browser's note of the 410).
    const outside = requests.flat().filter((u) => !/^(https?|wss?):\/\/127\.0\.0\.1:\d+\//.test(u) && !/^(data|blob):/.test(u))
    expect(outside).toEqual([])
    expect(unexpected(errors.flat())).toEqual([])
    await facilitatorContext.close()
    await participantContext.close()
  })

  it('the browser refuses to contact any other address (what tldraw would send its licence report to)', async () => {
    const context = await app.browser.newContext()
    const page = await context.newPage()
    await page.goto(app.base + '/')
    const attempt = await page.evaluate(async () => {
      const refusal = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => resolve(`${e.effectiveDirective} ${e.blockedURI}`), { once: true }),
      )
      const url = `https://cdn.tldraw.com/watermarks/watermark-track.svg?url=${encodeURIComponent(location.href)}`
      const outcome = await fetch(url).then(
        () => 'sent',
        () => 'not sent',
      )
      return { outcome, refusal: await refusal }
    })
    expect(attempt).toEqual({ outcome: 'not sent', refusal: expect.stringMatching(/^connect-src https:\/\/cdn\.tldraw\.com/) })
    await context.close()
  })
})
