#!/usr/bin/env bash
# Gatehouse benchmark: one run on loopback that measures, against the same
# `gatehouse mock-upstream` process,
#   direct    wrk -> mock upstream
#   nginx     wrk -> nginx proxy_pass (1 worker, upstream keepalive) -> mock
#   gatehouse wrk -> gatehouse serve (auth + call logging) -> mock
#   gatehouse-policy  wrk -> a second gatehouse serve with the traffic policy on for
#             its model (rate limits, a budget, two deployments picked by least latency) -> mock
#   gatehouse-cache   the same gateway, a model that also has the response cache on
#             (cache_ttl_s: 60); wrk sends one request over and over, so nearly all are hits
# with wrk: throughput at 32 connections (2 threads) and latency at 1 connection.
# It prints a report, writes it to docs/BENCHMARKS.md and exits non-zero if a
# target fails (the policy rows fail only on errors, refusals or lost records,
# never on speed).
#
# Usage: tests/bench/run-bench.sh BUILD_DIR      (binary: BUILD_DIR/app/gatehouse)
# Environment knobs:
#   BENCH_SECONDS            seconds per measured wrk run (default 10)
#   BENCH_WARMUP_SECONDS     seconds of warm-up per target at 32 connections (default 2)
#   BENCH_GATEHOUSE_THREADS  gatehouse server.threads (default 1, like nginx's 1 worker)
#   BENCH_MOCK_THREADS       mock upstream --threads (default 1)
#   BENCH_WRITER_RECORDS     generated call records the call-log benchmark writes (default 1000000)
#   BENCH_CALL_RECORDS       generated call records under the chart queries (default 10000000)
#   BENCH_OUT                report file (default <repo>/docs/BENCHMARKS.md)
#   BENCH_KEEP_TMP=1         keep the temp dir (configs, logs, raw wrk output, DB);
#                            it is always kept when the setup or a tool fails
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

for v in BENCH_SECONDS BENCH_WARMUP_SECONDS BENCH_GATEHOUSE_THREADS BENCH_MOCK_THREADS BENCH_WRITER_RECORDS BENCH_CALL_RECORDS; do
  [ -z "${!v:-}" ] || [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "run-bench: error: $v must be a positive integer, got '${!v}'" >&2; exit 1; }
done
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-2}
GATEHOUSE_THREADS=${BENCH_GATEHOUSE_THREADS:-1}
MOCK_THREADS=${BENCH_MOCK_THREADS:-1}
WRITER_RECORDS=${BENCH_WRITER_RECORDS:-1000000} # generated call records through the writer
CALL_RECORDS=${BENCH_CALL_RECORDS:-10000000}    # generated call records whose rollups the chart queries read
MIN_WRITER_RATE=50000  # target: the call-record writer stores >= this many records (with rollups) per second
MAX_CHART_MS=200       # target: every chart query over CALL_RECORDS records answers within this
OUT=${BENCH_OUT:-$REPO/docs/BENCHMARKS.md}
TPUT_CONNS=32
TPUT_THREADS=2
MIN_RATIO=0.7          # target: gatehouse req/s >= MIN_RATIO x nginx req/s
WRK_TIMEOUT=5s         # per-request timeout inside wrk
START_TIMEOUT=15       # seconds to wait for a process to report it is listening
STOP_TIMEOUT=30        # seconds to wait for gatehouse to drain and exit after SIGTERM

KEEP_TMP=${BENCH_KEEP_TMP:-0}
die() { echo "run-bench: error: $*" >&2; KEEP_TMP=1; exit 1; }
log() { echo "run-bench: $*" >&2; }

# ---------------------------------------------------------------- arguments, tools
[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
GATEHOUSE=$1/app/gatehouse
[ -x "$GATEHOUSE" ] || die "gatehouse binary not found or not executable: $GATEHOUSE (build it first)"
GATEHOUSE=$(cd "$(dirname "$GATEHOUSE")" && pwd)/gatehouse
CALL_LOG_BENCH=$1/tests/bench/gatehouse-call-log-bench
[ -x "$CALL_LOG_BENCH" ] || die "call-log benchmark not found: $CALL_LOG_BENCH (cmake --build $1 --target gatehouse-call-log-bench)"

NGINX=$(command -v nginx || true)
if [ -z "$NGINX" ] && [ -x /usr/sbin/nginx ]; then NGINX=/usr/sbin/nginx; fi
[ -n "$NGINX" ] || die "missing tool: nginx (Debian: apt-get install nginx-light, or packaging/install-deps.sh bench)"
for tool in wrk:wrk sqlite3:sqlite3 curl:curl timeout:coreutils awk:gawk sed:sed; do
  command -v "${tool%%:*}" >/dev/null 2>&1 ||
    die "missing tool: ${tool%%:*} (Debian: apt-get install ${tool#*:}; see packaging/install-deps.sh bench)"
done

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- temp dir, cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
MOCK_PID='' NGINX_PID='' GH_PID='' GHP_PID='' WRK_PID=''

cleanup() {
  local rc=$? pid p
  trap - EXIT INT TERM
  for pid in $WRK_PID $GH_PID $GHP_PID $NGINX_PID $MOCK_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    pid=''
    for p in $WRK_PID $GH_PID $GHP_PID $NGINX_PID $MOCK_PID; do kill -0 "$p" 2>/dev/null && pid=$p; done
    [ -z "$pid" ] && break
    sleep 0.1
  done
  for pid in $WRK_PID $GH_PID $GHP_PID $NGINX_PID $MOCK_PID; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$KEEP_TMP" = 1 ]; then
    log "temp dir kept: $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The request every run sends (wrk via chat.lua, preflight via curl).
# Random keys; gatehouse requires a key of at least 20 characters.
BENCH_GATEHOUSE_KEY="gh-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
BENCH_UPSTREAM_KEY="up-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export BENCH_GATEHOUSE_KEY BENCH_UPSTREAM_KEY
export BENCH_BODY='{"model":"bench-model","stream":false,"max_tokens":64,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello in one short sentence."}]}'
# gatehouse-cache: the same request, to the model of the policy gateway that has the cache on.
BENCH_CACHE_BODY='{"model":"bench-model-cached","stream":false,"max_tokens":64,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello in one short sentence."}]}'

# wait_listening NAME PID LOGFILE: print the port from "listening on http://127.0.0.1:PORT".
wait_listening() {
  local name=$1 pid=$2 file=$3 port
  for _ in $(seq $((START_TIMEOUT * 10))); do
    port=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$file" 2>/dev/null | head -n1 | sed 's/.*://')
    [ -n "$port" ] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "run-bench: error: $name exited before listening; output:" >&2; cat "$file" "$file.err" >&2 2>/dev/null; return 1; }
    sleep 0.1
  done
  echo "run-bench: error: $name printed no 'listening on http://127.0.0.1:PORT' line within ${START_TIMEOUT}s (is stdout flushed?); output:" >&2
  cat "$file" "$file.err" >&2 2>/dev/null
  return 1
}

# ---------------------------------------------------------------- mock upstream
"$GATEHOUSE" mock-upstream --listen 127.0.0.1:0 --threads "$MOCK_THREADS" >"$TMP/mock.out" 2>"$TMP/mock.out.err" &
MOCK_PID=$!
MOCK_PORT=$(wait_listening "gatehouse mock-upstream" "$MOCK_PID" "$TMP/mock.out") || die "gatehouse mock-upstream did not start"
log "mock upstream on 127.0.0.1:$MOCK_PORT (pid $MOCK_PID)"

# ---------------------------------------------------------------- nginx
# nginx cannot report an ephemeral port, so try a few random free-looking ports.
NGX=$TMP/nginx
mkdir -p "$NGX"
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
NGINX_PORT=''
for attempt in 1 2 3 4 5; do
  p=$((20000 + RANDOM % 10000))
  port_in_use "$p" && continue
  sed -e "s|@PREFIX@|$NGX|g" -e "s|@LISTEN_PORT@|$p|g" -e "s|@UPSTREAM_PORT@|$MOCK_PORT|g" \
    "$HERE/nginx.conf.template" >"$NGX/nginx.conf"
  "$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" >"$NGX/stdout" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq $((START_TIMEOUT * 10))); do
    kill -0 "$NGINX_PID" 2>/dev/null || break
    port_in_use "$p" && { NGINX_PORT=$p; break; }
    sleep 0.1
  done
  [ -n "$NGINX_PORT" ] && break
  kill -KILL "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=''
  log "nginx did not start on port $p (attempt $attempt): $(tail -n 3 "$NGX/error.log" "$NGX/stdout" 2>/dev/null | tr '\n' ' ')"
done
[ -n "$NGINX_PORT" ] || die "could not start nginx; see $NGX/error.log"
log "nginx on 127.0.0.1:$NGINX_PORT (pid $NGINX_PID)"

# ---------------------------------------------------------------- gatehouse serve
# start_gatehouse NAME CONFIG DATA_DIR: start `gatehouse serve` in the background;
# sets STARTED_PID and STARTED_PORT (no subshell, so the caller can record the pid).
start_gatehouse() {
  local name=$1 config=$2 data=$3
  mkdir -p "$data"
  "$GATEHOUSE" serve --config "$config" --data "$data" --listen 127.0.0.1:0 \
    >"$TMP/$name.out" 2>"$TMP/$name.out.err" &
  STARTED_PID=$!
  STARTED_PORT=$(wait_listening "$name (gatehouse serve)" "$STARTED_PID" "$TMP/$name.out") ||
    { kill -KILL "$STARTED_PID" 2>/dev/null || true; die "$name (gatehouse serve) did not start"; }
  log "$name on 127.0.0.1:$STARTED_PORT (pid $STARTED_PID)"
}

# The baseline: no policy at all.
GH_DATA=$TMP/gatehouse-data
cat >"$TMP/gatehouse.yaml" <<EOF
server:
  threads: $GATEHOUSE_THREADS
log:
  level: info   # serve prints its "listening on" line at info; nothing is logged per request at info
providers:
  - name: upstream
    kind: openai-compatible
    base_url: http://127.0.0.1:$MOCK_PORT/v1
    api_key: env:BENCH_UPSTREAM_KEY
models:
  - name: bench-model
    deployments:
      - provider: upstream
        model: mock-model
keys:
  - name: bench
    key: env:BENCH_GATEHOUSE_KEY
EOF
start_gatehouse gatehouse "$TMP/gatehouse.yaml" "$GH_DATA"
GH_PID=$STARTED_PID GH_PORT=$STARTED_PORT

# The policy gateway: the same binary, settings and upstream, with the traffic policy on for
# both of its models. The limits and the budget are far above what a run can use, so every
# request is checked, claimed, reserved and settled but none is refused. Both deployments are
# the same mock under two upstream model names, picked by least latency (EWMA + exploration).
# bench-model-cached is bench-model plus the response cache (gatehouse-cache).
POLICY_RPM=1000000000             # requests per minute: ~1000x what one run sends
POLICY_TPM=1000000000000          # tokens per minute (the maximum, 10^12)
POLICY_CONCURRENT=10000           # wrk keeps at most $TPUT_CONNS in flight
POLICY_BUDGET_USD=1000000         # monthly; a run spends well under $100
PRICE_IN=2.5 PRICE_OUT=10         # USD per million tokens, as gpt-4o
GHP_DATA=$TMP/gatehouse-policy-data
{
  cat <<EOF
server:
  threads: $GATEHOUSE_THREADS
log:
  level: info
providers:
  - name: upstream
    kind: openai-compatible
    base_url: http://127.0.0.1:$MOCK_PORT/v1
    api_key: env:BENCH_UPSTREAM_KEY
models:
EOF
  for m in bench-model bench-model-cached; do
    cat <<EOF
  - name: $m
    strategy: least_latency
$([ "$m" = bench-model-cached ] && echo "    cache_ttl_s: 60")
    deployments:
      - provider: upstream
        model: mock-model
        price: {input_per_million: $PRICE_IN, output_per_million: $PRICE_OUT}
      - provider: upstream
        model: mock-model-b
        price: {input_per_million: $PRICE_IN, output_per_million: $PRICE_OUT}
EOF
  done
  cat <<EOF
keys:
  - name: bench
    key: env:BENCH_GATEHOUSE_KEY
    tenant: bench
policy:
  limits:
    - {scope: tenant, id: bench, requests_per_minute: $POLICY_RPM, tokens_per_minute: $POLICY_TPM, concurrent: $POLICY_CONCURRENT}
    - {scope: model, id: bench-model, requests_per_minute: $POLICY_RPM, tokens_per_minute: $POLICY_TPM, concurrent: $POLICY_CONCURRENT}
    - {scope: model, id: bench-model-cached, requests_per_minute: $POLICY_RPM, tokens_per_minute: $POLICY_TPM, concurrent: $POLICY_CONCURRENT}
  budgets:
    - {scope: tenant, id: bench, period: monthly, limit_usd: $POLICY_BUDGET_USD}
EOF
} | grep -v '^$' >"$TMP/gatehouse-policy.yaml"
start_gatehouse gatehouse-policy "$TMP/gatehouse-policy.yaml" "$GHP_DATA"
GHP_PID=$STARTED_PID GHP_PORT=$STARTED_PORT

TARGETS=(direct nginx gatehouse gatehouse-policy gatehouse-cache)
declare -A URL=(
  [direct]="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
  [nginx]="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
  [gatehouse]="http://127.0.0.1:$GH_PORT/v1/chat/completions"
  [gatehouse-policy]="http://127.0.0.1:$GHP_PORT/v1/chat/completions"
  [gatehouse-cache]="http://127.0.0.1:$GHP_PORT/v1/chat/completions"
)
declare -A BODY=(
  [direct]="$BENCH_BODY" [nginx]="$BENCH_BODY" [gatehouse]="$BENCH_BODY"
  [gatehouse-policy]="$BENCH_BODY" [gatehouse-cache]="$BENCH_CACHE_BODY"
)
# Which gateway process serves a target (for the call records).
declare -A INSTANCE=([gatehouse]=gatehouse [gatehouse-policy]=gatehouse-policy [gatehouse-cache]=gatehouse-policy)
declare -A PREFLIGHT=([gatehouse]=0 [gatehouse-policy]=0)

# ---------------------------------------------------------------- preflight
# One request per target with curl (two for gatehouse-cache: a miss, then a hit), so a broken
# setup fails with a clear message.
# preflight TARGET N: POST the target's body; sets CODE and leaves headers in $TMP/preflight-TARGET-N.h
preflight() {
  local t=$1 n=$2
  CODE=$(curl -sS --max-time 5 -D "$TMP/preflight-$t-$n.h" -o "$TMP/preflight-$t-$n.json" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $BENCH_GATEHOUSE_KEY" \
    --data-binary "${BODY[$t]}" "${URL[$t]}") || die "$t: preflight POST ${URL[$t]} failed"
  [ -z "${INSTANCE[$t]:-}" ] || PREFLIGHT[${INSTANCE[$t]}]=$((PREFLIGHT[${INSTANCE[$t]}] + 1))
  [ "$CODE" = 200 ] || die "$t: preflight POST ${URL[$t]} returned HTTP $CODE: $(head -c 400 "$TMP/preflight-$t-$n.json")"
  grep -q '"chat.completion"' "$TMP/preflight-$t-$n.json" ||
    die "$t: preflight response is not a chat.completion: $(head -c 400 "$TMP/preflight-$t-$n.json")"
}
# header TARGET N NAME: the value of a response header of a preflight request ('' if absent).
header() { tr -d '\r' <"$TMP/preflight-$1-$2.h" | awk -v n="$3" 'BEGIN { n = tolower(n) } { i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^ +/, "", v); print v; exit } }'; }
for t in "${TARGETS[@]}"; do
  preflight "$t" 1
done
# The policy must really be on the policy targets' path: rate-limit headers, a deployment of the
# two, and the cache header (absent on a model without a TTL; a miss, then a hit, on the cached one).
for t in gatehouse-policy gatehouse-cache; do
  [ -n "$(header "$t" 1 x-ratelimit-limit-requests)" ] ||
    die "$t: no x-ratelimit-limit-requests header: the rate limits are not applied; headers: $(tr -d '\r' <"$TMP/preflight-$t-1.h" | tr '\n' ' ')"
  [[ $(header "$t" 1 x-gatehouse-deployment) =~ ^upstream/mock-model(-b)?$ ]] ||
    die "$t: x-gatehouse-deployment is '$(header "$t" 1 x-gatehouse-deployment)', expected upstream/mock-model or upstream/mock-model-b"
done
[ -z "$(header gatehouse-policy 1 x-gatehouse-cache)" ] ||
  die "gatehouse-policy: its model should not be cached, but the answer has x-gatehouse-cache: $(header gatehouse-policy 1 x-gatehouse-cache)"
[ -z "$(header gatehouse 1 x-ratelimit-limit-requests)" ] ||
  die "gatehouse: the baseline has rate-limit headers, so some policy is on: $(tr -d '\r' <"$TMP/preflight-gatehouse-1.h" | tr '\n' ' ')"
[ "$(header gatehouse-cache 1 x-gatehouse-cache)" = miss ] ||
  die "gatehouse-cache: the first request should be a cache miss, got x-gatehouse-cache: '$(header gatehouse-cache 1 x-gatehouse-cache)'"
preflight gatehouse-cache 2
[ "$(header gatehouse-cache 2 x-gatehouse-cache)" = hit ] ||
  die "gatehouse-cache: the second request should be a cache hit, got x-gatehouse-cache: '$(header gatehouse-cache 2 x-gatehouse-cache)'"
log "preflight OK: all ${#TARGETS[@]} targets answer HTTP 200 with a chat.completion; the policy targets carry rate-limit headers; the cache answers a repeat"

# ---------------------------------------------------------------- wrk runs
# parse_wrk FILE -> "requests req_per_s mean_us p50_us p99_us non2xx socket_errors"
parse_wrk() {
  awk '
    function us(s,   n, u) {
      n = s + 0; u = s; sub(/^[0-9.]+/, "", u)
      if (u == "us") return n; if (u == "ms") return n * 1000; if (u == "s") return n * 1e6
      if (u == "m") return n * 6e7; if (u == "h") return n * 3.6e9
      return -1
    }
    / requests in /                  { req = $1 }
    /^Requests\/sec:/                { rps = $2 }
    /^ *Latency +[0-9]/              { mean = us($2) }
    /^ *50(\.0+)?% /                 { p50 = us($2) }
    /^ *99(\.0+)?% /                 { p99 = us($2) }
    /Non-2xx or 3xx responses:/      { non2xx = $NF }
    /Socket errors:/                 { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { if (req == "" || rps == "" || p50 == "" || p99 == "") exit 1
          printf "%d %.2f %.1f %.1f %.1f %d %d\n", req, rps, mean, p50, p99, non2xx, errs }
  ' "$1"
}

# The proxy processes whose CPU time a target's runs are charged with (nginx: master and workers).
declare -A CPU_PIDS=(
  [nginx]="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
  [gatehouse]=$GH_PID [gatehouse-policy]=$GHP_PID [gatehouse-cache]=$GHP_PID
)
CLK_TCK=$(getconf CLK_TCK)
# cpu_ticks PID...: user + system time of the processes (all their threads), in clock ticks.
cpu_ticks() {
  local pid total=0 f
  for pid in "$@"; do
    f=$(sed 's/^.*) //' "/proc/$pid/stat") || return 1
    read -r -a f <<<"$f"
    total=$((total + f[11] + f[12]))   # fields 14 and 15 of stat: utime, stime
  done
  echo "$total"
}

declare -A REQ RPS MEAN P50 P99 NON2XX ERRS CONF CPU_US
RUNS=()
# run_wrk TARGET PHASE CONNS THREADS SECONDS
run_wrk() {
  local t=$1 phase=$2 c=$3 th=$4 s=$5 out="$TMP/wrk-$1-$2.txt" k="$1.$2" parsed cpu0='' cpu1=''
  log "wrk $t $phase: ${c} conns, ${th} threads, ${s}s"
  # shellcheck disable=SC2086 # a list of pids
  [ -z "${CPU_PIDS[$t]:-}" ] || cpu0=$(cpu_ticks ${CPU_PIDS[$t]}) || die "cannot read the CPU time of $t (pids ${CPU_PIDS[$t]})"
  # In the background so that a signal to this script is handled at once.
  BENCH_BODY="${BODY[$t]}" timeout $((s + 30)) wrk -t"$th" -c"$c" -d"${s}s" --timeout "$WRK_TIMEOUT" --latency \
    -s "$HERE/chat.lua" "${URL[$t]}" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$out" >&2; die "wrk failed for $t $phase"; }
  WRK_PID=''
  # shellcheck disable=SC2086
  [ -z "$cpu0" ] || cpu1=$(cpu_ticks ${CPU_PIDS[$t]}) || die "cannot read the CPU time of $t (pids ${CPU_PIDS[$t]})"
  parsed=$(parse_wrk "$out") || { cat "$out" >&2; die "could not parse wrk output for $t $phase"; }
  read -r "REQ[$k]" "RPS[$k]" "MEAN[$k]" "P50[$k]" "P99[$k]" "NON2XX[$k]" "ERRS[$k]" <<<"$parsed"
  # The proxy's CPU time per completed request (µs): less sensitive than req/s to what else runs.
  CPU_US[$k]=-1
  [ -z "$cpu0" ] || CPU_US[$k]=$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$CLK_TCK" -v n="${REQ[$k]}" 'BEGIN { printf "%.1f", (n > 0 ? (b - a) * 1e6 / hz / n : -1) }')
  CONF[$k]="$c/$th/${s}s"
  RUNS+=("$k")
}

for t in "${TARGETS[@]}"; do
  run_wrk "$t" warmup "$TPUT_CONNS" "$TPUT_THREADS" "$WARMUP_SECONDS"
  run_wrk "$t" tput "$TPUT_CONNS" "$TPUT_THREADS" "$SECONDS_PER_RUN"
  run_wrk "$t" lat 1 1 "$SECONDS_PER_RUN"
done

# ---------------------------------------------------------------- stop the gateways, count records
declare -A STOP_EXIT STOP_LINE DB_RECORDS
# stop_gatehouse NAME PID: SIGTERM (drain + flush), wait, then count the call records in its DB.
stop_gatehouse() {
  local name=$1 pid=$2 db="$TMP/$1-data/gatehouse.db"
  log "stopping $name with SIGTERM (drain + flush)"
  kill -TERM "$pid"
  for _ in $(seq $((STOP_TIMEOUT * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name still running ${STOP_TIMEOUT}s after SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    STOP_EXIT[$name]="killed after ${STOP_TIMEOUT}s"
  else
    local rc
    set +e; wait "$pid"; rc=$?; set -e
    STOP_EXIT[$name]=$rc
  fi
  STOP_LINE[$name]=$(grep -o 'stopped:.*' "$TMP/$name.out" | tail -n1 || true)
  if [ -f "$db" ]; then
    DB_RECORDS[$name]=$(timeout 30 sqlite3 "$db" 'select count(*) from calls' 2>"$TMP/sqlite.err") ||
      DB_RECORDS[$name]="error: $(head -c 200 "$TMP/sqlite.err")"
  else
    DB_RECORDS[$name]="error: $db does not exist"
  fi
}
stop_gatehouse gatehouse "$GH_PID"; GH_PID=''
stop_gatehouse gatehouse-policy "$GHP_PID"; GHP_PID=''

# What the policy gateway recorded, per model, deployment and cache outcome.
GHP_DB=$GHP_DATA/gatehouse.db
GHP_BREAKDOWN=$(timeout 30 sqlite3 -separator ' | ' "$GHP_DB" \
  "select model, coalesce(deployment, '—'), coalesce(cache, '—'), coalesce(tenant, '—'), count(*),
          sum(status = 200), coalesce(sum(cost_micros), 0), coalesce(sum(saved_micros), 0)
   from calls group by 1, 2, 3, 4 order by 1, 2, 3, 4" 2>"$TMP/sqlite.err") ||
  GHP_BREAKDOWN="error: $(head -c 200 "$TMP/sqlite.err")"
CACHE_HITS=$(timeout 30 sqlite3 "$GHP_DB" "select count(*) from calls where model = 'bench-model-cached' and cache = 'hit'" 2>"$TMP/sqlite.err") ||
  CACHE_HITS="error: $(head -c 200 "$TMP/sqlite.err")"

# ---------------------------------------------------------------- the call log
# After the HTTP runs, with every gateway stopped: the writer and the chart queries have the machine.
log "call-log benchmark: $WRITER_RECORDS records through the writer, charts over $CALL_RECORDS"
mkdir -p "$TMP/call-log"
CALL_LOG_OUT=$("$CALL_LOG_BENCH" "$TMP/call-log" "$WRITER_RECORDS" "$CALL_RECORDS" 2>"$TMP/call-log.err") ||
  die "call-log benchmark failed: $(head -c 300 "$TMP/call-log.err")"
call_log_value() { awk -v k="$1" '$1 == k { print $2 }' <<<"$CALL_LOG_OUT"; }
WRITER_RATE=$(call_log_value writer_records_per_second)
WRITER_DROPPED=$(call_log_value writer_dropped)
CHART_WORST_MS=$(awk '$1 == "query" && $3 > m { m = $3 } END { print m + 0 }' <<<"$CALL_LOG_OUT")
rm -rf "$TMP/call-log"

# ---------------------------------------------------------------- results
fmt_us() { awk -v v="$1" 'BEGIN { if (v < 0) print "n/a"; else if (v >= 1000) printf "%.2f ms", v / 1000; else printf "%.0f µs", v }'; }
fmt_added() { awk -v v="$1" 'BEGIN { s = v < 0 ? "−" : "+"; a = v < 0 ? -v : v; if (a >= 1000) printf "%s%.2f ms", s, a / 1000; else printf "%s%.0f µs", s, a }'; }
sum() { awk 'BEGIN { s = 0; for (i = 1; i < ARGC; i++) s += ARGV[i]; print s }' "$@"; }
diff_us() { fmt_added "$(awk -v a="$1" -v b="$2" 'BEGIN { print a - b }')"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# target_sum ARRAY TARGET: the array's values over the target's three runs.
target_sum() { local -n arr=$1; sum "${arr[$2.warmup]}" "${arr[$2.tput]}" "${arr[$2.lat]}"; }

# Requests wrk completed against each gateway process (all phases of its targets) + the curl preflights.
# A run can end with one request in flight per connection: sent and possibly served and recorded
# by gatehouse, but not counted by wrk.
declare -A COMPLETED INFLIGHT_MAX
for inst in gatehouse gatehouse-policy; do
  COMPLETED[$inst]=${PREFLIGHT[$inst]} INFLIGHT_MAX[$inst]=0
  for t in "${TARGETS[@]}"; do
    [ "${INSTANCE[$t]:-}" = "$inst" ] || continue
    COMPLETED[$inst]=$(sum "${COMPLETED[$inst]}" "$(target_sum REQ "$t")")
    INFLIGHT_MAX[$inst]=$((INFLIGHT_MAX[$inst] + TPUT_CONNS + TPUT_CONNS + 1))
  done
done
GH_COMPLETED=${COMPLETED[gatehouse]}
GH_INFLIGHT_MAX=${INFLIGHT_MAX[gatehouse]}
GH_NON2XX=$(target_sum NON2XX gatehouse)
GH_ERRS=$(target_sum ERRS gatehouse)
NGINX_RPS=${RPS[nginx.tput]}
GH_RPS=${RPS[gatehouse.tput]}
# Requests sent to gatehouse-cache (wrk + its 2 preflights), and the share answered from the cache.
CACHE_SENT=$(sum "$(target_sum REQ gatehouse-cache)" 2)

OVERALL=PASS
check() { # check OK_EXPRESSION_RESULT TEXT
  local r=FAIL; [ "$1" = 1 ] && r=PASS
  [ "$r" = FAIL ] && OVERALL=FAIL
  echo "- **$r** $2"
}
ratio_ok=$(awk -v g="$GH_RPS" -v n="$NGINX_RPS" -v m="$MIN_RATIO" 'BEGIN { print ((g >= m * n) ? 1 : 0) }')
records_ok() { # records_ok INSTANCE -> 1 or 0
  local r=${DB_RECORDS[$1]} c=${COMPLETED[$1]} m=${INFLIGHT_MAX[$1]}
  if [[ $r =~ ^[0-9]+$ ]] && [ "$r" -ge "$c" ] && [ "$r" -le $((c + m)) ]; then echo 1; else echo 0; fi
}
cache_ok=$(awk -v h="$CACHE_HITS" -v s="$CACHE_SENT" 'BEGIN { print ((h ~ /^[0-9]+$/ && s > 0 && h >= 0.99 * s) ? 1 : 0) }')

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
machine_cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
gh_version=$(timeout 5 "$GATEHOUSE" --version 2>/dev/null) && gh_version=$(head -n1 <<<"$gh_version") || gh_version=""
gh_commit=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo "unknown")

report() {
  echo "# Gatehouse benchmarks"
  echo
  echo "Generated by \`tests/bench/run-bench.sh\` (\`make bench\`); re-run it to refresh this file."
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- Machine: $(nproc) CPUs (nproc), ${machine_cpu:-unknown CPU}, $(uname -sr)"
  echo "- Binary: \`${GATEHOUSE#"$REPO"/}\`"
  echo "- Versions: ${gh_version:-gatehouse} (repo at $gh_commit); $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}'); sqlite3 $(sqlite3 --version | awk '{print $1}')"
  echo "- Load average (1, 5, 15 min) before the run: $LOAD_START; after: $LOAD_END (other work on the machine skews the numbers)"
  echo "- Settings: BENCH_SECONDS=$SECONDS_PER_RUN, BENCH_WARMUP_SECONDS=$WARMUP_SECONDS, BENCH_GATEHOUSE_THREADS=$GATEHOUSE_THREADS, BENCH_MOCK_THREADS=$MOCK_THREADS"
  echo
  echo "## Method"
  echo
  echo "All ${#TARGETS[@]} targets are measured in one run, on loopback (127.0.0.1), against the same"
  echo "\`gatehouse mock-upstream --threads $MOCK_THREADS\` process, which answers"
  echo "\`POST /v1/chat/completions\` with a ~1 KB non-streaming \`chat.completion\` JSON:"
  echo
  echo "- **direct**: wrk straight to the mock upstream (the floor: no proxy)."
  echo "- **nginx**: Debian nginx \`proxy_pass\` with 1 worker process, an upstream block with"
  echo "  \`keepalive 64\`, \`proxy_http_version 1.1\`, \`proxy_set_header Connection \"\"\`, access log off"
  echo "  (\`tests/bench/nginx.conf.template\`)."
  echo "- **gatehouse**: \`gatehouse serve\` with \`server.threads: $GATEHOUSE_THREADS\`, API-key auth and call"
  echo "  logging to SQLite on, one model routed to the mock upstream, no traffic policy (the baseline"
  echo "  of the two rows below)."
  echo "- **gatehouse-policy**: a second \`gatehouse serve\` (same binary, settings and upstream, its own"
  echo "  data directory) with the traffic policy on for the model: its key belongs to tenant \`bench\`;"
  echo "  \`policy.limits\` on the tenant and on the model (requests/min $POLICY_RPM, tokens/min"
  echo "  $POLICY_TPM, $POLICY_CONCURRENT concurrent: never reached); a monthly tenant budget of"
  echo "  \$$POLICY_BUDGET_USD; two deployments of the model (the same mock as \`mock-model\` and"
  echo "  \`mock-model-b\`), each with a \`price\` (\$$PRICE_IN / \$$PRICE_OUT per million tokens), \`strategy: least_latency\`."
  echo "- **gatehouse-cache**: the same gateway, a second model with the same settings plus"
  echo "  \`cache_ttl_s: 60\`; wrk sends it one request over and over (the body differs from the others"
  echo "  only by the model name), so nearly every request is a cache hit. The entry the preflight stored"
  echo "  has usually expired when these runs start, and the gateway does not merge concurrent misses, so"
  echo "  the first request on each warm-up connection may miss (the records below count them)."
  echo
  echo "Each request is a POST of a small chat-completion body with \`Authorization: Bearer <key>\`"
  echo "(\`tests/bench/chat.lua\`; the mock and nginx ignore the header). Per target, in the order"
  echo "above: a ${WARMUP_SECONDS}s warm-up at $TPUT_CONNS connections, then"
  echo "\`wrk -t$TPUT_THREADS -c$TPUT_CONNS -d${SECONDS_PER_RUN}s\` for throughput, then \`wrk -t1 -c1 -d${SECONDS_PER_RUN}s --latency\`"
  echo "for latency (p50, p99 and mean as wrk reports them). \"Added\" latency is the target's latency"
  echo "minus direct's. \"Proxy CPU per request\" is the user + system CPU time of the proxy's processes (all"
  echo "threads: nginx's master and worker; gatehouse's worker, call-record writer and the rest) during the"
  echo "run, from \`/proc/PID/stat\` (10 ms ticks), divided by the requests wrk completed; n/a for direct. It"
  echo "depends less than req/s on what else the machine runs, though a busy machine still inflates it."
  echo "wrk, the proxy under test and the mock upstream all share the machine's $(nproc) cores, so absolute"
  echo "numbers are low and mostly useful as a ratio against nginx (or, for"
  echo "the policy rows, against gatehouse) measured in the same run. The mock runs with one thread and"
  echo "the proxies with one worker so that the cores are shared the same way in every proxied run; both"
  echo "gateways run for the whole benchmark, idle while the other targets are measured. Each number"
  echo "comes from a single run; on a small shared VM the 1-connection latencies move by 100 µs or more"
  echo "from run to run, and throughput by several per cent, so small or negative differences are noise."
  echo
  echo "**What the policy rows measure, and what they do not.** gatehouse-policy pays, on every request,"
  echo "for what a policy that never says no costs: the token estimate, claiming and settling the"
  echo "rate limits of two scopes (tenant, model; the key and consumer have none here), reserving the"
  echo "worst-case cost on the tenant budget and settling the real cost from the answer's usage and the"
  echo "deployment's price (the mock answers about 234 completion tokens whatever \`max_tokens\` says, so each"
  echo "settle charges more than the 64-token worst case reserved: the same arithmetic as a refund), the"
  echo "least-latency pick between two deployments, a circuit-breaker permit,"
  echo "the latency statistics, the \`x-ratelimit-*\` headers and the extra call-record fields. It does"
  echo "not measure refusals (429 from a limit or a budget: by design none happen, and the run fails if"
  echo "one does), retries, fallbacks or open circuits (the mock never fails), streaming, nor a budget"
  echo "being loaded from a long call history (the data directory starts empty). gatehouse-cache measures"
  echo "the hit path — auth, admission and settlement, the cache key (SHA-256 over the canonical body),"
  echo "the lookup and the stored answer sent back, the call record — with no upstream call at all; it says"
  echo "nothing about misses, evictions or a cache under many distinct keys."
  echo
  echo "## Results"
  echo
  echo "| target | req/s @$TPUT_CONNS conns | vs nginx | vs gatehouse | proxy CPU per request @$TPUT_CONNS conns | p50 latency @1 conn | p99 latency @1 conn | mean latency @1 conn | added mean vs direct | added p99 vs direct | non-2xx (all runs) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  local t
  for t in "${TARGETS[@]}"; do
    local added_mean added_p99
    if [ "$t" = direct ]; then added_mean="—"; added_p99="—"; else
      added_mean=$(diff_us "${MEAN[$t.lat]}" "${MEAN[direct.lat]}")
      added_p99=$(diff_us "${P99[$t.lat]}" "${P99[direct.lat]}")
    fi
    printf '| %s | %.0f | %s× | %s× | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "${RPS[$t.tput]}" \
      "$(ratio "${RPS[$t.tput]}" "$NGINX_RPS")" "$(ratio "${RPS[$t.tput]}" "$GH_RPS")" "$(fmt_us "${CPU_US[$t.tput]}")" \
      "$(fmt_us "${P50[$t.lat]}")" "$(fmt_us "${P99[$t.lat]}")" "$(fmt_us "${MEAN[$t.lat]}")" \
      "$added_mean" "$added_p99" "$(target_sum NON2XX "$t")"
  done
  echo
  echo "The policy rows against the plain gateway (same run):"
  echo
  echo "| target | req/s ratio vs gatehouse | CPU per request vs gatehouse | p50 @1 conn vs gatehouse | p99 @1 conn vs gatehouse | mean @1 conn vs gatehouse |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for t in gatehouse-policy gatehouse-cache; do
    printf '| %s | %s× | %s | %s | %s | %s |\n' "$t" "$(ratio "${RPS[$t.tput]}" "$GH_RPS")" \
      "$(diff_us "${CPU_US[$t.tput]}" "${CPU_US[gatehouse.tput]}")" \
      "$(diff_us "${P50[$t.lat]}" "${P50[gatehouse.lat]}")" "$(diff_us "${P99[$t.lat]}" "${P99[gatehouse.lat]}")" \
      "$(diff_us "${MEAN[$t.lat]}" "${MEAN[gatehouse.lat]}")"
  done
  echo
  echo "Every wrk run (conns/threads/duration; non-2xx is wrk's \"Non-2xx or 3xx responses\" count, which wrk increments for HTTP status ≥ 400):"
  echo
  echo "| target | run | conns/threads/time | requests | req/s | proxy CPU/request | p50 | p99 | mean | non-2xx | socket errors |"
  echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  local k
  for k in "${RUNS[@]}"; do
    printf '| %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n' "${k%.*}" "${k##*.}" "${CONF[$k]}" "${REQ[$k]}" \
      "${RPS[$k]}" "$(fmt_us "${CPU_US[$k]}")" "$(fmt_us "${P50[$k]}")" "$(fmt_us "${P99[$k]}")" "$(fmt_us "${MEAN[$k]}")" "${NON2XX[$k]}" "${ERRS[$k]}"
  done
  echo
  local inst
  for inst in gatehouse gatehouse-policy; do
    echo "Call records of \`$inst\`: it was stopped with SIGTERM after the runs (exit status: ${STOP_EXIT[$inst]}${STOP_LINE[$inst]:+; it logged \"${STOP_LINE[$inst]}\"}), then"
    echo "\`select count(*) from calls\` gave **${DB_RECORDS[$inst]} records in DB** vs **${COMPLETED[$inst]} requests sent** (wrk's"
    echo "completed requests over warm-up, throughput and latency runs, plus ${PREFLIGHT[$inst]} curl preflight(s)). wrk does not count"
    echo "the at most one request per connection still in flight when a run ends, so up to ${INFLIGHT_MAX[$inst]} more"
    echo "records are accepted."
    echo
  done
  echo "What \`gatehouse-policy\` recorded (cost and saved in micro-dollars; the cost is settled from the"
  echo "mock's usage at the deployment's price, as the budget is):"
  echo
  echo "| model | deployment | cache | tenant | calls | HTTP 200 | cost (µ\$) | saved (µ\$) |"
  echo "| --- | --- | --- | --- | ---: | ---: | ---: | ---: |"
  if [[ $GHP_BREAKDOWN == error:* ]]; then
    echo "| $GHP_BREAKDOWN | | | | | | | |"
  else
    sed 's/^/| /; s/$/ |/' <<<"$GHP_BREAKDOWN"
  fi
  echo
  echo "## Call log"
  echo
  echo "\`gatehouse-call-log-bench\` (\`tests/bench/CallLogBench.cpp\`), run after the HTTP targets with every"
  echo "gateway stopped. The call-record writer, set up as \`gatehouse serve\` sets it up (queue of 200000,"
  echo "batches of 2000), stores $(call_log_value writer_records) generated records — traffic from 20 tenants"
  echo "(5 consumers and 10 keys each) to 10 models over 15 deployments, the records 20 µs apart as at"
  echo "50,000 calls/s — with their minute, hour and day rollups (summed in memory, written at most once a"
  echo "second); the time runs to the last commit. Then the rollups of $(call_log_value chart_records) more such records,"
  echo "spread evenly over 30 days, are added through the writer's own aggregation (\`CallRollups\`, in"
  echo "batches of 100000, without storing the records: charts read only the rollups:"
  echo "$(awk '$1 == "rows" { printf "%s%s rows in %s", sep, $3, $2; sep = ", " }' <<<"$CALL_LOG_OUT")), and each chart query"
  echo "runs five times over them; the median is shown. The \`tenant_\` charts are filtered to one tenant:"
  echo "they read the combinations of that tenant, the others read the per-dimension cuts."
  echo
  echo "| measure | value |"
  echo "| --- | ---: |"
  echo "| records written | $(call_log_value writer_records) in $(call_log_value writer_seconds) s |"
  echo "| writer throughput | $(printf '%.0f' "$WRITER_RATE") records/s |"
  echo "| records dropped | $WRITER_DROPPED |"
  awk '$1 == "query" { printf "| chart: %s (%s points) | %s ms |\n", $2, $4, $3 }' <<<"$CALL_LOG_OUT"
  echo
  echo "## Targets"
  echo
  check "$ratio_ok" "gatehouse req/s ≥ $MIN_RATIO × nginx req/s: $(printf '%.0f' "$GH_RPS") vs $(printf '%.0f' "$NGINX_RPS") (ratio $(ratio "$GH_RPS" "$NGINX_RPS"))"
  check "$([ "$GH_NON2XX" = 0 ] && [ "$GH_ERRS" = 0 ] && echo 1 || echo 0)" \
    "zero non-2xx responses and socket errors from gatehouse: $GH_NON2XX non-2xx, $GH_ERRS socket errors"
  check "$(records_ok gatehouse)" "every call recorded: ${DB_RECORDS[gatehouse]} records in DB vs $GH_COMPLETED requests sent (accepted: $GH_COMPLETED…$((GH_COMPLETED + GH_INFLIGHT_MAX)))"
  for t in gatehouse-policy gatehouse-cache; do
    local n e
    n=$(target_sum NON2XX "$t") e=$(target_sum ERRS "$t")
    check "$([ "$n" = 0 ] && [ "$e" = 0 ] && echo 1 || echo 0)" \
      "zero non-2xx responses (so no request refused by a limit or the budget) and socket errors from $t: $n non-2xx, $e socket errors"
  done
  local c=${COMPLETED[gatehouse-policy]} m=${INFLIGHT_MAX[gatehouse-policy]}
  check "$(records_ok gatehouse-policy)" "every call recorded by the policy gateway: ${DB_RECORDS[gatehouse-policy]} records in DB vs $c requests sent (accepted: $c…$((c + m)))"
  check "$cache_ok" "gatehouse-cache answered from the cache: $CACHE_HITS hits recorded vs $CACHE_SENT requests sent (≥ 99 % required)"
  check "$(awk -v r="$WRITER_RATE" -v m="$MIN_WRITER_RATE" -v d="$WRITER_DROPPED" 'BEGIN { print ((r >= m && d == 0) ? 1 : 0) }')" \
    "the call-record writer stores ≥ $MIN_WRITER_RATE records/s with rollups, dropping none: $(printf '%.0f' "$WRITER_RATE") records/s, $WRITER_DROPPED dropped"
  check "$(awk -v w="$CHART_WORST_MS" -v m="$MAX_CHART_MS" 'BEGIN { print ((w < m) ? 1 : 0) }')" \
    "every chart query over $CALL_RECORDS call records answers in < $MAX_CHART_MS ms: the slowest took $CHART_WORST_MS ms"
  echo
  echo "Throughput and latency of gatehouse-policy and gatehouse-cache are reported, not judged: on this"
  echo "noisy 2-core machine a hard threshold would fail on noise."
  echo
  echo "**Overall: $OVERALL**"
}

report >"$TMP/report.md"
mkdir -p "$(dirname "$OUT")"
cp "$TMP/report.md" "$OUT"
echo
cat "$TMP/report.md"
echo
log "report written to $OUT"
grep -q '^\*\*Overall: PASS\*\*$' "$TMP/report.md" || { log "benchmark target FAILED"; exit 1; }
