import { describe, expect, it } from 'vitest'
import { checkLayering, readSources } from '../../scripts/layering'

describe('layering', () => {
  it('dependencies point one way and nothing imports in a circle', () => {
    expect(checkLayering(process.cwd())).toEqual([])
  })

  it('the check sees the imports (a control: it would notice a broken rule)', () => {
    const files = readSources(process.cwd())
    const room = files.find((f) => f.path === 'server/relay/room.ts')!
    expect(room.imports).toContain('protocol/closeCodes.ts')
    expect(room.packages).toContain('yjs')
    expect(files.find((f) => f.path === 'client/board/BoardPage.tsx')!.packages).toContain('react')
  })
})
