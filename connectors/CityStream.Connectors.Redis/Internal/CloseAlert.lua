#!lua
-- Closes one alert: sets its status and takes it out of the pack's open set.
--
-- Why a script: the status and the open set change together, so no reader sees an alert that is
-- open in one place and closed in the other. The hash is only updated if it still exists, because
-- HSET on an expired alert would recreate a partial hash with no TTL that never goes away; the
-- open-set entry is removed either way, so an expired alert cannot stay open forever.
--
-- KEYS[1] alert hash      {prefix}alert:{id}
-- KEYS[2] open alerts     {prefix}open:{pack}
-- ARGV[1] id              ARGV[2] new status
-- Returns 1 if the alert was found and updated, 0 if there is no such alert (or it expired).

if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
