import type { TLDefaultColorStyle } from '@tldraw/tlschema'
import { estimateTextHeight } from './text'

/**
 * The kinds of area a template can have. One colour per kind, so that every template reads the
 * same way: orange = what it is all about, blue = steps/topics, green = where we are now,
 * violet = where we want to go, yellow = what we need, grey = information and roles.
 */
export type AreaKind = 'focus' | 'topic' | 'now' | 'next' | 'need' | 'info'
export const AREA_COLOURS: Record<AreaKind, TLDefaultColorStyle> = {
  focus: 'orange',
  topic: 'light-blue',
  now: 'light-green',
  next: 'light-violet',
  need: 'yellow',
  info: 'grey',
}

/**
 * What a shape is for, stored in `meta.role`:
 * area = a locked background that holds sticky notes; cell = a locked labelled box (a prefilled
 * matrix cell, a card, a scale point); label = a locked text; arrow = a locked process arrow;
 * example = an unlocked example sticky note.
 */
export type ShapeRole = 'area' | 'cell' | 'label' | 'arrow' | 'example'

// All lengths below are in page units (1 unit = 1 screen pixel at 100% zoom).
/** tldraw's default sticky note is 200 × 200. */
export const NOTE_SIZE = 200
/** Inner padding of an area, around its texts and notes. */
export const PAD = 24
/** Space between neighbouring areas and below the header. */
export const GAP = 40
/** The gap between areas joined by an arrow. */
export const ARROW_GAP = 120
/** Margin between an arrow's ends and the areas it joins. */
export const ARROW_MARGIN = 16
/** Sans-serif reads best on a projector; participants' own notes keep their chosen font. */
export const FONT = 'sans'

/** The texts on an area, top to bottom. */
export interface AreaText {
  /** Size 'l'. */
  title?: string
  /** Explanation or quote from the source, size 's'. */
  caption?: readonly string[]
  /** Short instruction or question, size 'm'. */
  hint?: readonly string[]
}

/** Vertical space between two texts on an area. */
export const TEXT_GAP = 12

/** The texts an area can carry, top to bottom, with their tldraw size. */
export const AREA_TEXTS = [['title', 'l'], ['caption', 's'], ['hint', 'm']] as const

/**
 * Heights reserved per kind of text. Areas side by side share them so their hints and note rooms
 * start at the same height even when one title wraps and its neighbour's does not.
 */
export type TextSlots = Partial<Record<keyof AreaText, number>>

function linesOf(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return []
  return typeof value === 'string' ? [value] : value
}

/** The texts of an area top to bottom, with the height reserved for each (0 when absent). */
export function areaTextLayout(w: number, text: AreaText, slots: TextSlots = {}) {
  return AREA_TEXTS.map(([key, size]) => {
    const lines = linesOf(text[key])
    const own = lines.length ? estimateTextHeight(lines, size, w - 2 * PAD) : 0
    return { key, size, lines, h: Math.max(own, slots[key] ?? 0) }
  })
}

/** Distance from an area's top to where its room for notes starts. */
export function noteTopOffset(w: number, text: AreaText, slots: TextSlots = {}): number {
  const heights = areaTextLayout(w, text, slots).filter((t) => t.h > 0)
  return heights.length ? PAD + heights.reduce((sum, t) => sum + t.h + TEXT_GAP, 0) + 4 : PAD
}

/** Height an area of width `w` needs for its texts plus `noteRows` rows of sticky notes. */
export function areaHeightFor(w: number, text: AreaText, noteRows = 1, slots: TextSlots = {}): number {
  return noteTopOffset(w, text, slots) + noteRows * (NOTE_SIZE + PAD)
}

/** Shared text slots and height for a row of areas of width `w`. */
export function rowLayout(w: number, texts: readonly AreaText[], noteRows = 1): { slots: TextSlots; h: number } {
  const slots: TextSlots = {}
  for (const text of texts) {
    for (const t of areaTextLayout(w, text)) slots[t.key] = Math.max(slots[t.key] ?? 0, t.h)
  }
  return { slots, h: Math.max(...texts.map((text) => areaHeightFor(w, text, noteRows, slots))) }
}
