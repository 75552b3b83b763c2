/** An axis-aligned box in page units (tldraw's `Box` fits this shape). */
export interface PageBox {
  x: number
  y: number
  w: number
  h: number
}

/** Free space kept between an inserted template and what is already on the page, in page units. */
export const TEMPLATE_CLEARANCE = 160

function intersects(a: PageBox, b: PageBox): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

function grow(b: PageBox, by: number): PageBox {
  return { x: b.x - by, y: b.y - by, w: b.w + 2 * by, h: b.h + 2 * by }
}

/**
 * Where to put a template of `size` (its top-left corner): centred in the viewport when that
 * spot is free, otherwise to the right of everything on the page, aligned with its top. Either
 * way it never overlaps existing content.
 */
export function chooseTemplateOrigin(
  viewport: PageBox,
  occupied: readonly PageBox[],
  size: { w: number; h: number },
): { x: number; y: number } {
  const centred = {
    x: Math.round(viewport.x + (viewport.w - size.w) / 2),
    y: Math.round(viewport.y + (viewport.h - size.h) / 2),
  }
  const candidate = { ...centred, w: size.w, h: size.h }
  if (!occupied.some((box) => intersects(grow(box, TEMPLATE_CLEARANCE), candidate))) return centred
  const right = Math.max(...occupied.map((box) => box.x + box.w))
  const top = Math.min(...occupied.map((box) => box.y))
  return { x: Math.round(right + TEMPLATE_CLEARANCE), y: Math.round(top) }
}
