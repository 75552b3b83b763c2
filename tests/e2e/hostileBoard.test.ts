import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { META_MAP, RECORDS_ARRAY, SCHEMA_KEY } from '../../client/sync/yRecords'
import { closeClient } from '../../bench/lib/harness/clients'
import { nestedValueUpdate } from '../../bench/lib/harness/hostileUpdates'
import { collectErrors, contextAs, newBoardLinks, openBoard, screenshot, useAppInBrowser } from '../support/browser'
import { connectClient, whenSynced } from '../../bench/lib/harness/server'

const app = useAppInBrowser()

const pageAs = async (name: string) => (await contextAs(app.browser, name)).newPage()
const shapeCount = (page: Page) => page.evaluate(() => window.editor!.getCurrentPageShapeIds().size)
const wsUrl = () => app.base.replace('http', 'ws') + '/sync'

/** Shapes in the board as the server has it now. */
async function shapesOnServer(boardId: string): Promise<number> {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, await app.server.relay.currentState(boardId))
  return doc.getArray<{ val: { typeName?: string } | null }>(RECORDS_ARRAY).toArray().filter((e) => e?.val?.typeName === 'shape').length
}

/** Real errors only: the page warns (not errors) about what it skipped. */
const realErrors = (errors: string[]) => errors.filter((e) => !/Failed to load resource/.test(e))

describe('a board that one participant tried to destroy', () => {
  it('still opens for everyone with every valid shape, the facilitator too, and after a reload', async () => {
    const links = await newBoardLinks(app.base)
    const facilitator = await pageAs('Gespreksleider')
    const errors = collectErrors(facilitator)
    await openBoard(facilitator, links.facilitator)
    await facilitator.evaluate(() => {
      window.editor!.createShape({ type: 'note', x: 100, y: 100 })
      window.editor!.createShape({ type: 'note', x: 400, y: 100 })
    })
    // A participant with a plain Yjs client writes what tldraw can never read.
    const hostile = connectClient(wsUrl(), { boardId: links.boardId, tokens: { facilitator: '', participant: new URL(links.participant).hash.slice(3), viewer: '' } })
    await whenSynced(hostile.provider)
    await expect.poll(() => hostile.doc.getArray(RECORDS_ARRAY).length).toBeGreaterThanOrEqual(4)
    hostile.doc.transact(() => {
      hostile.doc.getMap(META_MAP).set(SCHEMA_KEY, 'x')
      hostile.doc.getArray(RECORDS_ARRAY).push([null, { key: 'shape:kapot', val: null }, { key: 'shape:raar', val: { id: 'shape:raar', typeName: 'shape', type: 'bestaat-niet' } }])
    })
    await new Promise((r) => setTimeout(r, 300))
    closeClient(hostile)

    const participant = await pageAs('Deelnemer')
    const participantErrors = collectErrors(participant)
    await openBoard(participant, links.participant)
    await expect.poll(() => shapeCount(participant)).toBe(2)
    const viewer = await pageAs('Kijker')
    await openBoard(viewer, links.viewer)
    await expect.poll(() => shapeCount(viewer)).toBe(2)
    await facilitator.reload()
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await expect.poll(() => shapeCount(facilitator)).toBe(2)
    // And it goes on: a new note reaches the others.
    await participant.evaluate(() => void window.editor!.createShape({ type: 'note', x: 700, y: 100 }))
    await expect.poll(() => shapeCount(viewer)).toBe(3)
    await screenshot(viewer, 'hostile-board-viewer')
    expect(realErrors([...errors, ...participantErrors])).toEqual([])
    for (const page of [facilitator, participant, viewer]) await page.context().close()
  })

  it('tells the facilitator when the server kept stored changes it could not read', async () => {
    const links = await newBoardLinks(app.base)
    const first = await pageAs('Gespreksleider')
    await openBoard(first, links.facilitator)
    await first.evaluate(() => void window.editor!.createShape({ type: 'note', x: 100, y: 100 }))
    // The note is on the server before the page goes (closing it at once could lose it in flight).
    await expect.poll(() => shapesOnServer(links.boardId), { timeout: 10_000 }).toBe(1)
    await first.context().close()
    await expect.poll(() => app.server.relay.isLoaded(links.boardId), { timeout: 10_000 }).toBe(false)
    // What an older server accepted and stored.
    await app.server.store.append(links.boardId, nestedValueUpdate(7_000))

    const facilitator = await pageAs('Gespreksleider')
    await openBoard(facilitator, links.facilitator)
    await expect.poll(() => shapeCount(facilitator)).toBe(1)
    await facilitator.getByTestId('unreadable-updates').waitFor()
    expect(await facilitator.getByTestId('unreadable-updates').textContent()).toContain('één wijziging')
    await screenshot(facilitator, 'unreadable-updates-notice')
    const participant = await pageAs('Deelnemer')
    await openBoard(participant, links.participant)
    expect(await participant.getByTestId('unreadable-updates').count()).toBe(0) // for the facilitator only
    for (const page of [facilitator, participant]) await page.context().close()
  })

  it('a never-created board id gets a clear page, not a board', async () => {
    const page = await pageAs('Iemand')
    await page.goto(`${app.base}/b/${'A'.repeat(22)}`)
    await page.getByTestId('link-error').waitFor()
    expect(await page.getByTestId('link-error').textContent()).toContain('bestaat niet')
    await page.context().close()
  })
})
