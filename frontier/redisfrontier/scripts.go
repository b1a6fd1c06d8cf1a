package redisfrontier

import "github.com/redis/go-redis/v9"

// Every change to the shared state is one Lua script: Redis runs a script
// alone, so a pop, a push or a clock tick by one worker never interleaves
// with another worker's. Keys are built inside the scripts from the
// prefixes passed in ARGV, so this needs one Redis server (not a cluster).
//
// Crawl keys (P = "gongkai:<crawl>:"):
//
//	P gen            the crawl's generation: one per crawl of the seed lists
//	P open           set of seed ids not finished in this generation
//	P seeds          hash seed id → seed URL
//	P workers        hash worker id → "host pid start-time"
//	P alive:<w>      exists while worker w is alive (a lease its heartbeat renews)
//	P pages          hash worker id → items it finished
//	P clock:<host>   the host's next start, Redis time in µs (the politeness clock)
//	P parked         hash host → worker id "|" reason: hosts parked in this generation
//	P robots:<sh>    hash gen, status, body: robots.txt of scheme://host <sh>, kept for the generation
//	P robotsby:<sh>  the worker fetching that robots.txt now (others wait for its answer)
//
// Seed keys (Q = P "q:<seed id>:"):
//
//	Q meta   hash gen, state (a active, f finished, p parked: over in this
//	         generation, its frontier kept for the next), seed URL
//	Q pend   zset of pending items: score −priority, member seq(16 hex) ‖ key,
//	         so equal priorities pop in push order
//	Q state  hash key → p pending, c claimed, d done (Known, and the seen set)
//	Q item   hash key → the encoded item (key, host, priority, data)
//	Q pos    hash key → seq(16 hex) "|" score: an item's place, to requeue it there
//	Q claim  hash key → worker id "|" claim time (ms)
//	Q seq    push counter
//	Q rc     exists for 2 s after a sweep of lapsed claims (rate-limits sweeps)
//	Q on     set of the workers that began the seed (Busy)
//	Q spent  pages of the seed's budget taken by all workers (Spend)

// luaCommon is prepended to every queue script. ARGV[1] = P, ARGV[2] = Q,
// ARGV[3] = worker id.
const luaCommon = `
local P, Q, W = ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', P..'gen') == 0 then
  return redis.error_reply('GONGKAI_LOST crawl state missing')
end
local function nowms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function requeue(key)
  local pos = redis.call('HGET', Q..'pos', key)
  if pos then
    local sep = string.find(pos, '|', 1, true)
    redis.call('ZADD', Q..'pend', pos:sub(sep + 1), pos:sub(1, sep - 1)..key)
    redis.call('HSET', Q..'state', key, 'p')
  end
  redis.call('HDEL', Q..'claim', key)
end
local function owner(v)
  local sep = string.find(v, '|', 1, true)
  return v:sub(1, sep - 1)
end
-- lapsed claims (their worker's lease has run out) go back to pending
local function sweep()
  local c = redis.call('HGETALL', Q..'claim')
  for i = 1, #c, 2 do
    if redis.call('EXISTS', P..'alive:'..owner(c[i + 1])) == 0 then requeue(c[i]) end
  end
end
local function claim(key, now)
  redis.call('HSET', Q..'state', key, 'c')
  redis.call('HSET', Q..'claim', key, W..'|'..now)
end
local function pop(n)
  local out = {}
  if n <= 0 then return out end
  if redis.call('ZCARD', Q..'pend') < n or redis.call('SET', Q..'rc', '1', 'NX', 'PX', 2000) then sweep() end
  local now = nowms()
  for _, mem in ipairs(redis.call('ZRANGE', Q..'pend', 0, n - 1)) do
    redis.call('ZREM', Q..'pend', mem)
    local key = mem:sub(17)
    claim(key, now)
    out[#out + 1] = redis.call('HGET', Q..'item', key)
  end
  return out
end
local function push(key, score, blob)
  if redis.call('HEXISTS', Q..'state', key) == 1 then return false end
  local seq = string.format('%016x', redis.call('INCR', Q..'seq'))
  redis.call('HSET', Q..'pos', key, seq..'|'..score)
  redis.call('HSET', Q..'item', key, blob)
  redis.call('ZADD', Q..'pend', score, seq..key)
  redis.call('HSET', Q..'state', key, 'p')
  return true
end
local function take(key, score, blob, now)
  local st = redis.call('HGET', Q..'state', key)
  if not st then
    push(key, score, blob)
    st = 'p'
  elseif st ~= 'p' then
    return false
  end
  local pos = redis.call('HGET', Q..'pos', key)
  redis.call('ZREM', Q..'pend', pos:sub(1, string.find(pos, '|', 1, true) - 1)..key)
  claim(key, now)
  return true
end
`

// scriptPushPop: ARGV[4] = n to pop, ARGV[5] = how many of the triples
// that follow are taken (PushTake), then triples key, score, blob. Returns
// {indexes of the triples added (1-based), popped blobs}.
var scriptPushPop = redis.NewScript(luaCommon + `
local n, ntake = tonumber(ARGV[4]), tonumber(ARGV[5])
local added = {}
local now = nowms()
local i = 6
local t = 1
while i + 2 <= #ARGV do
  if t <= ntake then
    local known = redis.call('HEXISTS', Q..'state', ARGV[i]) == 1
    take(ARGV[i], ARGV[i + 1], ARGV[i + 2], now)
    if not known then added[#added + 1] = t end
  elseif push(ARGV[i], ARGV[i + 1], ARGV[i + 2]) then
    added[#added + 1] = t
  end
  i, t = i + 3, t + 1
end
return {added, pop(n)}
`)

// scriptDone: ARGV[4...] keys. Marks them done and counts them for W.
var scriptDone = redis.NewScript(luaCommon + `
for i = 4, #ARGV do
  local key = ARGV[i]
  if redis.call('HGET', Q..'state', key) == 'p' then
    local pos = redis.call('HGET', Q..'pos', key)
    redis.call('ZREM', Q..'pend', pos:sub(1, string.find(pos, '|', 1, true) - 1)..key)
  end
  redis.call('HSET', Q..'state', key, 'd')
  redis.call('HDEL', Q..'claim', key)
  redis.call('HDEL', Q..'item', key)
  redis.call('HDEL', Q..'pos', key)
end
redis.call('HINCRBY', P..'pages', W, #ARGV - 3)
return 0
`)

// scriptRelease: ARGV[4...] keys claimed by W go back to pending.
var scriptRelease = redis.NewScript(luaCommon + `
for i = 4, #ARGV do
  local c = redis.call('HGET', Q..'claim', ARGV[i])
  if c and owner(c) == W then requeue(ARGV[i]) end
end
return 0
`)

// scriptBegin: ARGV[4] seed id, ARGV[5] seed URL, ARGV[6..8] the first
// item's key, score, blob. Returns 1 if the seed's crawl in this generation
// had begun (resumed; its lapsed claims back to pending), 0 if it starts now.
var scriptBegin = redis.NewScript(luaCommon + `
local gen = redis.call('GET', P..'gen')
if redis.call('HGET', Q..'meta', 'gen') == gen then
  sweep()
  if redis.call('HGET', Q..'meta', 'state') == 'a' then redis.call('SADD', Q..'on', W) end
  return 1
end
if redis.call('HGET', Q..'meta', 'state') == 'p' then
  -- parked in an earlier generation: its frontier resumes
  sweep()
  redis.call('DEL', Q..'on', Q..'spent')
  redis.call('SADD', Q..'on', W)
  redis.call('HSET', Q..'meta', 'gen', gen, 'state', 'a')
  redis.call('SADD', P..'open', ARGV[4])
  return 1
end
redis.call('DEL', Q..'pend', Q..'state', Q..'item', Q..'pos', Q..'claim', Q..'seq', Q..'rc', Q..'on', Q..'spent')
redis.call('SADD', Q..'on', W)
redis.call('HSET', Q..'meta', 'gen', gen, 'state', 'a', 'seed', ARGV[5])
redis.call('SADD', P..'open', ARGV[4])
redis.call('HSET', P..'seeds', ARGV[4], ARGV[5])
push(ARGV[6], ARGV[7], ARGV[8])
return 0
`)

// scriptSettle: ARGV[4...] the keys W knows it holds. Sweeps lapsed
// claims and requeues W's claims it does not know of (a pop whose answer
// was lost with the connection). Returns {pending, claims by other live
// workers}.
var scriptSettle = redis.NewScript(luaCommon + `
sweep()
local mine = {}
for i = 4, #ARGV do mine[ARGV[i]] = true end
local others = 0
local c = redis.call('HGETALL', Q..'claim')
for i = 1, #c, 2 do
  if owner(c[i + 1]) == W then
    if not mine[c[i]] then requeue(c[i]) end
  else
    others = others + 1
  end
end
return {redis.call('ZCARD', Q..'pend'), others}
`)

// scriptFinish: ARGV[4] seed id. The seed's crawl is over in this
// generation: its keys go, a finished mark stays (a worker that begins it
// later finds nothing to do) and it leaves the open set.
var scriptFinish = redis.NewScript(luaCommon + `
-- spent stays: a worker still on the seed must not find a fresh budget
redis.call('DEL', Q..'pend', Q..'state', Q..'item', Q..'pos', Q..'claim', Q..'seq', Q..'rc', Q..'on')
redis.call('HSET', Q..'meta', 'gen', redis.call('GET', P..'gen'), 'state', 'f')
redis.call('SREM', P..'open', ARGV[4])
return 0
`)

// scriptBusy: is another live worker on the seed (began it, in this
// generation, and it is not finished)? Returns 1 or 0.
var scriptBusy = redis.NewScript(luaCommon + `
if redis.call('HGET', Q..'meta', 'gen') ~= redis.call('GET', P..'gen') or redis.call('HGET', Q..'meta', 'state') ~= 'a' then
  return 0
end
for _, w in ipairs(redis.call('SMEMBERS', Q..'on')) do
  if w ~= W and redis.call('EXISTS', P..'alive:'..w) == 1 then return 1 end
end
return 0
`)

// scriptJoin: ARGV[1] = P, ARGV[2] worker id, ARGV[3] its description,
// ARGV[4] lease ms, ARGV[5...] seed ids and URLs in pairs. A worker joins
// the crawl in progress, or starts the next generation when the last one
// has finished every seed (or there was none). Its seeds not finished in
// the generation are added to the open set. Returns the generation and
// how many workers joined it before this one.
var scriptJoin = redis.NewScript(`
local P, W = ARGV[1], ARGV[2]
local gen = tonumber(redis.call('GET', P..'gen') or '0')
if gen == 0 or redis.call('SCARD', P..'open') == 0 then
  gen = gen + 1
  redis.call('SET', P..'gen', gen)
  -- a new crawl: count pages afresh, forget workers that have gone
  redis.call('DEL', P..'pages', P..'joined', P..'parked')
  local ws = redis.call('HKEYS', P..'workers')
  for _, w in ipairs(ws) do
    if w ~= W and redis.call('EXISTS', P..'alive:'..w) == 0 then redis.call('HDEL', P..'workers', w) end
  end
end
local joined = redis.call('HINCRBY', P..'joined', gen, 1) - 1
redis.call('HSET', P..'workers', W, ARGV[3])
redis.call('SET', P..'alive:'..W, '1', 'PX', ARGV[4])
for i = 5, #ARGV - 1, 2 do
  local Q = P..'q:'..ARGV[i]..':'
  local st = redis.call('HGET', Q..'meta', 'state')
  if redis.call('HGET', Q..'meta', 'gen') ~= tostring(gen) or (st ~= 'f' and st ~= 'p') then
    redis.call('SADD', P..'open', ARGV[i])
    redis.call('HSET', P..'seeds', ARGV[i], ARGV[i + 1])
  end
end
return {gen, joined}
`)

// The clock scripts count in microseconds of Redis's own time, so every
// worker measures the interval on one clock.
const luaNowUS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
`

// scriptStart: ARGV[1] = clock key, ARGV[2] interval µs, ARGV[3] the
// parked hash, ARGV[4] the host. Takes the host's slot if it has come:
// returns {1, now µs} and moves the slot to now + interval; otherwise
// {0, µs to wait}; {2, "worker|reason"} if a worker parked the host.
var scriptStart = redis.NewScript(luaNowUS + `
local parked = redis.call('HGET', ARGV[3], ARGV[4])
if parked then return {2, parked} end
local next = tonumber(redis.call('GET', ARGV[1]) or '0')
if next > now then return {0, next - now} end
local iv = tonumber(ARGV[2])
if iv > 0 then
  redis.call('SET', ARGV[1], string.format('%d', now + iv), 'PX', math.floor(iv / 1000) + 60000)
end
return {1, now}
`)

// scriptDelay: ARGV[1] = clock key, ARGV[2] µs from now. Moves the slot
// later, never earlier.
var scriptDelay = redis.NewScript(luaNowUS + `
local d = tonumber(ARGV[2])
local next = tonumber(redis.call('GET', ARGV[1]) or '0')
if now + d > next then
  redis.call('SET', ARGV[1], string.format('%d', now + d), 'PX', math.floor(d / 1000) + 60000)
end
return 0
`)

// scriptSpend: ARGV[4] the budget. Takes one page of the seed's budget
// for this generation. Returns {1, pages left} or {0, 0} once spent.
var scriptSpend = redis.NewScript(luaCommon + `
local max = tonumber(ARGV[4])
local spent = tonumber(redis.call('GET', Q..'spent') or '0')
if spent >= max then return {0, 0} end
spent = redis.call('INCR', Q..'spent')
return {1, max - spent}
`)

// scriptSuspend: ARGV[4] seed id. The seed stops because its host is
// parked: begun in this generation, it is over for now and keeps its
// frontier for the next (state p); not begun, it is simply over (f).
var scriptSuspend = redis.NewScript(luaCommon + `
local gen = redis.call('GET', P..'gen')
if redis.call('HGET', Q..'meta', 'gen') == gen and redis.call('HGET', Q..'meta', 'state') == 'a' then
  redis.call('HSET', Q..'meta', 'state', 'p')
elseif redis.call('HGET', Q..'meta', 'gen') ~= gen then
  redis.call('HSET', Q..'meta', 'gen', gen, 'state', 'f')
end
redis.call('SREM', P..'open', ARGV[4])
return 0
`)

// scriptPark: ARGV[1] = P, ARGV[2] worker, ARGV[3] host, ARGV[4] reason.
// The first worker to park a host names the reason.
var scriptPark = redis.NewScript(`
if redis.call('EXISTS', ARGV[1]..'gen') == 0 then
  return redis.error_reply('GONGKAI_LOST crawl state missing')
end
redis.call('HSETNX', ARGV[1]..'parked', ARGV[3], ARGV[2]..'|'..ARGV[4])
return 0
`)

// scriptRobots: ARGV[1] = P, ARGV[2] worker, ARGV[3] scheme://host.
// Returns {1, status, body} when the generation's robots.txt is kept;
// {2} when the caller is to fetch it (nobody alive is fetching it);
// {0} when a live worker (this one too, on another goroutine) is
// fetching it.
var scriptRobots = redis.NewScript(`
local P, W = ARGV[1], ARGV[2]
local gen = redis.call('GET', P..'gen')
if not gen then return redis.error_reply('GONGKAI_LOST crawl state missing') end
local R, L = P..'robots:'..ARGV[3], P..'robotsby:'..ARGV[3]
if redis.call('HGET', R, 'gen') == gen then
  return {1, redis.call('HGET', R, 'status'), redis.call('HGET', R, 'body')}
end
local by = redis.call('GET', L)
if by and redis.call('EXISTS', P..'alive:'..by) == 1 then return {0} end
redis.call('SET', L, W, 'PX', 600000)
return {2}
`)

// scriptRobotsPut: ARGV[1] = P, ARGV[2] worker, ARGV[3] scheme://host,
// ARGV[4] status ("" for a failed fetch: nothing is kept), ARGV[5] body.
// Keeps the answer for the generation and lets the waiters have it.
var scriptRobotsPut = redis.NewScript(`
local P, W = ARGV[1], ARGV[2]
local R, L = P..'robots:'..ARGV[3], P..'robotsby:'..ARGV[3]
if ARGV[4] ~= '' then
  redis.call('HSET', R, 'gen', redis.call('GET', P..'gen'), 'status', ARGV[4], 'body', ARGV[5])
end
if redis.call('GET', L) == W then redis.call('DEL', L) end
return 0
`)
