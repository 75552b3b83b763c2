/**
 * The SQLite store's tables (server/store/sqliteStore.ts). Every statement is "IF NOT EXISTS", so
 * a database made by an older version gains the newer tables when the server starts on it.
 * - board_updates: each room's update log (a board, its facilitation room, its private rooms);
 * - board_snapshots: the facilitator's named snapshots of a board;
 * - board_access: the hashes of a board's three link tokens (a board exists when it has a row);
 * - board_opened: when a board was last opened, for BOARD_RETENTION_DAYS;
 * - deleted_boards: hashes of deleted boards' ids, so an id is never opened again;
 * - asset_blobs: the bytes of pictures and videos, once per SHA-256 whatever boards use them;
 * - board_assets: a board's references to them (a copy of a board refers to the same blobs).
 */
export const SQLITE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS board_updates (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    board_id TEXT NOT NULL,
    data BLOB NOT NULL
  );
  CREATE INDEX IF NOT EXISTS board_updates_board ON board_updates (board_id, seq);
  CREATE TABLE IF NOT EXISTS board_snapshots (
    board_id TEXT NOT NULL,
    snapshot_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (board_id, snapshot_id)
  );
  CREATE TABLE IF NOT EXISTS board_access (
    board_id TEXT PRIMARY KEY,
    record TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS board_opened (
    board_id TEXT PRIMARY KEY,
    opened_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS board_opened_at ON board_opened (opened_at);
  CREATE TABLE IF NOT EXISTS deleted_boards (
    id_hash TEXT PRIMARY KEY,
    deleted_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS asset_blobs (
    hash TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS board_assets (
    board_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (board_id, asset_id)
  );
  CREATE INDEX IF NOT EXISTS board_assets_hash ON board_assets (hash);
`
