/**
 * rate-limiter-flexible's Redis limiter counts in fixed windows that start with the first
 * request. PoofBG's contract promises a sliding 60 s window, so the limiter runs this
 * script instead: a log of request times per key in a sorted set, trimmed to the window.
 * Refused requests are not logged, so a client that keeps knocking while limited is let
 * in as soon as its oldest request leaves the window.
 *
 * Called as rate-limiter-flexible calls its script: KEYS[1] the key; ARGV[1] points to
 * consume, ARGV[2] the window in seconds, ARGV[3] the limit. Returns the points counted
 * in the window (over the limit when refused) and the milliseconds until the next slot
 * frees up. Time comes from the Redis server, so all gateway replicas share one clock.
 */
export const slidingWindowScript = `
local key = KEYS[1]
local cost = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local limit = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)

if count + cost > limit then
  local freeing = count + cost - limit - 1
  local blocking = redis.call('ZRANGE', key, freeing, freeing, 'WITHSCORES')
  local wait = window
  if blocking[2] then wait = tonumber(blocking[2]) + window - now end
  return {count + cost, math.max(wait, 1)}
end

for i = 1, cost do
  redis.call('ZADD', key, now, now .. '-' .. (count + i))
end
redis.call('PEXPIRE', key, window)

local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {count + cost, math.max(tonumber(oldest[2]) + window - now, 1)}
`;
