import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { changesDocument } from '../../server/relay/changesDocument'

const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))

/** The server's copy and a view-only client that has everything the server has. */
function setup() {
  const server = new Y.Doc()
  const writer = new Y.Doc()
  const records = writer.getArray<{ key: string; val: number }>('tl_records')
  records.push([{ key: 'a', val: 1 }, { key: 'b', val: 2 }])
  records.delete(0, 1) // a deleted note: every copy keeps it in its delete set
  sync(writer, server)
  const viewer = new Y.Doc()
  sync(server, viewer)
  /** The sync step 2 the viewer sends in answer to the server's step 1. */
  const step2 = () => Y.encodeStateAsUpdate(viewer, Y.encodeStateVector(server))
  return { server, writer, viewer, step2 }
}

describe('whether an update changes the document (for view-only connections)', () => {
  it('an answer to sync step 1 with nothing new changes nothing, even though it repeats deletions', () => {
    const { server, step2 } = setup()
    const update = step2()
    expect(Y.decodeUpdate(update).ds.clients.size).toBeGreaterThan(0)
    expect(changesDocument(server, update)).toBe(false)
    expect(changesDocument(server, Y.mergeUpdates([]))).toBe(false)
  })

  it('an insertion changes it', () => {
    const { server, viewer, step2 } = setup()
    viewer.getArray('tl_records').push([{ key: 'c', val: 3 }])
    expect(changesDocument(server, step2())).toBe(true)
  })

  it('deleting something that is not deleted yet changes it', () => {
    const { server, viewer, step2 } = setup()
    viewer.getArray('tl_records').delete(0, 1)
    expect(changesDocument(server, step2())).toBe(true)
  })

  it('deleting something the server has never seen counts as a change', () => {
    const { server } = setup()
    const other = new Y.Doc()
    other.getArray('x').push([1])
    other.getArray('x').delete(0, 1)
    const onlyDeletes = Y.encodeStateAsUpdate(other, Y.encodeStateVector(other)) // no structs, its delete set
    expect(Y.decodeUpdate(onlyDeletes).structs).toHaveLength(0)
    expect(changesDocument(server, onlyDeletes)).toBe(true)
  })

  it('throws on bytes that are no update', () => {
    const { server } = setup()
    expect(() => changesDocument(server, new Uint8Array([5, 200, 1, 7]))).toThrow()
  })
})
