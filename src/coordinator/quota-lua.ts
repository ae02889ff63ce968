// The shared quota ledger's one Lua script: Redis runs a script atomically, so a reservation
// checked and taken by one Node-RED instance cannot be taken by another in between.
//
// Keys (one account: a hash of the cloud URL and the API key, never the key; the {braces}
// keep them in one Redis Cluster slot):
//   KEYS[1] v2c-trydan:quota:{id}            hash: limit, remaining, resetAt, blockedUntil
//   KEYS[2] v2c-trydan:quota:{id}:flight     zset: reservations on the wire, score = when they count as spent
//   KEYS[3] v2c-trydan:quota:{id}:instances  zset: Node-RED instances, score = last heartbeat
// The quota day is the record's resetAt: the cloud names it (RateLimit-Reset), so it is kept
// in the record rather than in the key's name; the keys expire a day after that reset.
//
// ARGV: op, now, limit (for a new record), next reset (for a new day), id, then per op:
//   take    background (1/0), reserve, hold ms
//   settle  status, header limit, header remaining, header reset (epoch ms) ('' = absent)
//   spend / release (no more)
//   report  calls made while Redis was away, remaining the cloud said ('' = none), blocked until
//   beat    instances older than this (epoch ms) are forgotten
// Returns { verdict, limit, remaining, resetAt, blockedUntil, in flight, instances }.

/** Resets named by different answers differ by their rounding to whole seconds: within this, one day. */
export const RESET_JITTER_MS = 2000;

export const QUOTA_LUA = `
local q, flight, inst = KEYS[1], KEYS[2], KEYS[3]
local op, now, hint, id = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4]), ARGV[5]
local l = redis.call('HMGET', q, 'limit', 'remaining', 'resetAt', 'blockedUntil')
local lim, rem, reset, blocked = tonumber(l[1]) or tonumber(ARGV[3]), tonumber(l[2]), tonumber(l[3]), tonumber(l[4]) or 0
local function newDay(at)
  rem = lim
  reset = at
  blocked = 0
end
if not reset or not rem or now >= reset then newDay(hint) end
-- A reservation whose holder never came back (killed mid-call) may have reached the cloud.
local lost = redis.call('ZRANGEBYSCORE', flight, '-inf', now)
if #lost > 0 then
  redis.call('ZREMRANGEBYSCORE', flight, '-inf', now)
  rem = math.max(0, rem - #lost)
end
local verdict = 'ok'
if op == 'take' then
  local left = rem - redis.call('ZCARD', flight)
  if blocked > now then verdict = 'blocked'
  elseif left <= 0 then verdict = 'spent'
  elseif ARGV[6] == '1' and left <= tonumber(ARGV[7]) then verdict = 'reserved'
  else redis.call('ZADD', flight, now + tonumber(ARGV[8]), id) end
elseif op == 'settle' then
  local status, hLimit, hRem, hReset = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
  redis.call('ZREM', flight, id)
  if hLimit then lim = hLimit end
  -- A reset well after this record's: the cloud has started a new day (the margin absorbs rounding).
  if hReset and hReset > reset + ${RESET_JITTER_MS} then newDay(hReset)
  elseif hReset and hReset < reset then reset = hReset end
  if status ~= 401 then
    -- Answers from many instances arrive out of order: the lowest count is the newest.
    if hRem then rem = math.min(rem, hRem) else rem = math.max(0, rem - 1) end
  end
  if status == 429 then
    rem = 0
    blocked = reset
  end
elseif op == 'spend' then
  if redis.call('ZREM', flight, id) == 1 then rem = math.max(0, rem - 1) end
elseif op == 'release' then
  redis.call('ZREM', flight, id)
elseif op == 'report' then
  rem = math.max(0, rem - tonumber(ARGV[6]))
  local said, until_ = tonumber(ARGV[7]), tonumber(ARGV[8])
  if said then rem = math.min(rem, said) end
  if until_ and until_ > blocked and until_ > now then
    blocked = math.min(until_, reset)
    rem = 0
  end
elseif op == 'beat' then
  redis.call('ZADD', inst, now, id)
  redis.call('ZREMRANGEBYSCORE', inst, '-inf', tonumber(ARGV[6]))
end
redis.call('HSET', q, 'limit', lim, 'remaining', rem, 'resetAt', reset, 'blockedUntil', blocked)
local expires = reset + 86400000
for _, key in ipairs({ q, flight, inst }) do redis.call('PEXPIREAT', key, expires) end
return { verdict, lim, rem, reset, blocked, redis.call('ZCARD', flight), redis.call('ZCARD', inst) }
`;
