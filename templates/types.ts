import type { TLShapePartial } from '@tldraw/tlschema'

/** A point in page coordinates; a template is built relative to it (its top-left corner). */
export interface TemplateOrigin {
  x: number
  y: number
}

/**
 * A step of a meeting that follows this template (intervisie, PLG-cyclus, kwaliteitskring).
 * The facilitation features highlight `frameId` and set the timer to `minutes`.
 */
export interface TemplateStep {
  title: string
  /** Suggested duration in minutes. */
  minutes: number
  /** The id of the frame (or area) shape that belongs to this step. */
  frameId: string
}

export interface TemplateBuildResult {
  /** Shapes to create, parents before children; every partial has a fresh `id`. */
  shapes: TLShapePartial[]
  /** Width and height of the whole template in page units. */
  size: { w: number; h: number }
  steps?: TemplateStep[]
}

/** A prepared board. Pure data and a pure `build`: no React, no DOM, usable by server and tests. */
export interface BoardTemplate {
  id: string
  /** Dutch title shown in the gallery. */
  title: string
  /** One line of explanation, Dutch. */
  description: string
  build(origin: TemplateOrigin): TemplateBuildResult
}
