/**
 * Limits both sides must know: the server refuses what goes past them, so the page keeps what it
 * sends within them (client/sync/limitedWebSocket.ts) instead of sending something that can only be
 * refused, again on every reconnect.
 */

/** Largest websocket message the server takes by default, in bytes (server: MAX_MESSAGE_BYTES). */
export const DEFAULT_MAX_MESSAGE_BYTES = 2 * 1024 * 1024 // 2 MiB: a large paste of shapes

/**
 * Most structs one change may bring: applying one takes 3–6 µs warm and up to 20 µs in a fresh
 * process (measured: 9,000 small map entries held the loop 90–190 ms), so this keeps one message
 * well under 100 ms. A paste of 1,000 notes is a few structs (Yjs merges a client's consecutive
 * inserts into one); only long offline sessions, hostile or machine-made updates come near it.
 */
export const MAX_STRUCTS_PER_UPDATE = 5_000
