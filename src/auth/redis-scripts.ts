/**
 * The Lua scripts of the Redis store: each runs as one atomic step, so two
 * processes can never interleave inside one.
 */

/**
 * Stores a session. KEYS: session hash, handle key, user set (or '' when the
 * session is anonymous). ARGV: session JSON, refresh digest, expiry, ttl ms, id.
 * The user set lists a user's sessions for revoke-by-user; it lives as long as
 * the longest of them.
 */
export const CREATE = `
redis.call('HSET', KEYS[1], 'session', ARGV[1], 'refresh', ARGV[2], 'used', '', 'exp', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[4])
if KEYS[3] ~= '' then
  redis.call('SADD', KEYS[3], ARGV[5])
  if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
end
return 1
`

/**
 * Swaps a refresh token atomically. KEYS: session hash, revoked set.
 * ARGV: presented digest, next digest, now, session id, channel.
 * A digest that was current once but is no more revokes the session.
 */
export const ROTATE = `
if redis.call('ZSCORE', KEYS[2], ARGV[4]) then return {'revoked'} end
local fields = redis.call('HMGET', KEYS[1], 'session', 'refresh', 'used', 'exp')
if not fields[1] then return {'unknown'} end
if tonumber(fields[4]) <= tonumber(ARGV[3]) then return {'expired'} end
local used = fields[3] or ''
if fields[2] == ARGV[1] then
  used = used .. ARGV[1] .. ','
  if #used > 65 * 64 then used = string.sub(used, 66) end
  redis.call('HSET', KEYS[1], 'refresh', ARGV[2], 'used', used)
  return {'rotated', fields[1]}
end
if string.find(used, ARGV[1] .. ',', 1, true) then
  redis.call('ZADD', KEYS[2], fields[4], ARGV[4])
  redis.call('PUBLISH', ARGV[5], ARGV[4] .. ' ' .. fields[4])
  return {'reused', fields[4]}
end
return {'unknown'}
`

/**
 * Revokes every live session of a user. KEYS: user set, revoked set.
 * ARGV: now, channel, prefix of session keys. Returns the pairs
 * (id, expiry) revoked; ids whose session is gone leave the set.
 */
export const REVOKE_USER = `
local now = tonumber(ARGV[1])
local revoked = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local exp = tonumber(redis.call('HGET', ARGV[3] .. id, 'exp'))
  if not exp or exp <= now then
    redis.call('SREM', KEYS[1], id)
  elseif not redis.call('ZSCORE', KEYS[2], id) then
    redis.call('ZADD', KEYS[2], exp, id)
    redis.call('PUBLISH', ARGV[2], id .. ' ' .. exp)
    table.insert(revoked, id)
    table.insert(revoked, tostring(exp))
  end
end
return revoked
`

/**
 * Reserves a login attempt on every counter, or none. KEYS: the counters
 * (hashes of c: count, t: last attempt). ARGV: now, window ms, delay ms,
 * longest delay ms, then each counter's free attempts. Returns {0, 0} when
 * reserved, else {index of the refusing counter (from 1), ms to wait}. The
 * delay is attemptDelay() of login-attempts.ts.
 */
export const RESERVE = `
local now = tonumber(ARGV[1])
local delay, longest = tonumber(ARGV[3]), tonumber(ARGV[4])
for i, key in ipairs(KEYS) do
  local fields = redis.call('HMGET', key, 'c', 't')
  local count, free = tonumber(fields[1]) or 0, tonumber(ARGV[4 + i])
  if count >= free then
    local wait = math.min(longest, delay * 2 ^ (count - free))
    local left = (tonumber(fields[2]) or 0) + wait - now
    if left > 0 then return {i, math.ceil(left)} end
  end
end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'c', 1)
  redis.call('HSET', key, 't', ARGV[1])
  redis.call('PEXPIRE', key, ARGV[2])
end
return {0, 0}
`

/** Takes one attempt back from each counter that still exists. KEYS: the counters. */
export const RELEASE = `
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('HGET', key, 'c') or '0') > 0 then redis.call('HINCRBY', key, 'c', -1) end
end
return 1
`
