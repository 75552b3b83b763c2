import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../protocol/limits'
import { collectErrors, exceptOfflineNetworkCalls, newBoardLinks, openBoard, useAppInBrowser, waitForConnection } from '../support/browser'

const app = useAppInBrowser()
/** A note as large as a pasted document: over the 1 MiB a record may take (half a message). */
const HUGE_NOTE_CHARS = 3 * 1024 * 1024
/** Notes written offline: each well under that limit, together well over one message. */
const OFFLINE_NOTES = 10
const OFFLINE_NOTE_CHARS = 500 * 1024
const SYNC_TIMEOUT_MS = 30_000

/**
 * Creates a note with `text` carrying `chars` of data, as a paste or a tool would. The bulk is in
 * the shape's meta: the same bytes to sync, without the browser laying out megabytes of text.
 */
function createNote(page: Page, text: string, chars: number, x: number) {
  return page.evaluate(
    ({ text, chars, x }) => {
      window.editor!.createShape({
        type: 'note',
        x,
        y: 200,
        meta: { pasted: ''.padEnd(chars, 'lorem ipsum ') },
        props: { richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] } },
      })
    },
    { text, chars, x },
  )
}

/** The first words of every note on the page (read from the model). */
function noteStarts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    window
      .editor!.getCurrentPageShapes()
      .filter((s) => s.type === 'note')
      .map((s) => JSON.stringify((s.props as { richText: unknown }).richText).match(/"text":"([^"]+)"/)?.[1] ?? '')
      .sort(),
  )
}

describe('no change too big to sync', () => {
  it('a 3 MB note is refused with a Dutch notice and blocks nothing; a 5 MB offline backlog arrives whole', async () => {
    const [contextA, contextB] = [await app.browser.newContext(), await app.browser.newContext()]
    const [pageA, pageB] = [await contextA.newPage(), await contextB.newPage()]
    const errorsOf = [collectErrors(pageA), collectErrors(pageB)]
    const links = await newBoardLinks(app.base)
    await openBoard(pageA, links.participant, 'Anna')
    await openBoard(pageB, links.participant, 'Bram')

    // A note far over what one message may carry: not on the board, and A is told so.
    await createNote(pageA, 'Enorm', HUGE_NOTE_CHARS, 100)
    await expect
      .poll(() => pageA.getByTestId('too-large').textContent(), { timeout: 10_000 })
      .toContain('Dit is te groot om te delen en is niet op het bord gezet.')
    await expect.poll(() => noteStarts(pageA)).toEqual([])
    // A stays connected, and its next note reaches B.
    await waitForConnection(pageA, 'connected')
    await createNote(pageA, 'Daarna', 20, 400)
    await expect.poll(() => noteStarts(pageB), { timeout: SYNC_TIMEOUT_MS }).toEqual(['Daarna'])
    expect(await pageA.getByTestId('connection').getAttribute('data-state')).toBe('connected')

    // Offline: ten notes of half a megabyte, 2.5× the server's message limit together.
    await contextA.setOffline(true)
    await waitForConnection(pageA, 'offline')
    for (let i = 0; i < OFFLINE_NOTES; i++) await createNote(pageA, `Offline${i}`, OFFLINE_NOTE_CHARS, 600 + i * 50)
    expect(OFFLINE_NOTES * OFFLINE_NOTE_CHARS).toBeGreaterThan(DEFAULT_MAX_MESSAGE_BYTES * 2)
    await contextA.setOffline(false)
    const expected = ['Daarna', ...Array.from({ length: OFFLINE_NOTES }, (_, i) => `Offline${i}`)].sort()
    await expect.poll(() => noteStarts(pageB), { timeout: SYNC_TIMEOUT_MS, interval: 250 }).toEqual(expected)
    await waitForConnection(pageA, 'connected')
    // Stored by the server too: a reload of B gets it all from there.
    await pageB.reload()
    await pageB.waitForFunction(() => Boolean(window.editor))
    await expect.poll(() => noteStarts(pageB), { timeout: SYNC_TIMEOUT_MS }).toEqual(expected)

    const warnings = errorsOf.map(exceptOfflineNetworkCalls)
    expect(warnings).toEqual([[], []])
    await Promise.all([contextA.close(), contextB.close()])
  })
})
