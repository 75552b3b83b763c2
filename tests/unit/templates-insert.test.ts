import {
  Editor,
  createShapeId,
  createTLStore,
  defaultAddFontsFromNode,
  defaultBindingUtils,
  defaultShapeUtils,
  tipTapDefaultExtensions,
  type TLShapeId,
} from 'tldraw'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { insertTemplate } from '../../client/templates/insertTemplate'
import { TEMPLATE_CLEARANCE, chooseTemplateOrigin } from '../../client/templates/placement'
import { getTemplate } from '../../templates/registry'

describe('chooseTemplateOrigin', () => {
  const viewport = { x: 0, y: 0, w: 1000, h: 800 }
  const size = { w: 400, h: 200 }

  test('centres the template in an empty viewport', () => {
    expect(chooseTemplateOrigin(viewport, [], size)).toEqual({ x: 300, y: 300 })
  })

  test('keeps the centre when existing content is far enough away', () => {
    expect(chooseTemplateOrigin(viewport, [{ x: -2000, y: 0, w: 100, h: 100 }], size)).toEqual({ x: 300, y: 300 })
  })

  test('goes to the right of all content, top-aligned, when the centre is taken', () => {
    const occupied = [{ x: 450, y: 350, w: 100, h: 100 }, { x: -500, y: -50, w: 300, h: 100 }]
    expect(chooseTemplateOrigin(viewport, occupied, size)).toEqual({ x: 550 + TEMPLATE_CLEARANCE, y: -50 })
  })
})

/**
 * tldraw's Editor needs a DOM for text measurement and its render loop; Node has none and no DOM
 * library is installed, so a permissive stub stands in. Measured text sizes are meaningless here:
 * the tests below only look at what was created, its lock state and the undo history.
 */
function domStub(): unknown {
  return new Proxy(function stub() {}, {
    get(_target, key) {
      if (key === Symbol.toPrimitive) return () => ''
      if (key === 'then' || typeof key === 'symbol') return undefined
      if (key === 'getBoundingClientRect') return () => ({ x: 0, y: 0, left: 0, top: 0, width: 1080, height: 720, right: 1080, bottom: 720 })
      if (key === 'getPropertyValue') return () => ''
      if (/^(scroll|offset|client|inner)(Width|Height)$/.test(key)) return 100
      if (key === 'devicePixelRatio') return 1
      if (key === 'matches') return false
      return domStub()
    },
    apply: () => domStub(),
    set: () => true,
  })
}

const saved: Record<string, unknown> = {}
const STUBBED_GLOBALS: Record<string, unknown> = {
  window: domStub(),
  document: domStub(),
  requestAnimationFrame: () => 0,
  cancelAnimationFrame: () => {},
}
beforeAll(() => {
  for (const [name, value] of Object.entries(STUBBED_GLOBALS)) {
    saved[name] = (globalThis as Record<string, unknown>)[name]
    ;(globalThis as Record<string, unknown>)[name] ??= value
  }
})
afterAll(() => {
  for (const name of Object.keys(STUBBED_GLOBALS)) (globalThis as Record<string, unknown>)[name] = saved[name]
})

function headlessEditor(): Editor {
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  const text = { addFontsFromNode: defaultAddFontsFromNode, tipTapConfig: { extensions: tipTapDefaultExtensions } }
  const container = domStub() as HTMLElement
  return new Editor({ store, shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils, tools: [], getContainer: () => container, options: { text } })
}

describe('insertTemplate', () => {
  test('creates the template beside existing content, locked, as one undoable step', () => {
    const editor = headlessEditor()
    const existing = createShapeId()
    const viewport = editor.getViewportPageBounds()
    editor.createShapes([{ id: existing, type: 'geo', x: viewport.center.x - 50, y: viewport.center.y - 50, props: { w: 100, h: 100 } }])

    const ids = insertTemplate(editor, 'van-naar')
    const shapes = ids.map((id) => editor.getShape(id)!)
    expect(shapes.every(Boolean)).toBe(true)
    expect(ids.length).toBe(getTemplate('van-naar')!.build({ x: 0, y: 0 }).shapes.length)
    expect(shapes.every((s) => s.parentId === editor.getCurrentPageId())).toBe(true)
    expect(shapes.filter((s) => s.isLocked).length).toBe(ids.length - 1) // one example note is free
    const leftmost = Math.min(...shapes.map((s) => s.x))
    expect(leftmost).toBeGreaterThanOrEqual(editor.getShapePageBounds(existing)!.maxX + TEMPLATE_CLEARANCE)

    editor.undo()
    expect(ids.some((id) => editor.getShape(id))).toBe(false)
    expect(editor.getShape(existing)).toBeDefined()
    editor.redo()
    expect(ids.every((id) => editor.getShape(id))).toBe(true)
  })

  test('puts the template at a given point', () => {
    const editor = headlessEditor()
    const ids: TLShapeId[] = insertTemplate(editor, 'intervisie', { x: 5000, y: 7000 })
    const xs = ids.map((id) => editor.getShape(id)!.x)
    expect(Math.min(...xs)).toBe(5000)
  })

  test('inserts nothing for the empty board and refuses unknown ids', () => {
    const editor = headlessEditor()
    expect(insertTemplate(editor, 'leeg')).toEqual([])
    expect(editor.getCurrentPageShapeIds().size).toBe(0)
    expect(() => insertTemplate(editor, 'bestaat-niet')).toThrow(/Onbekend sjabloon/)
  })
})
