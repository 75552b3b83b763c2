import { createShapeId, getIndexAbove, NoteShapeUtil, toRichText, type IndexKey, type TLNoteShape, type TLShapeId } from 'tldraw'
import { seededRandom } from '../lib/harness/random'
import { PAGE_ID } from '../lib/harness/tlStore'
import { endFrame, sentence, type Participant } from '../lib/boardSeed'

/**
 * A 30-minute PLG meeting, scripted and compressed in time: participants write sticky notes
 * (one store change per keystroke, as tldraw's text editor makes them), edit each other's
 * texts, drag notes around (one change per frame of the drag) and delete some. Actions are
 * spread over the simulated half hour and run in that order, as fast as the relay takes them.
 */
export interface MeetingPlan {
  notes: number
  textEdits: number
  drags: number
  deletes: number
}

export const MEETING_MINUTES = 30
export const FULL_MEETING: MeetingPlan = { notes: 150, textEdits: 60, drags: 200, deletes: 20 }
/** Store changes per drag: a drag of ~0.5 s at 60 frames per second. */
export const FRAMES_PER_DRAG = 30

type Kind = 'note' | 'edit' | 'drag' | 'delete'
const noteProps = new NoteShapeUtil({} as never).getDefaultProps()

export interface MeetingResult {
  /** Store changes made (each one Yjs update sent to the server). */
  changes: number
}

/** Runs the meeting; every participant must already be on the board. Deterministic for a seed. */
export async function runMeeting(people: Participant[], plan: MeetingPlan, seed = 7): Promise<MeetingResult> {
  const random = seededRandom(seed)
  const actions: Array<{ at: number; kind: Kind }> = []
  const schedule = (kind: Kind, count: number, from: number) => {
    for (let i = 0; i < count; i++) actions.push({ at: from + random.next() * (MEETING_MINUTES - from), kind })
  }
  // Notes from the start; editing, sorting and clearing up only once there is something to work on.
  schedule('note', plan.notes, 0)
  schedule('edit', plan.textEdits, 5)
  schedule('drag', plan.drags, 5)
  schedule('delete', plan.deletes, 10)
  actions.sort((a, b) => a.at - b.at)

  let changes = 0
  // One change per frame: each becomes one update, and the websockets get a turn in between.
  const change = async (who: Participant) => {
    changes++
    await endFrame(who.store)
  }
  let index: IndexKey = 'a1' as IndexKey
  for (const action of actions) {
    const who = random.pick(people)
    const notes = who.store.allRecords().filter((r): r is TLNoteShape => r.typeName === 'shape' && r.type === 'note')
    if (action.kind !== 'note' && notes.length === 0) continue
    if (action.kind === 'note') {
      const id: TLShapeId = createShapeId()
      index = getIndexAbove(index)
      const note: TLNoteShape = {
        id,
        typeName: 'shape',
        type: 'note',
        x: random.int(3000),
        y: random.int(2000),
        rotation: 0,
        index,
        parentId: PAGE_ID,
        isLocked: false,
        opacity: 1,
        meta: {},
        props: { ...noteProps, color: random.pick(['yellow', 'light-green', 'light-blue', 'orange'] as const) },
      }
      who.store.put([note])
      await change(who)
      await type(who, id, '', sentence(random, 2 + random.int(8)), change)
    } else if (action.kind === 'edit') {
      const note = random.pick(notes)
      await type(who, note.id, plainText(note), ` ${sentence(random, 1 + random.int(4))}`, change)
    } else if (action.kind === 'drag') {
      const note = random.pick(notes)
      const [dx, dy] = [random.int(600) - 300, random.int(600) - 300]
      for (let f = 1; f <= FRAMES_PER_DRAG; f++) {
        who.store.update(note.id, (s) => ({ ...s, x: note.x + (dx * f) / FRAMES_PER_DRAG, y: note.y + (dy * f) / FRAMES_PER_DRAG }))
        await change(who)
      }
    } else {
      who.store.remove([random.pick(notes).id])
      await change(who)
    }
  }
  return { changes }
}

/** Types `added` at the end of a note's text, one store change per character. */
async function type(who: Participant, id: TLShapeId, before: string, added: string, change: (who: Participant) => Promise<void>) {
  for (let i = 1; i <= added.length; i++) {
    if (!who.store.has(id)) return // deleted by someone else meanwhile
    const text = before + added.slice(0, i)
    who.store.update(id, (s) => ({ ...s, props: { ...(s as TLNoteShape).props, richText: toRichText(text) } }) as TLNoteShape)
    await change(who)
  }
}

function plainText(note: TLNoteShape): string {
  const paragraph = (note.props.richText as { content?: Array<{ content?: Array<{ text?: string }> }> }).content?.[0]
  return paragraph?.content?.map((c) => c.text ?? '').join('') ?? ''
}
