import type { Point } from './geometry'

/**
 * Shapes whose tops differ by less than this (page units, half a sticky note) are read as one
 * row, left to right, so a note a few units higher than its left neighbour does not jump ahead.
 */
export const ROW_TOLERANCE = 100

/**
 * Indices of `points` in reading order: top to bottom in rows, each row left to right. A row
 * starts at its highest point and takes every point less than `ROW_TOLERANCE` below that.
 */
export function readingOrder(points: readonly Point[]): number[] {
  const byY = points.map((_, i) => i).sort((a, b) => points[a].y - points[b].y || points[a].x - points[b].x)
  const order: number[] = []
  let row: number[] = []
  const flush = () => {
    order.push(...row.sort((a, b) => points[a].x - points[b].x || points[a].y - points[b].y))
    row = []
  }
  for (const i of byY) {
    if (row.length && points[i].y - points[row[0]].y >= ROW_TOLERANCE) flush()
    row.push(i)
  }
  flush()
  return order
}

/** Position of each point in reading order (0 = read first). */
export function readingRank(points: readonly Point[]): number[] {
  const rank = new Array<number>(points.length)
  readingOrder(points).forEach((index, position) => (rank[index] = position))
  return rank
}
