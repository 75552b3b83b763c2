import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { guardUnsavedEdits, RECENT_EDITS_WINDOW_MS, UNSAVED_KEY_PREFIX } from '../../client/sync/unsavedEdits'

function memoryStorage() {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  }
}

const base64ToBytes = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

const SERVER = { name: 'provider' }
const IDB = { name: 'indexeddb' }

function page(storage: ReturnType<typeof memoryStorage>, clock: { t: number }) {
  const doc = new Y.Doc()
  const events = new EventTarget()
  const guard = guardUnsavedEdits(doc, 'board1', { skipOrigins: [SERVER, IDB], events, storage, now: () => clock.t })
  return { doc, events, guard }
}

describe('last-moment copy of unsaved edits', () => {
  it('a page that goes away right after an edit leaves it for the next page, which applies it once', () => {
    const storage = memoryStorage()
    const clock = { t: 0 }
    const first = page(storage, clock)
    first.doc.getMap('records').set('shape:1', { text: 'net getypt' })
    first.events.dispatchEvent(new Event('pagehide'))
    expect(storage.items.has(`${UNSAVED_KEY_PREFIX}board1`)).toBe(true)

    const second = page(storage, clock) // the reload: IndexedDB missed the edit
    second.guard.restore()
    expect(second.doc.getMap('records').get('shape:1')).toEqual({ text: 'net getypt' })
    expect(storage.items.size).toBe(0) // applied once, then forgotten
    second.guard.restore()
    expect(second.doc.getMap('records').size).toBe(1)
  })

  it('keeps only local edits of the last seconds, not what came from the server or IndexedDB', () => {
    const storage = memoryStorage()
    const clock = { t: 0 }
    const { doc, events } = page(storage, clock)
    const remote = new Y.Doc()
    remote.getMap('records').set('shape:server', 1)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote), SERVER)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote), IDB)
    events.dispatchEvent(new Event('pagehide'))
    expect(storage.items.size).toBe(0) // nothing of our own: nothing written

    doc.getMap('records').set('shape:old', 1)
    clock.t += RECENT_EDITS_WINDOW_MS + 1 // long stored in IndexedDB by now
    const inIndexedDb = Y.encodeStateAsUpdate(doc)
    doc.getMap('records').set('shape:new', 2)
    events.dispatchEvent(new Event('pagehide'))
    const saved = Y.decodeUpdate(base64ToBytes(storage.getItem(`${UNSAVED_KEY_PREFIX}board1`)!))
    expect(saved.structs.length).toBe(1) // only the newest edit

    const next = page(storage, clock)
    Y.applyUpdate(next.doc, inIndexedDb, IDB)
    next.guard.restore()
    expect([...next.doc.getMap('records').keys()].sort()).toEqual(['shape:new', 'shape:old', 'shape:server'])
  })

  it('a damaged copy is dropped without touching the board', () => {
    const storage = memoryStorage()
    storage.setItem(`${UNSAVED_KEY_PREFIX}board1`, 'bm90IGEgeWpzIHVwZGF0ZQ==')
    const { doc, guard } = page(storage, { t: 0 })
    doc.getMap('records').set('shape:1', 1)
    guard.restore()
    expect(doc.getMap('records').toJSON()).toEqual({ 'shape:1': 1 })
    expect(storage.items.size).toBe(0)
  })

  it('stops listening when disposed', () => {
    const storage = memoryStorage()
    const { doc, events, guard } = page(storage, { t: 0 })
    guard.dispose()
    doc.getMap('records').set('shape:1', 1)
    events.dispatchEvent(new Event('pagehide'))
    expect(storage.items.size).toBe(0)
  })
})
