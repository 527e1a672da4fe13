/** The account limiter's Redis scripts (account-limiter.service.ts): one round trip each. */

/**
 * Lua shared by ACQUIRE and RELEASE (needs `now`): keeps `ticket` in the queue (arrival order, or at
 * the head when `head` holds; a ticket already queued keeps its place) and its life `ttl` ms from now.
 */
const enqueue = (queue: string, expiry: string, ticket: string, head: string, ttl: string) => `
  if not redis.call('ZSCORE', ${queue}, ${ticket}) then
    local at = now
    if ${head} then at = now - 1e12 end
    redis.call('ZADD', ${queue}, at, ${ticket})
  end
  redis.call('ZADD', ${expiry}, now + ${ttl}, ${ticket})
  redis.call('PEXPIRE', ${queue}, ${ttl})
  redis.call('PEXPIRE', ${expiry}, ${ttl})`;

/*
 * One round trip decides everything for an account: an outside-imposed pause (a 429's window), the
 * number of calls in flight (a sorted set of tokens scored by their expiry, so a crashed worker's slot
 * frees itself), the turn of the caller among every process's callers waiting for the account (a queue
 * of tickets in arrival order, each living `ttl` ms unless its caller asks again, so a crashed worker's
 * tickets free themselves) and a sliding-window rate limit. Returns 0 when a slot was taken (or a
 * release has already given this ticket its slot: RELEASE), -1 when the account is at its concurrency or
 * it is another caller's turn, or the milliseconds to wait.
 * KEYS: inflight, rate, pause, queue (ticket -> arrival), queue expiry (ticket -> expiry).
 */
export const ACQUIRE = `
local now = tonumber(ARGV[1])
local conc = tonumber(ARGV[2])
local token = ARGV[5]
local granted = redis.call('ZSCORE', KEYS[1], token)
if granted and tonumber(granted) > now then return 0 end
local ttl = tonumber(ARGV[7])
local queued = conc > 0 and ttl > 0
if queued then
  local dead = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, 500)
  for _, d in ipairs(dead) do
    redis.call('ZREM', KEYS[4], d)
    redis.call('ZREM', KEYS[5], d)
  end
${enqueue('KEYS[4]', 'KEYS[5]', 'token', "ARGV[8] == '1'", 'ttl')}
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
 * Gives a slot back and hands the freed slots to the callers whose turn it now is (the first tickets of
 * the queue, as many as slots are free), whichever process they are in: each ticket is made a slot
 * (its mark in the rate window too) as ACQUIRE would make it, and the tickets are named in one message
 * ("+ticket": yours, go; "ticket": your turn, ask again), so a slot changes hands in this one round trip
 * instead of a release, a wake-up and an ACQUIRE of the taker. A ticket is "<process>.<uuid>", and each
 * process hears only its own tickets, on channel "<channel>:<process>"; the releasing process (ARGV
 * process) learns of its own from the answer, so a release sends no message at all unless it names a
 * ticket of another process (before, every release's message reached every process). Nothing is handed over while the account
 * is paused, while its rate window is full, or when the releaser does not know the hold (ARGV hold 0):
 * those tickets are only named, and their callers ask and are told how long to wait. A caller that
 * died after being handed a slot holds it until the slot's own expiry (hold), as a holder that died
 * does; a caller that gives up leaves through LEAVE, which tells it whether it was handed one. Tickets
 * whose callers stopped asking are dropped first, as in ACQUIRE.
 * KEYS: inflight, queue, queue expiry, channel, rate, pause. ARGV: token, account id, now, concurrency,
 * hold (ms), rate max, rate window (ms), process, and the releasing process's next caller to queue
 * first (as ACQUIRE would: its ticket or '', '1' to put it at the head, its ticket's life in ms).
 * Returns the tickets named.
 */
export const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local now = tonumber(ARGV[3])
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 500)
for _, d in ipairs(dead) do
  redis.call('ZREM', KEYS[2], d)
  redis.call('ZREM', KEYS[3], d)
end
if ARGV[9] ~= '' then
${enqueue('KEYS[2]', 'KEYS[3]', 'ARGV[9]', "ARGV[10] == '1'", 'tonumber(ARGV[11])')}
end
if redis.call('ZCARD', KEYS[2]) == 0 then return {} end
local free = tonumber(ARGV[4]) - redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[3], '+inf')
if free < 1 then return {} end
local heads = redis.call('ZRANGE', KEYS[2], 0, free - 1)
local hold = tonumber(ARGV[5])
local rmax = tonumber(ARGV[6])
local win = tonumber(ARGV[7])
local give = hold > 0 and redis.call('PTTL', KEYS[6]) <= 0
if give and rmax > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - win) end
local told = {}
for i, t in ipairs(heads) do
  if give and rmax > 0 and redis.call('ZCARD', KEYS[5]) >= rmax then give = false end
  if give then
    if rmax > 0 then
      redis.call('ZADD', KEYS[5], now, t)
      redis.call('PEXPIRE', KEYS[5], win)
    end
    redis.call('ZADD', KEYS[1], now + hold, t)
    redis.call('PEXPIRE', KEYS[1], hold)
    redis.call('ZREM', KEYS[2], t)
    redis.call('ZREM', KEYS[3], t)
    told[i] = '+' .. t
  else
    told[i] = t
  end
end
local byOwner = {}
for _, t in ipairs(told) do
  local owner = string.match(t, '^%+?([^.]+)%.')
  if owner and owner ~= ARGV[8] then
    if not byOwner[owner] then byOwner[owner] = {} end
    table.insert(byOwner[owner], t)
  end
end
for owner, ts in pairs(byOwner) do
  redis.call('PUBLISH', KEYS[4] .. ':' .. owner, ARGV[2] .. ' ' .. table.concat(ts, ' '))
end
return told
`;

/*
 * A waiting caller gives up its place; returns 1 if a release had already handed its ticket a slot
 * (RELEASE), which the caller then takes instead of leaving it to expire unused, else 0.
 * KEYS: queue, queue expiry, inflight. ARGV: ticket, now.
 */
export const LEAVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local held = redis.call('ZSCORE', KEYS[3], ARGV[1])
if held and tonumber(held) > tonumber(ARGV[2]) then return 1 end
return 0
`;
