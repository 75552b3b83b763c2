import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { TEMPLATES } from '../../templates/registry'
import { collectErrors, contextAs, newBoardLinks, openBoard, screenshot, useAppInBrowser } from '../support/browser'

const app = useAppInBrowser()

const participant = (name: string) => contextAs(app.browser, name, { width: 1600, height: 1000 })

const shapeIds = (page: Page) =>
  page.evaluate(() => [...window.editor!.getCurrentPageShapeIds()].sort())

interface Box { x: number; y: number; w: number; h: number }

/** Adds a sticky note with the note tool, by clicking in the free lower part of the first area. */
async function addNoteInFirstArea(page: Page): Promise<{ area: Box; note: Box }> {
  const area = await page.evaluate(() => {
    const editor = window.editor!
    const shape = editor.getCurrentPageShapesSorted().find((s) => (s.meta as { role?: string }).role === 'area')!
    const b = editor.getShapePageBounds(shape)!
    editor.zoomToBounds(b, { inset: 40 })
    return { x: b.x, y: b.y, w: b.w, h: b.h }
  })
  const target = { x: area.x + area.w / 2, y: area.y + area.h - 112 }
  const screen = await page.evaluate((p) => window.editor!.pageToViewport(p), target)
  await page.keyboard.press('Escape')
  await page.keyboard.press('n')
  await page.mouse.click(screen.x, screen.y)
  await page.keyboard.press('Escape')
  const note = await page.evaluate(() => {
    const editor = window.editor!
    const shape = editor.getCurrentPageShapes().find((s) => s.type === 'note' && !(s.meta as { role?: string }).role)
    const b = shape && editor.getShapePageBounds(shape)
    return b ? { x: b.x, y: b.y, w: b.w, h: b.h } : null
  })
  if (!note) throw new Error('no note was created')
  return { area, note }
}

describe('templates in real browsers', () => {
  it('creates a board from a template through the home page gallery', async () => {
    const context = await participant('Fien')
    const page = await context.newPage()
    const errors = collectErrors(page)
    await page.goto(app.base + '/')
    await page.getByTestId('new-board-from-template').click()
    await page.getByTestId('template-van-naar').click()
    await page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}#t=[A-Za-z0-9_-]{22}$/)
    await page.waitForFunction(() => Boolean(window.editor))
    const expected = TEMPLATES.find((t) => t.id === 'van-naar')!.build({ x: 0, y: 0 }).shapes.length
    await expect.poll(async () => (await shapeIds(page)).length).toBe(expected)
    expect(errors).toEqual([])
    await context.close()
  })

  for (const template of TEMPLATES) {
    it(`${template.id}: renders, syncs to a second page, takes a participant's note`, async () => {
      const contextA = await participant('Facilitator')
      const contextB = await participant('Deelnemer')
      const pageA = await contextA.newPage()
      const pageB = await contextB.newPage()
      const errorsOf = [collectErrors(pageA), collectErrors(pageB)]
      const links = await newBoardLinks(app.base)
      await openBoard(pageA, links.facilitator.replace('#', `?sjabloon=${template.id}#`))
      const expected = template.build({ x: 0, y: 0 }).shapes.length
      await expect.poll(async () => (await shapeIds(pageA)).length).toBe(expected)
      expect(pageA.url()).toBe(links.facilitator) // the parameter is dropped: a reload does not insert again

      await openBoard(pageB, links.participant)
      await expect.poll(() => shapeIds(pageB)).toEqual(await shapeIds(pageA))

      if (expected > 0) {
        const { area, note } = await addNoteInFirstArea(pageB)
        expect(note.x).toBeGreaterThanOrEqual(area.x)
        expect(note.y).toBeGreaterThanOrEqual(area.y)
        expect(note.x + note.w).toBeLessThanOrEqual(area.x + area.w)
        expect(note.y + note.h).toBeLessThanOrEqual(area.y + area.h)
        await expect.poll(async () => (await shapeIds(pageA)).length).toBe(expected + 1)
      }
      await pageA.evaluate(() => {
        window.editor!.zoomToFit()
        window.editor!.selectNone()
      })
      await screenshot(pageA, `template-${template.id}`)
      expect(errorsOf.flat()).toEqual([])
      await contextA.close()
      await contextB.close()
    })
  }

  it('inserts a template beside existing content as one undoable step, seen by everyone', async () => {
    const contextA = await participant('Anna')
    const contextB = await participant('Bram')
    const pageA = await contextA.newPage()
    const pageB = await contextB.newPage()
    const links = await newBoardLinks(app.base)
    await openBoard(pageA, links.facilitator)
    await openBoard(pageB, links.participant)
    await pageA.evaluate(() => {
      window.editor!.createShape({ type: 'geo', x: 0, y: 0, props: { w: 600, h: 400 } })
    })
    await pageA.getByTestId('insert-template').click()
    await pageA.getByTestId('template-leerteam').click()
    const expected = 1 + TEMPLATES.find((t) => t.id === 'leerteam')!.build({ x: 0, y: 0 }).shapes.length
    await expect.poll(async () => (await shapeIds(pageB)).length).toBe(expected)
    const overlaps = await pageA.evaluate(() => {
      const editor = window.editor!
      const own = editor.getCurrentPageShapes().find((s) => s.type === 'geo' && !s.meta.role)!
      const mine = editor.getShapePageBounds(own)!
      return editor
        .getCurrentPageShapes()
        .filter((s) => s.id !== own.id)
        .some((s) => editor.getShapePageBounds(s)!.collides(mine))
    })
    expect(overlaps).toBe(false)
    await pageA.evaluate(() => {
      window.editor!.undo()
    })
    await expect.poll(async () => (await shapeIds(pageB)).length).toBe(1)
    await contextA.close()
    await contextB.close()
  })
})
