import { test } from 'vitest'
import { createTLStore, defaultShapeUtils, defaultBindingUtils, Editor, createShapeId, toRichText, tipTapDefaultExtensions, defaultAddFontsFromNode } from 'tldraw'
function fake(name: string): any {
  const fn = function () {}
  return new Proxy(fn, {
    get(_t, p) {
      if (p === Symbol.toPrimitive) return () => 0
      if (p === 'getBoundingClientRect') return () => ({ x: 0, y: 0, left: 0, top: 0, width: 1000, height: 800, right: 1000, bottom: 800 })
      if (p === 'then') return undefined
      if (typeof p === 'symbol') return undefined
      if (['scrollWidth','scrollHeight','offsetWidth','offsetHeight','clientWidth','clientHeight','devicePixelRatio','innerWidth','innerHeight'].includes(p)) return 100
      if (p === 'getPropertyValue') return () => ''
      return fake(name + '.' + String(p))
    },
    apply() { return fake(name + '()') },
    set() { return true },
  })
}
test('headless', () => {
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  const container = fake('container')
  ;(globalThis as any).window ??= fake('window')
  ;(globalThis as any).document ??= fake('document'); (globalThis as any).requestAnimationFrame ??= () => 0; (globalThis as any).cancelAnimationFrame ??= () => {}
  try {
    const editor = new Editor({ store, shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils, tools: [], textOptions: { addFontsFromNode: defaultAddFontsFromNode, tipTapConfig: { extensions: tipTapDefaultExtensions } }, options: { text: { addFontsFromNode: defaultAddFontsFromNode, tipTapConfig: { extensions: tipTapDefaultExtensions } } }, getContainer: () => container } as any)
    const id = createShapeId()
    const t = createShapeId()
    editor.markHistoryStoppingPoint('x')
    editor.createShapes([{ id, type: 'geo', x: 10, y: 10, isLocked: true, props: { w: 100, h: 100, richText: toRichText('hoi') } },
      { id: t, type: 'text', x: 10, y: 10, isLocked: true, props: { w: 100, autoSize: false, richText: toRichText('hoi') } }])
    console.log(editor.getShape(id), editor.getShape(t), editor.getCurrentPageBounds(), editor.getViewportPageBounds())
    editor.undo()
    console.log(editor.getCurrentPageShapeIds().size)
  } catch (e) { console.log('ERR', e) }
})
