/** The account limiter's Redis scripts (account-limiter.service.ts): one round trip each. */

/*
 * One round trip decides everything for an account: an outside-imposed pause (a 429's window), the
 * number of calls in flight (a sorted set of tokens scored by their expiry, so a crashed worker's slot
 * frees itself), the turn of the caller among every process's callers waiting for the account (a queue
 * of tickets in arrival order, each living `ttl` ms unless its caller asks again, so a crashed worker's
 * tickets free themselves) and a sliding-window rate limit. Returns 0 when a slot was taken, -1 when
 * the account is at its concurrency or it is another caller's turn, or the milliseconds to wait.
 * KEYS: inflight, rate, pause, queue (ticket -> arrival), queue expiry (ticket -> expiry).
 */
export const ACQUIRE = `
local now = tonumber(ARGV[1])
local conc = tonumber(ARGV[2])
local token = ARGV[5]
local ttl = tonumber(ARGV[7])
local queued = conc > 0 and ttl > 0
if queued then
  local dead = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, 500)
  for _, d in ipairs(dead) do
    redis.call('ZREM', KEYS[4], d)
    redis.call('ZREM', KEYS[5], d)
  end
  if not redis.call('ZSCORE', KEYS[4], token) then
    local at = now
    if ARGV[8] == '1' then at = now - 1e12 end
    redis.call('ZADD', KEYS[4], at, token)
  end
  redis.call('ZADD', KEYS[5], now + ttl, token)
  redis.call('PEXPIRE', KEYS[4], ttl)
  redis.call('PEXPIRE', KEYS[5], ttl)
end
local pttl = redis.call('PTTL', KEYS[3])
if pttl > 0 then return pttl end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if conc > 0 then
  local free = conc - redis.call('ZCARD', KEYS[1])
  if free <= 0 then return -1 end
  if queued and redis.call('ZRANK', KEYS[4], token) >= free then return -1 end
end
local rmax = tonumber(ARGV[3])
if rmax > 0 then
  local win = tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - win)
  if redis.call('ZCARD', KEYS[2]) >= rmax then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return math.max(1, math.floor(tonumber(oldest[2]) + win - now))
  end
  redis.call('ZADD', KEYS[2], now, token)
  redis.call('PEXPIRE', KEYS[2], win)
end
if queued then
  redis.call('ZREM', KEYS[4], token)
  redis.call('ZREM', KEYS[5], token)
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[6]), token)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
return 0
`;

/*
 * Gives a slot back and, when callers of any process wait for the account, names the ones whose turn it
 * now is (the first tickets of the queue, as many as slots are free) in one message, so only they ask
 * again; the others keep waiting. Tickets whose callers stopped asking are dropped first, as in ACQUIRE.
 * KEYS: inflight, queue, queue expiry, channel. ARGV: token, account id, now, concurrency. Returns the
 * tickets named.
 */
export const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local now = tonumber(ARGV[3])
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 500)
for _, d in ipairs(dead) do
  redis.call('ZREM', KEYS[2], d)
  redis.call('ZREM', KEYS[3], d)
end
if redis.call('ZCARD', KEYS[2]) == 0 then return {} end
local free = tonumber(ARGV[4]) - redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[3], '+inf')
if free < 1 then return {} end
local heads = redis.call('ZRANGE', KEYS[2], 0, free - 1)
redis.call('PUBLISH', KEYS[4], ARGV[2] .. ' ' .. table.concat(heads, ' '))
return heads
`;
