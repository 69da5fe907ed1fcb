#!/usr/bin/env bash
# Gatehouse benchmark: one run on loopback that measures, against the same
# `gatehouse mock-upstream` process,
#   direct    wrk -> mock upstream
#   nginx     wrk -> nginx proxy_pass (1 worker, upstream keepalive) -> mock
#   gatehouse wrk -> gatehouse serve (auth + call logging) -> mock
# with wrk: throughput at 32 connections (2 threads) and latency at 1 connection.
# It prints a report, writes it to docs/BENCHMARKS.md and exits non-zero if a
# target fails.
#
# Usage: tests/bench/run-bench.sh BUILD_DIR      (binary: BUILD_DIR/app/gatehouse)
# Environment knobs:
#   BENCH_SECONDS            seconds per measured wrk run (default 10)
#   BENCH_WARMUP_SECONDS     seconds of warm-up per target at 32 connections (default 2)
#   BENCH_GATEHOUSE_THREADS  gatehouse server.threads (default 1, like nginx's 1 worker)
#   BENCH_MOCK_THREADS       mock upstream --threads (default 1)
#   BENCH_OUT                report file (default <repo>/docs/BENCHMARKS.md)
#   BENCH_KEEP_TMP=1         keep the temp dir (configs, logs, raw wrk output, DB);
#                            it is always kept when the setup or a tool fails
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

for v in BENCH_SECONDS BENCH_WARMUP_SECONDS BENCH_GATEHOUSE_THREADS BENCH_MOCK_THREADS; do
  [ -z "${!v:-}" ] || [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "run-bench: error: $v must be a positive integer, got '${!v}'" >&2; exit 1; }
done
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-2}
GATEHOUSE_THREADS=${BENCH_GATEHOUSE_THREADS:-1}
MOCK_THREADS=${BENCH_MOCK_THREADS:-1}
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

NGINX=$(command -v nginx || true)
if [ -z "$NGINX" ] && [ -x /usr/sbin/nginx ]; then NGINX=/usr/sbin/nginx; fi
[ -n "$NGINX" ] || die "missing tool: nginx (Debian: apt-get install nginx-light, or packaging/install-deps.sh bench)"
for tool in wrk:wrk sqlite3:sqlite3 curl:curl timeout:coreutils awk:gawk sed:sed; do
  command -v "${tool%%:*}" >/dev/null 2>&1 ||
    die "missing tool: ${tool%%:*} (Debian: apt-get install ${tool#*:}; see packaging/install-deps.sh bench)"
done

# ---------------------------------------------------------------- temp dir, cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")
MOCK_PID='' NGINX_PID='' GH_PID='' WRK_PID=''

cleanup() {
  local rc=$? pid p
  trap - EXIT INT TERM
  for pid in $WRK_PID $GH_PID $NGINX_PID $MOCK_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    pid=''
    for p in $WRK_PID $GH_PID $NGINX_PID $MOCK_PID; do kill -0 "$p" 2>/dev/null && pid=$p; done
    [ -z "$pid" ] && break
    sleep 0.1
  done
  for pid in $WRK_PID $GH_PID $NGINX_PID $MOCK_PID; do kill -KILL "$pid" 2>/dev/null || true; done
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
GH_DATA=$TMP/gatehouse-data
mkdir -p "$GH_DATA"
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
"$GATEHOUSE" serve --config "$TMP/gatehouse.yaml" --data "$GH_DATA" --listen 127.0.0.1:0 \
  >"$TMP/gatehouse.out" 2>"$TMP/gatehouse.out.err" &
GH_PID=$!
GH_PORT=$(wait_listening "gatehouse serve" "$GH_PID" "$TMP/gatehouse.out") || die "gatehouse serve did not start"
log "gatehouse on 127.0.0.1:$GH_PORT (pid $GH_PID)"

TARGETS=(direct nginx gatehouse)
declare -A URL=(
  [direct]="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
  [nginx]="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
  [gatehouse]="http://127.0.0.1:$GH_PORT/v1/chat/completions"
)

# ---------------------------------------------------------------- preflight
# One request per target with curl, so a broken setup fails with a clear message.
for t in "${TARGETS[@]}"; do
  code=$(curl -sS --max-time 5 -o "$TMP/preflight-$t.json" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $BENCH_GATEHOUSE_KEY" \
    --data-binary "$BENCH_BODY" "${URL[$t]}") || die "$t: preflight POST ${URL[$t]} failed"
  [ "$code" = 200 ] || die "$t: preflight POST ${URL[$t]} returned HTTP $code: $(head -c 400 "$TMP/preflight-$t.json")"
  grep -q '"chat.completion"' "$TMP/preflight-$t.json" ||
    die "$t: preflight response is not a chat.completion: $(head -c 400 "$TMP/preflight-$t.json")"
done
GH_PREFLIGHT_REQUESTS=1
log "preflight OK: all three targets answer HTTP 200 with a chat.completion"

# ---------------------------------------------------------------- wrk runs
# parse_wrk FILE -> "requests req_per_s mean_us p99_us non2xx socket_errors"
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
    /^ *99(\.0+)?% /                 { p99 = us($2) }
    /Non-2xx or 3xx responses:/      { non2xx = $NF }
    /Socket errors:/                 { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { if (req == "" || rps == "") exit 1
          printf "%d %.2f %.1f %.1f %d %d\n", req, rps, mean, p99, non2xx, errs }
  ' "$1"
}

declare -A REQ RPS MEAN P99 NON2XX ERRS CONF
RUNS=()
# run_wrk TARGET PHASE CONNS THREADS SECONDS
run_wrk() {
  local t=$1 phase=$2 c=$3 th=$4 s=$5 out="$TMP/wrk-$1-$2.txt" k="$1.$2" parsed
  log "wrk $t $phase: ${c} conns, ${th} threads, ${s}s"
  # In the background so that a signal to this script is handled at once.
  timeout $((s + 30)) wrk -t"$th" -c"$c" -d"${s}s" --timeout "$WRK_TIMEOUT" --latency \
    -s "$HERE/chat.lua" "${URL[$t]}" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$out" >&2; die "wrk failed for $t $phase"; }
  WRK_PID=''
  parsed=$(parse_wrk "$out") || { cat "$out" >&2; die "could not parse wrk output for $t $phase"; }
  read -r "REQ[$k]" "RPS[$k]" "MEAN[$k]" "P99[$k]" "NON2XX[$k]" "ERRS[$k]" <<<"$parsed"
  CONF[$k]="$c/$th/${s}s"
  RUNS+=("$k")
}

for t in "${TARGETS[@]}"; do
  run_wrk "$t" warmup "$TPUT_CONNS" "$TPUT_THREADS" "$WARMUP_SECONDS"
  run_wrk "$t" tput "$TPUT_CONNS" "$TPUT_THREADS" "$SECONDS_PER_RUN"
  run_wrk "$t" lat 1 1 "$SECONDS_PER_RUN"
done

# ---------------------------------------------------------------- stop gatehouse, count records
log "stopping gatehouse with SIGTERM (drain + flush)"
kill -TERM "$GH_PID"
for _ in $(seq $((STOP_TIMEOUT * 10))); do kill -0 "$GH_PID" 2>/dev/null || break; sleep 0.1; done
GH_EXIT=''
if kill -0 "$GH_PID" 2>/dev/null; then
  log "gatehouse still running ${STOP_TIMEOUT}s after SIGTERM; killing it"
  kill -KILL "$GH_PID" 2>/dev/null || true
  wait "$GH_PID" 2>/dev/null || true
  GH_EXIT="killed after ${STOP_TIMEOUT}s"
else
  set +e; wait "$GH_PID"; GH_EXIT=$?; set -e
fi
GH_PID=''
GH_STOP_LINE=$(grep -o 'stopped:.*' "$TMP/gatehouse.out" | tail -n1 || true)
DB=$GH_DATA/gatehouse.db
if [ -f "$DB" ]; then
  DB_RECORDS=$(timeout 30 sqlite3 "$DB" 'select count(*) from calls' 2>"$TMP/sqlite.err") || DB_RECORDS="error: $(head -c 200 "$TMP/sqlite.err")"
else
  DB_RECORDS="error: $DB does not exist"
fi

# ---------------------------------------------------------------- results
fmt_us() { awk -v v="$1" 'BEGIN { if (v < 0) print "n/a"; else if (v >= 1000) printf "%.2f ms", v / 1000; else printf "%.0f µs", v }'; }
fmt_added() { awk -v v="$1" 'BEGIN { s = v < 0 ? "−" : "+"; a = v < 0 ? -v : v; if (a >= 1000) printf "%s%.2f ms", s, a / 1000; else printf "%s%.0f µs", s, a }'; }
sum() { awk 'BEGIN { s = 0; for (i = 1; i < ARGC; i++) s += ARGV[i]; print s }' "$@"; }

# Requests wrk completed against gatehouse (all phases) + the curl preflight.
GH_COMPLETED=$(sum "${REQ[gatehouse.warmup]}" "${REQ[gatehouse.tput]}" "${REQ[gatehouse.lat]}" "$GH_PREFLIGHT_REQUESTS")
# A run can end with one request in flight per connection: sent and possibly
# served and recorded by gatehouse, but not counted by wrk.
GH_INFLIGHT_MAX=$((TPUT_CONNS + TPUT_CONNS + 1))
GH_NON2XX=$(sum "${NON2XX[gatehouse.warmup]}" "${NON2XX[gatehouse.tput]}" "${NON2XX[gatehouse.lat]}")
GH_ERRS=$(sum "${ERRS[gatehouse.warmup]}" "${ERRS[gatehouse.tput]}" "${ERRS[gatehouse.lat]}")
NGINX_RPS=${RPS[nginx.tput]}
GH_RPS=${RPS[gatehouse.tput]}

OVERALL=PASS
check() { # check OK_EXPRESSION_RESULT TEXT
  local r=FAIL; [ "$1" = 1 ] && r=PASS
  [ "$r" = FAIL ] && OVERALL=FAIL
  echo "- **$r** $2"
}
ratio_ok=$(awk -v g="$GH_RPS" -v n="$NGINX_RPS" -v m="$MIN_RATIO" 'BEGIN { print ((g >= m * n) ? 1 : 0) }')
ratio=$(awk -v g="$GH_RPS" -v n="$NGINX_RPS" 'BEGIN { printf "%.2f", (n > 0 ? g / n : 0) }')
records_ok=0
if [[ $DB_RECORDS =~ ^[0-9]+$ ]] && [ "$DB_RECORDS" -ge "$GH_COMPLETED" ] && [ "$DB_RECORDS" -le $((GH_COMPLETED + GH_INFLIGHT_MAX)) ]; then
  records_ok=1
fi

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
  echo "- Settings: BENCH_SECONDS=$SECONDS_PER_RUN, BENCH_WARMUP_SECONDS=$WARMUP_SECONDS, BENCH_GATEHOUSE_THREADS=$GATEHOUSE_THREADS, BENCH_MOCK_THREADS=$MOCK_THREADS"
  echo
  echo "## Method"
  echo
  echo "All three targets are measured in one run, on loopback (127.0.0.1), against the same"
  echo "\`gatehouse mock-upstream --threads $MOCK_THREADS\` process, which answers"
  echo "\`POST /v1/chat/completions\` with a ~1 KB non-streaming \`chat.completion\` JSON:"
  echo
  echo "- **direct**: wrk straight to the mock upstream (the floor: no proxy)."
  echo "- **nginx**: Debian nginx \`proxy_pass\` with 1 worker process, an upstream block with"
  echo "  \`keepalive 64\`, \`proxy_http_version 1.1\`, \`proxy_set_header Connection \"\"\`, access log off"
  echo "  (\`tests/bench/nginx.conf.template\`)."
  echo "- **gatehouse**: \`gatehouse serve\` with \`server.threads: $GATEHOUSE_THREADS\`, API-key auth and call"
  echo "  logging to SQLite on, one model routed to the mock upstream."
  echo
  echo "Each request is a POST of a small chat-completion body with \`Authorization: Bearer <key>\`"
  echo "(\`tests/bench/chat.lua\`; the mock and nginx ignore the header). Per target, in order"
  echo "direct, nginx, gatehouse: a ${WARMUP_SECONDS}s warm-up at $TPUT_CONNS connections, then"
  echo "\`wrk -t$TPUT_THREADS -c$TPUT_CONNS -d${SECONDS_PER_RUN}s\` for throughput, then \`wrk -t1 -c1 -d${SECONDS_PER_RUN}s --latency\`"
  echo "for latency (mean and p99 as wrk reports them). \"Added\" latency is the target's latency"
  echo "minus direct's. wrk, the proxy under test and the mock upstream all share the machine's"
  echo "$(nproc) cores, so absolute numbers are low and mostly useful as a ratio against nginx"
  echo "measured in the same run. The mock runs with one thread and both proxies with one worker so"
  echo "that the cores are shared the same way in the nginx and gatehouse runs. Each number comes"
  echo "from a single run; on a small shared VM the 1-connection latencies move by 100 µs or more"
  echo "from run to run, so small or negative \"added\" values are noise."
  echo
  echo "## Results"
  echo
  echo "| target | req/s @$TPUT_CONNS conns | vs nginx | mean latency @1 conn | p99 latency @1 conn | added mean vs direct | added p99 vs direct | non-2xx (all runs) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  local t
  for t in "${TARGETS[@]}"; do
    local vs added_mean added_p99
    vs=$(awk -v a="${RPS[$t.tput]}" -v n="$NGINX_RPS" 'BEGIN { printf "%.2f×", (n > 0 ? a / n : 0) }')
    if [ "$t" = direct ]; then added_mean="—"; added_p99="—"; else
      added_mean=$(fmt_added "$(awk -v a="${MEAN[$t.lat]}" -v d="${MEAN[direct.lat]}" 'BEGIN { print a - d }')")
      added_p99=$(fmt_added "$(awk -v a="${P99[$t.lat]}" -v d="${P99[direct.lat]}" 'BEGIN { print a - d }')")
    fi
    printf '| %s | %.0f | %s | %s | %s | %s | %s | %s |\n' "$t" "${RPS[$t.tput]}" "$vs" \
      "$(fmt_us "${MEAN[$t.lat]}")" "$(fmt_us "${P99[$t.lat]}")" "$added_mean" "$added_p99" \
      "$(sum "${NON2XX[$t.warmup]}" "${NON2XX[$t.tput]}" "${NON2XX[$t.lat]}")"
  done
  echo
  echo "Every wrk run (conns/threads/duration; non-2xx is wrk's \"Non-2xx or 3xx responses\" count, which wrk increments for HTTP status ≥ 400):"
  echo
  echo "| target | run | conns/threads/time | requests | req/s | mean | p99 | non-2xx | socket errors |"
  echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  local k
  for k in "${RUNS[@]}"; do
    printf '| %s | %s | %s | %s | %.0f | %s | %s | %s | %s |\n' "${k%%.*}" "${k#*.}" "${CONF[$k]}" "${REQ[$k]}" \
      "${RPS[$k]}" "$(fmt_us "${MEAN[$k]}")" "$(fmt_us "${P99[$k]}")" "${NON2XX[$k]}" "${ERRS[$k]}"
  done
  echo
  echo "Call records: gatehouse was stopped with SIGTERM after its runs (exit status: $GH_EXIT${GH_STOP_LINE:+; it logged \"$GH_STOP_LINE\"}), then"
  echo "\`select count(*) from calls\` gave **$DB_RECORDS records in DB** vs **$GH_COMPLETED requests sent** (wrk's"
  echo "completed requests over warm-up, throughput and latency runs, plus $GH_PREFLIGHT_REQUESTS curl preflight). wrk does not count"
  echo "the at most one request per connection still in flight when a run ends, so up to $GH_INFLIGHT_MAX more"
  echo "records are accepted."
  echo
  echo "## Targets"
  echo
  check "$ratio_ok" "gatehouse req/s ≥ $MIN_RATIO × nginx req/s: $(printf '%.0f' "$GH_RPS") vs $(printf '%.0f' "$NGINX_RPS") (ratio $ratio)"
  check "$([ "$GH_NON2XX" = 0 ] && [ "$GH_ERRS" = 0 ] && echo 1 || echo 0)" \
    "zero non-2xx responses and socket errors from gatehouse: $GH_NON2XX non-2xx, $GH_ERRS socket errors"
  check "$records_ok" "every call recorded: $DB_RECORDS records in DB vs $GH_COMPLETED requests sent (accepted: $GH_COMPLETED…$((GH_COMPLETED + GH_INFLIGHT_MAX)))"
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
