/**
 * The Lua scripts of the Redis store (server/store/redisStore.ts): each runs atomically inside
 * Redis, so a check (is the board deleted? does this state cover more of the log?) and the write
 * it guards cannot be separated by another instance's command.
 */

/**
 * Only writes a merged state (its pieces as fields d0, d1, …) that covers more of the log than
 * the stored one, then trims the log below it. Without the check, two instances compacting one
 * board could trim entries that only the other's state contained. Nothing is written for a
 * deleted board (KEYS[3], ARGV[2]).
 */
export const COMPACT_SCRIPT = `
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 1 then return -1 end
local function parse(id) local ms, seq = string.match(id, '^(%d+)-(%d+)$'); return tonumber(ms), tonumber(seq) end
local current = redis.call('HGET', KEYS[1], 'upto')
if current then
  local cm, cs = parse(current)
  local nm, ns = parse(ARGV[1])
  if nm < cm or (nm == cm and ns <= cs) then return 0 end
end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV do redis.call('HSET', KEYS[1], 'd' .. (i - 3), ARGV[i]) end
redis.call('HSET', KEYS[1], 'upto', ARGV[1])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[1])
return 1
`

/**
 * Appends to a room's log unless its board was deleted (then nothing, and false): an instance
 * that missed the news of a deletion cannot write the board back.
 */
export const APPEND_SCRIPT = `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return false end
return redis.call('XADD', KEYS[1], '*', 'i', ARGV[2], 'u', ARGV[3])
`

/** Writes a snapshot's two fields unless the board was deleted. */
export const SNAPSHOT_SCRIPT = `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'info:' .. ARGV[2], ARGV[3], 'state:' .. ARGV[2], ARGV[4])
return 1
`

/**
 * Records an opening of a board that exists (KEYS[1], its access key): the later of the stored
 * and the new time (ARGV[3] = 'first': only when none is stored, for boards seen the first time).
 */
export const OPENED_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = redis.call('ZSCORE', KEYS[2], ARGV[1])
if current and (ARGV[3] == 'first' or tonumber(current) >= tonumber(ARGV[2])) then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`

/**
 * Saves an asset (server/store/redisAssets.ts): KEYS = the board's references (a hash, asset id →
 * "<sha256> <size> <type>"), the tombstones, the blob, the blob's set of referring boards; ARGV =
 * tombstone hash, asset id, reference, bytes, board id. Nothing for a deleted board; 'same' or
 * 'taken' when the id is in use; the bytes are written only when no board brought them before.
 */
export const SAVE_ASSET_SCRIPT = `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 'deleted' end
local existing = redis.call('HGET', KEYS[1], ARGV[2])
if existing then
  if string.sub(existing, 1, 64) == string.sub(ARGV[3], 1, 64) then return 'same' end
  return 'taken'
end
if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('SET', KEYS[3], ARGV[4]) end
redis.call('SADD', KEYS[4], ARGV[5])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 'saved'
`

/**
 * Gives a board (KEYS[1], its references) a reference to a blob (KEYS[3], referring boards
 * KEYS[4]) unless it was deleted (KEYS[2], ARGV[1]) or the blob is gone (its board was deleted
 * while the copy was made), or the id is taken there. ARGV = tombstone hash, asset id, reference, board id.
 */
export const COPY_ASSET_SCRIPT = `
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 0 end
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('SADD', KEYS[4], ARGV[4])
return 1
`

/**
 * A deleted board (ARGV[1]) lets go of a blob (KEYS[1], its referring boards KEYS[2]); the
 * blob goes with the last board that referred to it.
 */
export const RELEASE_BLOB_SCRIPT = `
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[1], KEYS[2]); return 1 end
return 0
`
