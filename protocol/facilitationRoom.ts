/**
 * The facilitation room's Y.Doc holds one root map with the meeting's title, agenda, steps, timer,
 * voting and writing rounds. Boards made before that room existed kept the same map, under the
 * same name, in the board's own Y.Doc; the server moves it over when the room is first opened.
 */
export const FACILITATION_MAP = 'facilitation'

/**
 * A root map of the facilitation room that the server writes when it opens the room for the first
 * time; from then on the room is never empty, which is how the server knows it has been started.
 */
export const ROOM_META_MAP = 'room'
/**
 * Key in ROOM_META_MAP: how many stored updates of the board the server could not read when it
 * last opened it. They are kept (never compacted over); the facilitator sees a warning.
 */
export const UNREADABLE_UPDATES_KEY = 'unreadableUpdates'
