import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { rootsTouched } from '../../server/relay/protectedRoots'

/** The server's copy and one client, synced; returns the client's next update as the server sees it. */
function setup() {
  const server = new Y.Doc()
  const client = new Y.Doc()
  const facilitator = new Y.Doc()
  const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
  facilitator.getMap('facilitation').set('title', 'PLG 3')
  facilitator.getMap('facilitation').set('timer', { running: false })
  facilitator.getMap('facilitation').set('timer', { running: true }) // an overwrite: a deleted item
  sync(facilitator, server)
  sync(server, client)
  const nextUpdate = (change: () => void) => {
    let captured: Uint8Array | null = null
    const on = (u: Uint8Array) => (captured = u)
    client.on('update', on)
    change()
    client.off('update', on)
    return Y.decodeUpdate(captured!)
  }
  return { server, client, nextUpdate }
}

describe('which root types an update changes (for facilitator-only state)', () => {
  it('sees an edit of the shared records as records only', () => {
    const { server, nextUpdate, client } = setup()
    expect(rootsTouched(server, nextUpdate(() => client.getArray('tl_records').push([{ key: 'a', val: 1 }])))).toEqual(
      new Set(['tl_records']),
    )
  })

  it('sees an overwrite of a facilitation key, whose parent is only implied by its neighbour', () => {
    const { server, nextUpdate, client } = setup()
    expect(rootsTouched(server, nextUpdate(() => client.getMap('facilitation').set('title', 'gekaapt')))).toContain('facilitation')
  })

  it('sees a deletion of a facilitation key', () => {
    const { server, nextUpdate, client } = setup()
    expect(rootsTouched(server, nextUpdate(() => client.getMap('facilitation').delete('title')))).toEqual(new Set(['facilitation']))
  })

  it('sees a change inside a nested type under facilitation', () => {
    const { server, client } = setup()
    const nested = new Y.Map()
    let u: Uint8Array | null = null
    client.on('update', (x: Uint8Array) => (u = x))
    client.getMap('facilitation').set('steps', nested)
    Y.applyUpdate(server, u!) // suppose it had been allowed once
    const update = (() => {
      let c: Uint8Array | null = null
      const on = (x: Uint8Array) => (c = x)
      client.on('update', on)
      nested.set('current', 2)
      client.off('update', on)
      return Y.decodeUpdate(c!)
    })()
    expect(rootsTouched(server, update)).toEqual(new Set(['facilitation']))
  })

  it('does not count the delete set a sync step 2 repeats (deletions the server already has)', () => {
    const { server, client } = setup()
    client.getArray('tl_records').push([{ key: 'b', val: 2 }])
    const step2 = Y.decodeUpdate(Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))
    expect(step2.ds.clients.size).toBeGreaterThan(0) // the facilitator's old timer item is in it
    expect(rootsTouched(server, step2)).toEqual(new Set(['tl_records']))
  })
})
