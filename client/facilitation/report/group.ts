import type { TLShape } from '@tldraw/tlschema'
import { findAreas, smallestAreaAt, type Area } from './areas'
import { pageCentre, pagePlacements, type Placement } from './geometry'
import { itemKind, itemLines } from './items'
import { readingRank } from './order'
import { OTHER_HEADING, type ReportGroup, type ReportInput, type ReportItem } from './types'

/**
 * The report's content: one group per area that holds at least one item, steps first in the
 * meeting's order, then the other areas top to bottom and left to right, then "Overige".
 * Within a group: most votes first, then reading order. Empty groups are left out.
 */
export function buildReportGroups(input: ReportInput): ReportGroup[] {
  const placements = pagePlacements(input.shapes)
  const placementOf = (shape: TLShape): Placement => placements.get(shape.id) ?? { x: 0, y: 0, rotation: 0 }
  const areas = findAreas(input.shapes, placements, input.steps)
  const areaById = new Map(areas.map((area) => [area.id, area]))
  const byId = new Map<string, TLShape>(input.shapes.map((shape) => [shape.id, shape]))

  /** The nearest frame (or area) up the parent chain: where a clipped child whose centre lies outside still belongs. */
  const ancestorArea = (shape: TLShape): Area | undefined => {
    const seen = new Set<string>()
    for (let parent = byId.get(shape.parentId); parent && !seen.has(parent.id); parent = byId.get(parent.parentId)) {
      seen.add(parent.id)
      const area = areaById.get(parent.id)
      if (area) return area
    }
    return undefined
  }

  const itemsByArea = new Map<Area | undefined, ReportItem[]>()
  for (const shape of input.shapes) {
    const kind = itemKind(shape)
    if (!kind) continue
    const lines = itemLines(shape)
    if (lines.length === 0) continue
    const placement = placementOf(shape)
    const area = smallestAreaAt(areas, pageCentre(shape, placement)) ?? ancestorArea(shape)
    const votes = input.votes.get(shape.id) ?? 0
    const item: ReportItem = { id: shape.id, kind, lines, votes: votes > 0 ? votes : 0, x: placement.x, y: placement.y }
    const list = itemsByArea.get(area)
    if (list) list.push(item)
    else itemsByArea.set(area, [item])
  }

  const areaRank = readingRank(areas.map((area) => area.placement))
  const orderedAreas = areas
    .map((area, i) => ({ area, rank: areaRank[i] }))
    .sort((a, b) => stepKey(a.area) - stepKey(b.area) || a.rank - b.rank)
    .map(({ area }) => area)

  const groups: ReportGroup[] = []
  for (const area of [...orderedAreas, undefined]) {
    const items = itemsByArea.get(area)
    if (!items) continue
    groups.push({ areaId: area?.id ?? null, heading: area?.heading ?? OTHER_HEADING, items: sortItems(items) })
  }
  return groups
}

/** Steps first in their own order; every other area after them. */
const stepKey = (area: Area) => (area.stepIndex >= 0 ? area.stepIndex : Number.MAX_SAFE_INTEGER)

function sortItems(items: readonly ReportItem[]): ReportItem[] {
  const rank = readingRank(items)
  return items
    .map((item, i) => ({ item, rank: rank[i] }))
    .sort((a, b) => b.item.votes - a.item.votes || a.rank - b.rank)
    .map(({ item }) => item)
}
