import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { collectErrors, contextAs, exceptOfflineNetworkCalls, openBoard, screenshot, useAppInBrowser, waitForConnection } from '../support/browser'

const app = useAppInBrowser()

const pageAs = async (name: string) => (await contextAs(app.browser, name, { width: 1500, height: 950 })).newPage()
const remaining = (page: Page) => page.getByTestId('timer').getAttribute('data-remaining-ms').then(Number)

describe('running a meeting: facilitator, participant and viewer', () => {
  it('title, steps, a shared timer, bringing everyone along, and a voting round', async () => {
    const facilitator = await pageAs('Gespreksleider')
    const errors = collectErrors(facilitator)
    await facilitator.goto(app.base + '/')
    await facilitator.getByTestId('new-board-from-template').click()
    await facilitator.getByTestId('template-intervisie').click()
    await facilitator.waitForURL(/#t=/)
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await waitForConnection(facilitator, 'connected')
    await facilitator.getByTestId('share').click()
    const participantLink = await facilitator.getByTestId('link-participant').inputValue()
    const viewerLink = await facilitator.getByTestId('link-viewer').inputValue()
    await facilitator.keyboard.press('Escape')

    // Title, set by the facilitator, shown to all.
    await facilitator.getByTestId('board-title-input').fill('Intervisie 12 maart')
    await facilitator.getByTestId('board-title-input').press('Enter')
    const participant = await pageAs('Deelnemer')
    const viewer = await pageAs('Kijker')
    await openBoard(participant, participantLink)
    await openBoard(viewer, viewerLink)
    for (const page of [participant, viewer]) {
      await expect.poll(() => page.getByTestId('board-title').textContent()).toBe('Intervisie 12 maart')
    }
    expect(await participant.getByTestId('timer-start').count()).toBe(0)

    // Steps: the first step sets its minutes and is shown to everyone.
    await facilitator.getByTestId('step-next').click()
    await expect.poll(() => participant.getByTestId('current-step').textContent()).toContain('1/5')
    await expect.poll(() => remaining(participant)).toBe(5 * 60_000)
    await participant.getByTestId('step-highlight').waitFor()
    // The "‹" button has a spoken (and hover) name in Dutch.
    await facilitator.getByRole('button', { name: 'Vorige stap', exact: true }).waitFor()

    // The timer runs in sync on every screen (within a second), also for a late joiner.
    await facilitator.getByTestId('timer-start').click()
    await expect.poll(() => remaining(viewer)).toBeLessThan(5 * 60_000)
    const [a, b, c] = await Promise.all([remaining(facilitator), remaining(participant), remaining(viewer)])
    expect(Math.max(a, b, c) - Math.min(a, b, c)).toBeLessThan(1000)
    const late = await pageAs('Laatkomer')
    await openBoard(late, participantLink)
    const [f, l] = await Promise.all([remaining(facilitator), remaining(late)])
    expect(Math.abs(f - l)).toBeLessThan(1000)
    await facilitator.getByTestId('timer-pause').click()
    await expect.poll(() => participant.getByTestId('timer').getAttribute('class')).not.toContain('timer-running')

    // "Breng iedereen hierheen": the participant's view moves to the current step's area.
    await participant.evaluate(() => {
      window.editor!.setCamera({ x: -20000, y: -20000, z: 1 })
    })
    await facilitator.getByTestId('summon').click()
    await expect
      .poll(() =>
        participant.evaluate(() => {
          const editor = window.editor!
          const steps = window.samenbordFacilitationDoc!.getMap('facilitation').get('steps') as Array<{ frameId: string }>
          const area = editor.getShapePageBounds(steps[0].frameId as never)!
          return editor.getViewportPageBounds().includes(area)
        }),
      )
      .toBe(true)

    // Voting: two notes, two votes each; counts hidden while open, shown after closing.
    const noteIds = await participant.evaluate(() => {
      const editor = window.editor!
      const b = editor.getViewportPageBounds()
      const text = (t: string) => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: t }] }] })
      editor.createShape({ type: 'note', x: b.x + 100, y: b.y + 200, props: { richText: text('Idee A') } })
      editor.createShape({ type: 'note', x: b.x + 400, y: b.y + 200, props: { richText: text('Idee B') } })
      return editor.getCurrentPageShapes().filter((s) => s.type === 'note' && !(s.meta as { role?: string }).role).map((s) => s.id)
    })
    expect(noteIds).toHaveLength(2)
    await facilitator.getByTestId('votes-per-person').fill('2')
    await facilitator.getByTestId('voting-open').click()
    await participant.getByTestId(`vote-${noteIds[0]}`).click()
    await participant.getByTestId(`vote-${noteIds[0]}`).click()
    await expect.poll(() => participant.getByTestId('votes-left').textContent()).toBe('nog 0 stemmen')
    await facilitator.getByTestId(`vote-${noteIds[1]}`).click()
    expect(await viewer.getByTestId(`vote-${noteIds[0]}`).count()).toBe(0)
    expect(await viewer.getByTestId(`votes-${noteIds[0]}`).count()).toBe(0) // hidden while open
    await screenshot(participant, 'voting-open')
    await facilitator.getByTestId('voting-close').click()
    for (const page of [facilitator, participant, viewer]) {
      await expect.poll(() => page.getByTestId(`votes-${noteIds[0]}`).textContent()).toBe('2 stemmen')
      await expect.poll(() => page.getByTestId(`votes-${noteIds[1]}`).textContent()).toBe('1 stem')
    }
    await screenshot(viewer, 'voting-closed')

    // Follow: the participant follows the facilitator's view (participants list with names).
    await participant.evaluate(() => {
      const editor = window.editor!
      const leader = editor.getCollaborators().find((c) => c.userName === 'Gespreksleider')!
      editor.startFollowingUser(leader.userId)
    })
    await facilitator.evaluate(() => {
      window.editor!.setCamera({ x: -5000, y: -3000, z: 1 })
    })
    await expect
      .poll(() => participant.evaluate(() => Math.round(window.editor!.getViewportPageBounds().center.x)))
      .toBe(await facilitator.evaluate(() => Math.round(window.editor!.getViewportPageBounds().center.x)))

    // The facilitator renames the meeting while offline, and the page reloads in the very task in
    // which the change reaches the facilitation doc, before IndexedDB has written it (here it
    // never does): the new title is still there after the reload (client/sync/unsavedEdits.ts)
    // and reaches the others once back online.
    await facilitator.context().setOffline(true)
    await waitForConnection(facilitator, 'offline')
    await facilitator.evaluate(() => {
      const unfinished = () => ({}) as IDBRequest
      IDBObjectStore.prototype.add = unfinished
      IDBObjectStore.prototype.put = unfinished
      ;(window as { reloadedAway?: boolean }).reloadedAway = true
      window.samenbordFacilitationDoc!.on('update', () => location.reload())
      window.samenbordFacilitationDoc!.getMap('facilitation').set('title', 'Intervisie 19 maart')
    })
    // Chromium keeps navigator.onLine true in a page reloaded under setOffline (see
    // exceptOfflineNetworkCalls), so this empty board waits up to INITIAL_SYNC_TIMEOUT_MS (5 s)
    // for a server it cannot reach before it opens; a really offline browser opens at once.
    await expect
      .poll(() => facilitator.evaluate(() => !(window as { reloadedAway?: boolean }).reloadedAway && Boolean(window.editor)).catch(() => false), { timeout: 20_000 })
      .toBe(true)
    await expect.poll(() => facilitator.getByTestId('board-title-input').inputValue()).toBe('Intervisie 19 maart')
    await facilitator.context().setOffline(false)
    await waitForConnection(facilitator, 'connected')
    await expect.poll(() => participant.getByTestId('board-title').textContent()).toBe('Intervisie 19 maart')

    // "Mijn borden" on the facilitator's device shows the board with its title.
    await facilitator.goto(app.base + '/')
    await expect.poll(() => facilitator.getByTestId('my-boards').textContent()).toContain('Intervisie 19 maart')
    expect(exceptOfflineNetworkCalls(errors)).toEqual([])
  })

  it('snapshots, restore with undo, the report, exports, and a copy for the next meeting', async () => {
    const facilitator = await pageAs('Gespreksleider')
    const errors = collectErrors(facilitator)
    await facilitator.goto(app.base + '/')
    await facilitator.getByTestId('new-board-from-template').click()
    await facilitator.getByTestId('template-plg-cyclus').click()
    await facilitator.waitForURL(/#t=/)
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await waitForConnection(facilitator, 'connected')
    await facilitator.getByTestId('board-title-input').fill('PLG lezen')
    await facilitator.getByTestId('board-title-input').press('Enter')
    await facilitator.getByTestId('share').click()
    const participantLink = await facilitator.getByTestId('link-participant').inputValue()
    await facilitator.keyboard.press('Escape')
    const participant = await pageAs('Deelnemer')
    await openBoard(participant, participantLink)

    // The participant puts two notes in step 2's area.
    const stepTitle = await participant.evaluate(() => {
      const steps = window.samenbordFacilitationDoc!.getMap('facilitation').get('steps') as Array<{ frameId: string; title: string }>
      const editor = window.editor!
      const area = editor.getShapePageBounds(steps[1].frameId as never)!
      const text = (t: string) => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: t }] }] })
      editor.createShape({ type: 'note', x: area.x + 20, y: area.maxY - 220, props: { richText: text('Toetsdata groep 5') } })
      editor.createShape({ type: 'note', x: area.x + 240, y: area.maxY - 220, props: { richText: text('Lesobservatie') } })
      return steps[1].title
    })
    const notes = (page: Page) =>
      page.evaluate(() =>
        window.editor!.getCurrentPageShapes()
          .filter((s) => s.type === 'note' && !(s.meta as { role?: string }).role)
          .map((s) => JSON.stringify((s.props as { richText: unknown }).richText).match(/"text":"([^"]*)"/)![1])
          .sort(),
      )
    await expect.poll(() => notes(facilitator)).toEqual(['Lesobservatie', 'Toetsdata groep 5'])

    // Snapshot, change, restore (everyone sees it), undo (everyone sees that too).
    await facilitator.getByTestId('meeting-menu').click()
    await facilitator.getByTestId('snapshot-name').fill('Na bijeenkomst 3')
    await facilitator.getByTestId('snapshot-save').click()
    await facilitator.getByTestId('restore-Na bijeenkomst 3').waitFor()
    await participant.evaluate(() => {
      const editor = window.editor!
      const note = editor.getCurrentPageShapes().find((s) => s.type === 'note' && JSON.stringify(s.props).includes('Lesobservatie'))!
      editor.deleteShape(note.id)
    })
    await expect.poll(() => notes(facilitator)).toEqual(['Toetsdata groep 5'])
    await facilitator.getByTestId('restore-Na bijeenkomst 3').click()
    await expect.poll(() => notes(participant)).toEqual(['Lesobservatie', 'Toetsdata groep 5'])
    await facilitator.evaluate(() => {
      window.editor!.undo()
    })
    await expect.poll(() => notes(participant)).toEqual(['Toetsdata groep 5'])
    await facilitator.keyboard.press('Escape')

    // The report has every note under its step, and the exports produce real files.
    const download = async (testId: string) => {
      await facilitator.getByTestId('export-menu').click()
      const [file] = await Promise.all([facilitator.waitForEvent('download'), facilitator.getByTestId(testId).click()])
      const path = await file.path()
      const { readFileSync } = await import('node:fs')
      return { name: file.suggestedFilename(), bytes: readFileSync(path) }
    }
    const md = (await download('export-report-md')).bytes.toString('utf8')
    expect(md).toContain('# PLG lezen')
    const section = md.slice(md.indexOf(`## ${stepTitle}`))
    expect(section.indexOf('Toetsdata groep 5')).toBeGreaterThan(0)
    expect(section.indexOf('Toetsdata groep 5')).toBeLessThan(section.indexOf('\n## ', 3) === -1 ? Infinity : section.indexOf('\n## ', 3))
    const csv = (await download('export-report-csv')).bytes.toString('utf8')
    expect(csv).toContain('Toetsdata groep 5')
    const pdf = await download('export-pdf')
    expect(pdf.name).toMatch(/\.pdf$/)
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-')
    const png = await download('export-png')
    expect(png.bytes.subarray(1, 4).toString()).toBe('PNG')
    const svg = await download('export-svg')
    expect(svg.bytes.toString('utf8')).toContain('<svg')

    // A copy for the next meeting: a new board with new links, and the same content.
    const oldUrl = facilitator.url()
    await facilitator.getByTestId('meeting-menu').click()
    await facilitator.getByTestId('copy-board').click()
    await facilitator.waitForURL((url) => url.toString() !== oldUrl && url.hash.startsWith('#t='))
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await expect.poll(() => notes(facilitator)).toEqual(['Toetsdata groep 5'])
    expect(await facilitator.getByTestId('board-title-input').inputValue()).toBe('PLG lezen')
    expect(errors).toEqual([])
  })

  it('private writing: notes reach no other browser (nor the board on the server) until the reveal', async () => {
    const facilitator = await pageAs('Gespreksleider')
    await facilitator.goto(app.base + '/')
    await facilitator.getByTestId('new-board').click()
    await facilitator.waitForURL(/#t=/)
    await facilitator.waitForFunction(() => Boolean(window.editor))
    await waitForConnection(facilitator, 'connected')
    const boardId = new URL(facilitator.url()).pathname.split('/')[2]
    await facilitator.getByTestId('share').click()
    const participantLink = await facilitator.getByTestId('link-participant').inputValue()
    await facilitator.keyboard.press('Escape')
    const participant = await pageAs('Deelnemer')
    await openBoard(participant, participantLink)
    const writerKey = await participant.evaluate((id) => localStorage.getItem(`samenbord:writer:${id}`), boardId)
    const privateRoom = `${boardId}.prive.${writerKey}`
    // Outside a private round nobody holds a socket to a private room.
    await waitForConnection(participant, 'connected')
    expect(app.server.relay.isLoaded(privateRoom)).toBe(false)

    await facilitator.getByTestId('private-start').click()
    await participant.getByTestId('private-banner').waitFor()
    const noteId = await participant.evaluate(() => {
      const text = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Geheim idee' }] }] }
      window.editor!.createShape({ type: 'note', x: 100, y: 100, props: { richText: text } })
      return window.editor!.getCurrentPageShapes().find((s) => s.type === 'note')!.id
    })
    await participant.getByTestId(`private-${noteId}`).waitFor()
    // Once the note is stored in the participant's private room, it is still nowhere else.
    await expect.poll(() => app.server.store.logLength(privateRoom)).toBeGreaterThan(0)
    const boardState = Buffer.from(await app.server.relay.currentState(boardId)).toString('latin1')
    expect(boardState).not.toContain('Geheim idee')
    expect(await facilitator.evaluate(() => JSON.stringify(window.samenbordDoc!.toJSON()))).not.toContain('Geheim idee')
    expect(await facilitator.evaluate(() => window.editor!.getCurrentPageShapes().length)).toBe(0)
    await screenshot(participant, 'private-writing')

    await facilitator.getByTestId('private-reveal').click()
    await expect
      .poll(() => facilitator.evaluate(() => JSON.stringify(window.editor!.getCurrentPageShapes().map((s) => s.props))))
      .toContain('Geheim idee')
    await expect.poll(() => participant.getByTestId(`private-${noteId}`).count()).toBe(0)
    // Revealed and emptied: the private room's socket is closed again.
    await expect.poll(() => app.server.relay.isLoaded(privateRoom), { timeout: 10_000 }).toBe(false)
  })
})
