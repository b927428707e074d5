-- wrk script: etcd v3 puts and reads through etcd's JSON gateway (gRPC-gateway, etcd 3.4).
--
--   wrk -t2 -c50 -d10s -s bench/vs-etcd/etcd-kv.lua http://127.0.0.1:2379 -- MODE KEYSPACE VALUE_SIZE THREADS [READ_KEYS]
--
--   MODE        put    POST /v3/kv/put {"key": b64, "value": b64}; keys are walked in order
--                      (thread t of T writes key t, t+T, t+2T, ... wrapping at KEYSPACE), so the
--                      first KEYSPACE puts write each key once
--               range  POST /v3/kv/range {"key": b64}: a random key in [0, READ_KEYS)
--                      (linearizable reads, etcd's default)
--   KEYSPACE    key numbers are [0, KEYSPACE)
--   VALUE_SIZE  bytes of the put value (printable, the same for every put)
--   THREADS     the -t given to wrk (for the put key walk)
--   READ_KEYS   range only: keys known to exist (default KEYSPACE)
--
-- Keys are "key:" + the number zero-padded to 12 digits: 16 bytes, the keys memdb-bench
-- sends with --key-prefix key: --key-size 16. At the end one line is printed:
--   WRK_JSON {"requests":..,"duration_us":..,"errors":{..},"latency_us":{"p50":..,..}}

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1 = math.floor(n / 262144) % 64
    local c2 = math.floor(n / 4096) % 64
    local c3 = math.floor(n / 64) % 64
    local c4 = n % 64
    out[#out + 1] = b64chars:sub(c1 + 1, c1 + 1) .. b64chars:sub(c2 + 1, c2 + 1) ..
                    (b and b64chars:sub(c3 + 1, c3 + 1) or "=") ..
                    (c and b64chars:sub(c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

-- Runs in the main Lua state, once per thread: gives each thread its index.
local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

-- Runs in each thread's Lua state.
function init(args)
  mode = args[1] or "put"
  keyspace = tonumber(args[2] or "100000")
  local value_size = tonumber(args[3] or "32")
  threads = tonumber(args[4] or "1")
  read_keys = tonumber(args[5] or tostring(keyspace))
  if mode ~= "put" and mode ~= "range" then
    error("etcd-kv.lua: MODE must be put or range, not " .. tostring(mode))
  end
  if read_keys < 1 then read_keys = 1 end
  index = thread_index or 0
  counter = 0
  path = mode == "put" and "/v3/kv/put" or "/v3/kv/range"
  value_b64 = base64(string.rep("v", value_size))
  headers = {["Content-Type"] = "application/json"}
  math.randomseed(1000 + index)
end

function request()
  local k
  if mode == "put" then
    k = (index + counter * threads) % keyspace
    counter = counter + 1
  else
    k = math.random(0, read_keys - 1)
  end
  local key = base64(string.format("key:%012d", k))
  local body
  if mode == "put" then
    body = '{"key":"' .. key .. '","value":"' .. value_b64 .. '"}'
  else
    body = '{"key":"' .. key .. '"}'
  end
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d},"latency_us":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,' ..
    '"p99":%d,"p99_9":%d,"max":%d}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
