#!lua
-- Writes one alert to every Redis structure of the sink, or does nothing if it is already there.
--
-- Why one script: Redis runs a script with no other command in between, so "is the alert
-- already written?" and all the writes are one atomic step. A replay or a restart (the host
-- writes alerts again whose input offsets it had not committed) and two instances writing the
-- same alert can therefore never add a second stream entry, publish twice or reopen an alert.
-- The alert hash is the idempotency marker: if it exists, the alert was fully written.
--
-- Why the checks and this order: Redis does not roll back a script that fails half way. The
-- shebang makes Redis (7.0+) refuse the whole script up front when it is out of memory, and the
-- type checks refuse it before any write when a key of ours holds something else. For anything
-- left, the writes that are idempotent by themselves (GEOADD, ZADD of the same member) come first,
-- the ones that must happen once (XADD, PUBLISH) next, and the hash that marks the alert as
-- written last, so a failure before the hash leaves nothing that the sink's retry would duplicate.
--
-- KEYS[1] alert hash      {prefix}alert:{id}
-- KEYS[2] stream          {prefix}alerts:{pack}
-- KEYS[3] open alerts     {prefix}open:{pack}
-- KEYS[4] geo index       {prefix}geo:{pack}
-- ARGV[1] id              ARGV[2] json             ARGV[3] rule        ARGV[4] pack
-- ARGV[5] severity        ARGV[6] key              ARGV[7] first_event_time (epoch ms)
-- ARGV[8] last_event_time ARGV[9] emit_time        ARGV[10] grid       ARGV[11] route
-- ARGV[12] hash TTL (ms)  ARGV[13] stream max length (approximate)
-- ARGV[14] live channel   ARGV[15] "1" if the alert has a location   ARGV[16] lon  ARGV[17] lat
-- Returns 1 if the alert was written, 0 if it was already there.

if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end

local function wrong_type(key, expected)
  local actual = redis.call('TYPE', key)['ok']
  if actual ~= 'none' and actual ~= expected then
    return 'WRONGTYPE ' .. key .. ' holds a ' .. actual .. ', the alert sink needs a ' .. expected
  end
  return nil
end

local problem = wrong_type(KEYS[2], 'stream') or wrong_type(KEYS[3], 'zset') or wrong_type(KEYS[4], 'zset')
if problem then
  return redis.error_reply(problem)
end

if ARGV[15] == '1' then
  redis.call('GEOADD', KEYS[4], ARGV[16], ARGV[17], ARGV[1])
end
redis.call('ZADD', KEYS[3], ARGV[8], ARGV[1])

redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[13], '*', 'id', ARGV[1], 'json', ARGV[2])
redis.call('PUBLISH', ARGV[14], ARGV[2])

redis.call('HSET', KEYS[1],
  'json', ARGV[2],
  'rule', ARGV[3],
  'pack', ARGV[4],
  'severity', ARGV[5],
  'key', ARGV[6],
  'first_event_time', ARGV[7],
  'last_event_time', ARGV[8],
  'emit_time', ARGV[9],
  'grid', ARGV[10],
  'route', ARGV[11],
  'status', 'open')
redis.call('PEXPIRE', KEYS[1], ARGV[12])
return 1
