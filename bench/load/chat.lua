-- wrk script for the gateway load benchmark (bench/load/run.sh drives it).
--
-- Sends one fixed POST body, read once from the file named by BENCH_BODY, with the headers listed in
-- BENCH_HEADERS ("Name: value" pairs separated by "|"). When the run ends, prints one line
--   RESULT {"requests":..,"p50_us":..,...}
-- which run.sh collects. wrk measures a request's latency from the moment it is written to the moment the whole
-- response has been parsed, so for a streamed (SSE) answer it is the time to the last byte, [DONE] included.

local function read_file(path)
  local file = assert(io.open(path, "rb"), "cannot open BENCH_BODY file " .. tostring(path))
  local content = file:read("*a")
  file:close()
  return content
end

wrk.method = "POST"
wrk.body = read_file(os.getenv("BENCH_BODY"))
wrk.headers["Content-Type"] = "application/json"
for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
  if name then
    wrk.headers[name] = value
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
