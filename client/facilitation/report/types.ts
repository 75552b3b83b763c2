import type { TLShape } from '@tldraw/tlschema'
import type { TemplateStep } from '../../../templates/types'

/** Everything a meeting report ("Verslag") is built from: plain data, no editor or Y.Doc. */
export interface ReportInput {
  /** Meeting title; 'Verslag' when empty. */
  title: string
  /** Plain text, one agenda item per line. */
  agenda: string
  /** The meeting day, shown in local time. */
  date: Date
  /** The current page's shape records (children of frames have coordinates relative to their parent). */
  shapes: readonly TLShape[]
  /** The meeting steps; their areas come first, in this order, under the step's title. */
  steps: readonly TemplateStep[]
  /** Dots per shape id (see `countVotes`). */
  votes: ReadonlyMap<string, number>
}

/** note = sticky note, text = free text, geo = a shape with a user-written label. */
export type ReportItemKind = 'note' | 'text' | 'geo'

export interface ReportItem {
  id: string
  kind: ReportItemKind
  /** The text, one entry per line; never empty, no leading or trailing blank lines. */
  lines: string[]
  votes: number
  /** Page position of the shape's origin (its top-left corner when not rotated). */
  x: number
  y: number
}

export interface ReportGroup {
  /** The area's shape id, or null for "Overige" (shapes in no area). */
  areaId: string | null
  heading: string
  items: ReportItem[]
}

/** Heading of the group of shapes that lie in no area. */
export const OTHER_HEADING = 'Overige'
/** Heading of an area without a step, a name or a label. */
export const UNTITLED_HEADING = 'Zonder titel'
