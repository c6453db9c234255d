#!/usr/bin/env bash
# Gateway load benchmark: one fixed chat-completions request (plain, and streamed as 50 SSE events), sent
#   direct       straight to the fake upstream (tests/Bulwark.Testing)
#   bulwark      through Bulwark, route with 5 deny patterns, default logging (one JSON line per request)
#   bulwark-quiet  the same with Logging__LogLevel__Default=Warning (no per-request log line)
#   bulwark-detect the same route plus the YAML snippet in BENCH_ROUTE_YAML (the detection block); only when set
#   portkey      through the Portkey gateway (npm @portkey-ai/gateway), x-portkey-custom-host -> fake upstream
#   floor        through bench/Bulwark.BareForwarder (Kestrel in, one pooled HttpMessageInvoker out, nothing else):
#                what any .NET forwarder built on Kestrel and SocketsHttpHandler costs here, as a reference
# with wrk on loopback, and prints a markdown table plus bench/load/results/latest.json.
#
# Usage: bench/load/run.sh [--quick] [--rounds N] [--detection [FILE]] [--no-portkey] [--no-floor] [--note TEXT]
#   --quick           2 s warm-up, 4 s per case (harness check; numbers not worth quoting)
#   --rounds N        run the direct and Bulwark cases N times, interleaved (Portkey once); ratios are the median
#                     of the rounds' ratios, each case's figures the median round's. Same as BENCH_ROUNDS=N.
#   --detection FILE  also run bulwark-detect with FILE's YAML appended to the route (default FILE:
#                     bench/load/route-detection.yaml). Same as BENCH_ROUTE_YAML=FILE.
#   --no-portkey      skip the Portkey cases (no npm needed)
#   --no-floor        skip the bare-forwarder reference cases
#   --note TEXT       stored in the results (e.g. "preliminary, machine shared with builds")
# Environment: BENCH_DURATION (10), BENCH_WARMUP (10), BENCH_ROUNDS (1), BENCH_CONNECTIONS (32, the throughput cases),
#   BENCH_LATENCY_CONNECTIONS (1, the added-latency cases), BENCH_PORT_BASE (18600),
#   BENCH_BULWARK_ENV ("NAME=value ..." added to Bulwark's environment, for tuning experiments),
#   BENCH_PIN (shared|split|none, default shared), BENCH_SKIP_BUILD=1, BENCH_RESULTS (output json path).
#
# Machine model: a 2-core box where the load generator, the upstream and the gateway share the cores.
#   shared  every process is pinned to CPUs 0-1 and the scheduler shares them (the default: the issue's setup)
#   split   wrk on CPU 0, upstream and gateway on CPU 1 (less noise between generator and servers)
#   none    no pinning
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

DURATION=${BENCH_DURATION:-10}
# 10 s: .NET's tiered JIT is still recompiling hot methods 10-18 s after a gateway starts (libclrjit was 5% of the
# gateway's CPU samples in that window, none after 30 s). A shorter warm-up measures start-up, not throughput.
WARMUP=${BENCH_WARMUP:-10}
ROUNDS=${BENCH_ROUNDS:-1}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
LATENCY_CONNECTIONS=${BENCH_LATENCY_CONNECTIONS:-1}
BULWARK_ENV=${BENCH_BULWARK_ENV:-}
PORT_BASE=${BENCH_PORT_BASE:-18600}
PIN=${BENCH_PIN:-shared}
ROUTE_YAML=${BENCH_ROUTE_YAML:-}
RESULTS=${BENCH_RESULTS:-$HERE/results/latest.json}
NOTE=${BENCH_NOTE:-}
PORTKEY=1
FLOOR=1
STREAM_EVENTS=50
PORTKEY_VERSION=1.15.2

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) DURATION=4; WARMUP=2 ;;
    --detection)
      if [[ $# -gt 1 && "$2" != --* ]]; then ROUTE_YAML=$2; shift; else ROUTE_YAML=$HERE/route-detection.yaml; fi ;;
    --no-portkey) PORTKEY=0 ;;
    --no-floor) FLOOR=0 ;;
    --rounds) ROUNDS=$2; shift ;;
    --note) NOTE=$2; shift ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a whole number from 1 (got '$ROUNDS')"

LOOPBACK=127.0.0.1
TICKS=$(getconf CLK_TCK)
UPSTREAM_PORT=$PORT_BASE
BULWARK_PORT=$((PORT_BASE + 1))
BULWARK_ADMIN_PORT=$((PORT_BASE + 2))
PORTKEY_PORT=$((PORT_BASE + 3))

# ---------------------------------------------------------------------------------------------------------------
# Processes: everything started here is recorded and stopped on exit, whatever happens.
PIDS=()
WORK=$(mktemp -d -t bulwark-bench.XXXXXX)
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# SIGTERM, then SIGKILL after 5 s: the fake upstream's host swallows SIGTERM (its ConsoleLifetime stops Kestrel,
# but its Main waits on ProcessExit, which then never comes), so it only ends on SIGKILL.
stop_process() { # pid
  local pid=$1 i
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for i in "${PIDS[@]}"; do [[ "$i" == "$pid" ]] || kept+=("$i"); done
  PIDS=("${kept[@]}")
}

case "$PIN" in
  shared) WRK_CPUS=0,1; SERVER_CPUS=0,1 ;;
  split) WRK_CPUS=0; SERVER_CPUS=1 ;;
  none) WRK_CPUS=; SERVER_CPUS= ;;
  *) die "BENCH_PIN must be shared, split or none (got '$PIN')" ;;
esac
pinned() { # cpus command...  (foreground only: a function sent to the background is a subshell, whose $! is not the process)
  local cpus=$1; shift
  if [[ -n "$cpus" ]]; then taskset -c "$cpus" "$@"; else "$@"; fi
}
server_command() { # command... -> SERVER_CMD, pinned to the server CPUs; run as "${SERVER_CMD[@]}" & so $! is its pid
  SERVER_CMD=("$@")
  [[ -z "$SERVER_CPUS" ]] || SERVER_CMD=(taskset -c "$SERVER_CPUS" "${SERVER_CMD[@]}")
}

require_loopback_url() {
  [[ "$1" == "http://$LOOPBACK:"* ]] || die "refusing to target '$1': the benchmark only talks to $LOOPBACK"
}

require_free_port() {
  if (exec 3<>"/dev/tcp/$LOOPBACK/$1") 2>/dev/null; then
    die "port $1 on $LOOPBACK is already in use; stop what listens there or pick other ports with BENCH_PORT_BASE=NNNN"
  fi
}

wait_for_http() { # url what logfile [pid]
  local url=$1 what=$2 logfile=$3 pid=${4:-} deadline=$((SECONDS + 60))
  until curl -s -o /dev/null --max-time 2 "$url"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$logfile" >&2 || true
      die "$what exited before it answered on $url (its output is above)"
    fi
    (( SECONDS < deadline )) || { tail -n 30 "$logfile" >&2 || true; die "$what did not answer on $url within 60 s"; }
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Tools.
command -v dotnet >/dev/null || die "dotnet is not installed (the .NET 10 SDK builds Bulwark and the fake upstream)"
command -v curl >/dev/null || die "curl is not installed"
command -v python3 >/dev/null || die "python3 is not installed (it writes the report)"
[[ "$PIN" == none ]] || command -v taskset >/dev/null || die "taskset is not installed (util-linux); or run with BENCH_PIN=none"
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  if [[ $(id -u) -eq 0 ]]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq wrk >&2 || die "could not install wrk; install the Debian package 'wrk'"
fi
if [[ -n "$ROUTE_YAML" && ! -f "$ROUTE_YAML" ]]; then die "route snippet $ROUTE_YAML does not exist"; fi

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building Bulwark and the fake upstream (Release)"
  dotnet build -c Release --nologo -v q "$ROOT/src/Bulwark.Cli/Bulwark.Cli.csproj" >&2 || die "Release build of src/Bulwark.Cli failed"
  dotnet build -c Release --nologo -v q "$ROOT/tests/Bulwark.Testing/Bulwark.Testing.csproj" >&2 || die "Release build of tests/Bulwark.Testing failed"
  if [[ $FLOOR == 1 ]]; then
    dotnet build -c Release --nologo -v q "$ROOT/bench/Bulwark.BareForwarder/Bulwark.BareForwarder.csproj" >&2 \
      || die "Release build of bench/Bulwark.BareForwarder failed (or pass --no-floor)"
  fi
fi
BULWARK_DLL=$ROOT/src/Bulwark.Cli/bin/Release/net10.0/bulwark.dll
UPSTREAM_DLL=$ROOT/tests/Bulwark.Testing/bin/Release/net10.0/Bulwark.Testing.dll
[[ -f "$BULWARK_DLL" ]] || die "$BULWARK_DLL is missing (build failed?)"
[[ -f "$UPSTREAM_DLL" ]] || die "$UPSTREAM_DLL is missing (build failed?)"
FLOOR_DLL=$ROOT/bench/Bulwark.BareForwarder/bin/Release/net10.0/Bulwark.BareForwarder.dll
[[ $FLOOR == 0 || -f "$FLOOR_DLL" ]] || die "$FLOOR_DLL is missing (build failed?)"

PORTKEY_DIR=$HERE/.portkey
PORTKEY_JS=$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js
if [[ $PORTKEY == 1 ]]; then
  command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed for the Portkey cases (or pass --no-portkey)"
  if ! grep -qs "\"version\": \"$PORTKEY_VERSION\"" "$PORTKEY_DIR/node_modules/@portkey-ai/gateway/package.json"; then
    log "installing @portkey-ai/gateway@$PORTKEY_VERSION into $PORTKEY_DIR"
    mkdir -p "$PORTKEY_DIR"
    cat > "$PORTKEY_DIR/package.json" <<EOF
{
  "private": true,
  "description": "Portkey gateway for bench/load/run.sh (the peer comparison); installed by run.sh, ignored by git.",
  "dependencies": { "@portkey-ai/gateway": "$PORTKEY_VERSION" }
}
EOF
    # --ignore-scripts: the package's postinstall runs patch-package against patches it does not ship.
    (cd "$PORTKEY_DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2) || die "npm install of @portkey-ai/gateway failed"
  fi
fi

for port in "$UPSTREAM_PORT" "$BULWARK_PORT" "$BULWARK_ADMIN_PORT" "$PORTKEY_PORT"; do require_free_port "$port"; done

# ---------------------------------------------------------------------------------------------------------------
# Measurements. Each case: verify one request by hand, warm up, then measure; one line of JSON per case.
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
CASES=$WORK/cases.jsonl
: > "$CASES"
PLAIN_BODY=$HERE/requests/chat.json
STREAM_BODY=$HERE/requests/chat-stream.json

check_answer() { # target kind url headers
  local target=$1 kind=$2 url=$3 headers=$4 body out status
  body=$PLAIN_BODY; [[ $kind == stream ]] && body=$STREAM_BODY
  local args=(-s -o "$WORK/answer" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' --data-binary "@$body")
  local h
  IFS='|' read -ra hs <<< "$headers"
  for h in "${hs[@]}"; do [[ -n "$h" ]] && args+=(-H "$h"); done
  status=$(curl "${args[@]}" "$url") || die "$target ($kind): request to $url failed"
  [[ $status == 200 ]] || { head -c 500 "$WORK/answer" >&2; echo >&2; die "$target ($kind): expected 200 from $url, got $status (body above)"; }
  if [[ $kind == stream ]]; then
    local events
    events=$(grep -c '"chat.completion.chunk"' "$WORK/answer" || true)
    [[ $events -eq $((STREAM_EVENTS + 1)) ]] && grep -q '^data: \[DONE\]' "$WORK/answer" \
      || die "$target ($kind): expected $STREAM_EVENTS content events, a usage event and [DONE]; got $events chunk events"
  else
    grep -q '"object":"chat.completion"' "$WORK/answer" || die "$target ($kind): the answer is not a chat completion"
  fi
}

# CPU time (user + system, in clock ticks) a process has used so far: where the time goes, per request.
cpu_ticks() { # pid
  [[ -n "$1" && -r /proc/$1/stat ]] || { echo 0; return; }
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
GATEWAY_PID=

measure() { # target kind url headers connections
  local target=$1 kind=$2 url=$3 headers=$4 connections=$5 body
  require_loopback_url "$url"
  body=$PLAIN_BODY; [[ $kind == stream ]] && body=$STREAM_BODY
  check_answer "$target" "$kind" "$url" "$headers"
  log "$target / $kind: warm-up ${WARMUP}s, measure ${DURATION}s, $connections connection(s)"
  BENCH_BODY=$body BENCH_HEADERS=$headers pinned "$WRK_CPUS" \
    wrk -t1 -c"$connections" -d"${WARMUP}s" --timeout 5s -s "$HERE/chat.lua" "$url" > /dev/null
  local out up0 gw0 up1 gw1
  up0=$(cpu_ticks "$UPSTREAM_PID"); gw0=$(cpu_ticks "$GATEWAY_PID")
  out=$(BENCH_BODY=$body BENCH_HEADERS=$headers pinned "$WRK_CPUS" \
    wrk -t1 -c"$connections" -d"${DURATION}s" --timeout 5s -s "$HERE/chat.lua" "$url")
  up1=$(cpu_ticks "$UPSTREAM_PID"); gw1=$(cpu_ticks "$GATEWAY_PID")
  local result
  result=$(grep '^RESULT ' <<< "$out" | sed 's/^RESULT //' || true)
  [[ -n "$result" ]] || { echo "$out" >&2; die "$target / $kind: wrk printed no RESULT line (its output is above)"; }
  printf '{"target":"%s","kind":"%s","connections":%d,"round":%d,"cpu_ms":{"upstream":%d,"gateway":%d},"wrk":%s}\n' \
    "$target" "$kind" "$connections" "$ROUND" $(( (up1 - up0) * 1000 / TICKS )) $(( (gw1 - gw0) * 1000 / TICKS )) "$result" >> "$CASES"
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("   %8.0f req/s  p50 %.2f ms  p99 %.2f ms  errors %s" % (r["requests"]/(r["duration_us"]/1e6), r["p50_us"]/1000, r["p99_us"]/1000, sum(r["errors"].values())))' "$result" >&2
}

# Throughput at $CONNECTIONS connections (saturated: latency there is mostly queueing), then latency at
# $LATENCY_CONNECTIONS connection (unsaturated: what the hop itself adds to one request).
measure_all() { # target url headers
  local kind connections
  for connections in "$CONNECTIONS" "$LATENCY_CONNECTIONS"; do
    for kind in plain stream; do
      measure "$1" "$kind" "$2" "$3" "$connections"
    done
  done
}

log "starting the fake upstream on $LOOPBACK:$UPSTREAM_PORT ($STREAM_EVENTS stream events)"
server_command dotnet "$UPSTREAM_DLL" "$UPSTREAM_PORT" "$STREAM_EVENTS"
"${SERVER_CMD[@]}" > "$WORK/upstream.log" 2>&1 &
UPSTREAM_PID=$!; PIDS+=("$UPSTREAM_PID")
wait_for_http "http://$LOOPBACK:$UPSTREAM_PORT/v1/models" "the fake upstream" "$WORK/upstream.log" "$UPSTREAM_PID"

DIRECT_URL=http://$LOOPBACK:$UPSTREAM_PORT/v1/chat/completions

write_bulwark_config() { # file [snippet]
  cat > "$1" <<EOF
listen: "$LOOPBACK:$BULWARK_PORT"
admin_listen: "$LOOPBACK:$BULWARK_ADMIN_PORT"
unknown_hosts: deny
routes:
  - name: bench
    provider: openai
    path_prefix: /openai
    upstream: http://$LOOPBACK:$UPSTREAM_PORT
    api_key: sk-bench-injected-by-bulwark
    # Five patterns of the kind operators write: none matches the benchmark request, so all run to the end.
    deny_patterns:
      - '(?i)ignore\s+(all\s+)?(previous|prior)\s+instructions'
      - '\b\d{3}-\d{2}-\d{4}\b'
      - 'AKIA[0-9A-Z]{16}'
      - '-----BEGIN [A-Z ]*PRIVATE KEY-----'
      - '(?i)\bproject\s+(nightingale|bluebird)\b'
EOF
  if [[ -n "${2:-}" ]]; then
    echo "    # appended from $2" >> "$1"
    sed 's/^/    /' "$2" >> "$1"
  else
    # Patterns only: detectors are on by default in Bulwark, so the plain case turns them off explicitly.
    echo "    detection: { enabled: false }" >> "$1"
  fi
}

BULWARK_URL=http://$LOOPBACK:$BULWARK_PORT/openai/v1/chat/completions
run_bulwark() { # target log-level-or-empty [snippet]
  local target=$1 level=$2 snippet=${3:-}
  local config=$WORK/$target.yaml logfile=$WORK/$target.log
  write_bulwark_config "$config" "$snippet"
  log "starting Bulwark ($target) on $LOOPBACK:$BULWARK_PORT"
  local env=()
  [[ -z "$level" ]] || env+=("Logging__LogLevel__Default=$level")
  if [[ -n "$BULWARK_ENV" ]]; then read -ra extra <<< "$BULWARK_ENV"; env+=("${extra[@]}"); fi
  server_command env "${env[@]}" dotnet "$BULWARK_DLL" serve --config "$config"
  "${SERVER_CMD[@]}" > "$logfile" 2>&1 &
  local pid=$!; PIDS+=("$pid"); GATEWAY_PID=$pid
  wait_for_http "http://$LOOPBACK:$BULWARK_ADMIN_PORT/healthz" "Bulwark ($target)" "$logfile" "$pid"
  measure_all "$target" "$BULWARK_URL" "Authorization: Bearer sk-client-key-that-bulwark-removes"
  stop_process "$pid"; GATEWAY_PID=
  # How many per-request log lines the gateway wrote: proves whether the log level took effect.
  printf '{"target":"%s","round":%d,"request_log_lines":%d,"log_bytes":%d}\n' "$target" "$ROUND" \
    "$(grep -c '"EventId":10' "$logfile" || true)" "$(stat -c %s "$logfile")" >> "$WORK/logs.jsonl"
}

run_floor() {
  log "starting the bare forwarder (floor) on $LOOPBACK:$BULWARK_PORT"
  server_command dotnet "$FLOOR_DLL" "$BULWARK_PORT" "http://$LOOPBACK:$UPSTREAM_PORT"
  "${SERVER_CMD[@]}" > "$WORK/floor.log" 2>&1 &
  local pid=$!; PIDS+=("$pid"); GATEWAY_PID=$pid
  wait_for_http "http://$LOOPBACK:$BULWARK_PORT/v1/models" "the bare forwarder" "$WORK/floor.log" "$pid"
  measure_all floor "http://$LOOPBACK:$BULWARK_PORT/v1/chat/completions" "Authorization: Bearer sk-bench-floor"
  stop_process "$pid"; GATEWAY_PID=
}

# Rounds interleave the targets, so a disturbance on the machine (another process, a noisy neighbour on the VM)
# falls on one round of every target rather than on all of one target's cases.
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
  (( ROUNDS == 1 )) || log "round $ROUND of $ROUNDS"
  measure_all direct "$DIRECT_URL" "Authorization: Bearer sk-bench-direct"
  [[ $FLOOR == 0 ]] || run_floor
  run_bulwark bulwark ""
  run_bulwark bulwark-quiet Warning
  if [[ -n "$ROUTE_YAML" ]]; then
    run_bulwark bulwark-detect "" "$ROUTE_YAML"
  fi
done
ROUND=1

if [[ $PORTKEY == 1 ]]; then
  log "starting Portkey $PORTKEY_VERSION on $LOOPBACK:$PORTKEY_PORT"
  # NODE_ENV=production and --headless: no UI and no log capture for it, as Portkey is deployed.
  server_command env NODE_ENV=production node --require "$HERE/portkey-preload.cjs" "$PORTKEY_JS" --port="$PORTKEY_PORT" --headless
  (cd "$WORK" && exec "${SERVER_CMD[@]}") > "$WORK/portkey.log" 2>&1 &
  PORTKEY_PID=$!; PIDS+=("$PORTKEY_PID"); GATEWAY_PID=$PORTKEY_PID
  wait_for_http "http://$LOOPBACK:$PORTKEY_PORT/" "Portkey" "$WORK/portkey.log" "$PORTKEY_PID"
  PORTKEY_HEADERS="x-portkey-provider: openai|x-portkey-custom-host: http://$LOOPBACK:$UPSTREAM_PORT/v1|Authorization: Bearer sk-bench-portkey"
  measure_all portkey "http://$LOOPBACK:$PORTKEY_PORT/v1/chat/completions" "$PORTKEY_HEADERS"
  stop_process "$PORTKEY_PID"; GATEWAY_PID=
fi
stop_process "$UPSTREAM_PID"

# ---------------------------------------------------------------------------------------------------------------
# Report.
mkdir -p "$(dirname "$RESULTS")"
python3 "$HERE/report.py" \
  --cases "$CASES" --logs "$WORK/logs.jsonl" --out "$RESULTS" \
  --duration "$DURATION" --warmup "$WARMUP" --rounds "$ROUNDS" --connections "$CONNECTIONS" --latency-connections "$LATENCY_CONNECTIONS" \
  --pin "$PIN" --bulwark-env "$BULWARK_ENV" \
  --stream-events "$STREAM_EVENTS" --portkey-version "$PORTKEY_VERSION" \
  --route-yaml "${ROUTE_YAML}" --note "$NOTE" --root "$ROOT" --load-at-start "$LOAD_AT_START"
log "results written to $RESULTS"
