import { describe, expect, it, vi } from 'vitest'
import { useTeardown } from '../support/lifecycle'
import { startRedis } from '../../bench/lib/harness/redis'
import { createBoard, tempDataDir, whenSynced } from '../../bench/lib/harness/server'

const { server, serverProcess, client, defer } = useTeardown()
async function redis() {
  const r = await startRedis()
  defer(() => r.child.kill('SIGKILL'))
  return r
}
const instance = (redisUrl: string) => server({ REDIS_URL: redisUrl })

describe('scale-out: several instances share boards through Redis', () => {
  it('edits and cursors cross instances; a late joiner on a third instance gets the full board', async () => {
    const { url: redisUrl } = await redis()
    const [one, two, three] = [await instance(redisUrl), await instance(redisUrl), await instance(redisUrl)]
    expect((await (await fetch(`http://127.0.0.1:${one.port}/healthz`)).json()).store).toBe('redis')
    const board = await createBoard(one.port) // its links work on every instance
    const a = client(one.url, board)
    const b = client(two.url, board)
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])

    a.doc.getMap('m').set('from-one', 1)
    b.doc.getMap('m').set('from-two', 2)
    await vi.waitFor(() => {
      expect(b.doc.getMap('m').get('from-one')).toBe(1)
      expect(a.doc.getMap('m').get('from-two')).toBe(2)
    })

    a.provider.awareness.setLocalStateField('user', { name: 'Anna' })
    await vi.waitFor(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user: { name: 'Anna' } }))

    for (let i = 0; i < 30; i++) b.doc.getArray('list').push([i])
    const late = client(three.url, board)
    await whenSynced(late.provider)
    await vi.waitFor(() => {
      expect(late.doc.getMap('m').toJSON()).toEqual({ 'from-one': 1, 'from-two': 2 })
      expect(late.doc.getArray('list').length).toBe(30)
    })
  })

  it('an instance killed mid-session: its clients move to another instance and lose nothing', async () => {
    const { url: redisUrl } = await redis()
    const doomed = await serverProcess(tempDataDir(), { REDIS_URL: redisUrl })
    const survivor = await instance(redisUrl)
    const board = await createBoard(doomed.port)
    const a = client(doomed.url, board)
    const b = client(survivor.url, board)
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])
    for (let i = 0; i < 20; i++) a.doc.getArray('edits').push([i])
    await vi.waitFor(() => expect(b.doc.getArray('edits').length).toBe(20))

    doomed.child.kill('SIGKILL')
    // While it has no server, A keeps editing; then (as a load balancer would) it reaches the survivor.
    a.doc.getArray('edits').push(['offline'])
    a.provider.destroy()
    const moved = client(survivor.url, board, a.doc)
    await whenSynced(moved.provider)
    await vi.waitFor(() => expect(b.doc.getArray('edits').toArray()).toEqual([...Array(20).keys(), 'offline']))

    // Everything is in Redis, not in the dead instance: a fresh instance serves it all.
    const fresh = await instance(redisUrl)
    const late = client(fresh.url, board)
    await whenSynced(late.provider)
    expect(late.doc.getArray('edits').length).toBe(21)
  })

  it('compacts a shared board without losing what other instances wrote', async () => {
    const { url: redisUrl } = await redis()
    const one = await server({ REDIS_URL: redisUrl, COMPACT_AFTER_UPDATES: '5' })
    const two = await server({ REDIS_URL: redisUrl, COMPACT_AFTER_UPDATES: '5' })
    const board = await createBoard(two.port)
    const a = client(one.url, board)
    const b = client(two.url, board)
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])
    for (let i = 0; i < 40; i++) {
      a.doc.getArray('a').push([i])
      b.doc.getArray('b').push([i])
    }
    await vi.waitFor(() => {
      expect(a.doc.getArray('b').length).toBe(40)
      expect(b.doc.getArray('a').length).toBe(40)
    })
    a.provider.destroy()
    b.provider.destroy()
    await vi.waitFor(async () => expect(await one.server.store.logLength(board.boardId)).toBeLessThan(80))
    const three = await instance(redisUrl)
    const late = client(three.url, board)
    await whenSynced(late.provider)
    expect(late.doc.getArray('a').length).toBe(40)
    expect(late.doc.getArray('b').length).toBe(40)
  })
})
