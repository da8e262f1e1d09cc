-- wrk script for tests/integration/load_wrk.sh and soak_slow.sh.
-- Environment: LOAD_TOKEN (Bearer token, optional), LOAD_METHOD (GET or POST),
-- LOAD_BODY_FILE (request body for POST, JSON). Counts every reply whose
-- status is not 2xx (wrk's own "Non-2xx or 3xx" line only counts >= 400) and
-- prints "load: non2xx=N" and "load: p99_ms=X" at the end.
local token = os.getenv("LOAD_TOKEN")
local method = os.getenv("LOAD_METHOD") or "GET"
local body_file = os.getenv("LOAD_BODY_FILE")

wrk.method = method
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
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
