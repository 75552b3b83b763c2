import {
  createShapeId,
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils,
  DocumentRecordType,
  GeoShapeUtil,
  PageRecordType,
  type IndexKey,
  type TLGeoShape,
  type TLPageId,
  type TLShapeId,
  type TLStore,
} from 'tldraw'

export const PAGE_ID = 'page:page' as TLPageId

/** A bare tldraw store in Node, with the document and page tldraw would create. */
export function newTestStore(withDefaults = true): TLStore {
  const store = createTLStore({ shapeUtils: defaultShapeUtils, bindingUtils: defaultBindingUtils })
  if (withDefaults) {
    store.put([
      DocumentRecordType.create({ id: DocumentRecordType.createId('document') }),
      PageRecordType.create({ id: PAGE_ID, name: 'Pagina 1', index: 'a1' as IndexKey }),
    ])
  }
  return store
}

const geoDefaults = new GeoShapeUtil({} as never).getDefaultProps()

export function geoShape(x: number, y: number, id: TLShapeId = createShapeId()): TLGeoShape {
  return {
    id,
    typeName: 'shape',
    type: 'geo',
    x,
    y,
    rotation: 0,
    index: 'a1' as IndexKey,
    parentId: PAGE_ID,
    isLocked: false,
    opacity: 1,
    meta: {},
    props: { ...geoDefaults },
  }
}

/** Shapes of a store as a stable, comparable object. */
export function shapesOf(store: TLStore): Record<string, unknown> {
  const shapes = store.allRecords().filter((r) => r.typeName === 'shape')
  return Object.fromEntries(shapes.sort((a, b) => (a.id < b.id ? -1 : 1)).map((s) => [s.id, s]))
}
