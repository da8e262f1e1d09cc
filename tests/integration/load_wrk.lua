-- wrk script for tests/integration/load_wrk.sh and soak_slow.sh.
-- Environment: LOAD_TOKEN (Bearer token, optional), LOAD_METHOD (GET or POST),
-- LOAD_BODY_FILE (request body for POST), LOAD_CONTENT_TYPE (default
-- application/json), LOAD_HEADER (one more header, "Name: value", optional),
-- LOAD_UNIQUE=1 (every "@SEQ@" in the body becomes a 12-digit number unique
-- to this request: thread number and a per-thread counter, so that each POST
-- adds a new object or sighting instead of repeating one). Counts every reply
-- whose status is not 2xx (wrk's own "Non-2xx or 3xx" line only counts
-- >= 400) and prints "load: non2xx=N" and "load: p99_ms=X" at the end.
local token = os.getenv("LOAD_TOKEN")
local method = os.getenv("LOAD_METHOD") or "GET"
local body_file = os.getenv("LOAD_BODY_FILE")
local content_type = os.getenv("LOAD_CONTENT_TYPE")
local extra = os.getenv("LOAD_HEADER")
local unique = os.getenv("LOAD_UNIQUE") == "1"

wrk.method = method
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
if extra and extra ~= "" then
  local name, value = extra:match("^([^:]+):%s*(.*)$")
  assert(name, "LOAD_HEADER must be 'Name: value'")
  wrk.headers[name] = value
end
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  if content_type and content_type ~= "" then
    wrk.headers["Content-Type"] = content_type
  else
    wrk.headers["Content-Type"] = "application/json"
  end
end

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  seq = 0
end

if unique then
  function request()
    seq = seq + 1
    local id = string.format("%03d%09d", tid, seq)
    local body = wrk.body:gsub("@SEQ@", id)
    return wrk.format(nil, nil, nil, body)
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format("load: requests=%d non2xx=%d socket_errors=%d\n",
    summary.requests, bad, e.connect + e.read + e.write + e.timeout))
  io.write(string.format("load: rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
