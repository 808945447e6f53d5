#!/usr/bin/env bash
# CPU per execution of the webhook benchmark's flow at a fixed request rate
# (docs/benchmarks.md): steadier than full-speed throughput on a shared
# machine, so two builds can be compared by alternating them.
#   scripts/bench-cpu.sh embedded RATE [WEFT_BINARY]
#   scripts/bench-cpu.sh distributed RATE [WEFT_BINARY]   (needs WEFT_BENCH_POSTGRES_URL)
# Sends RATE requests/s (open loop, 16 connections) for 2 s of warm-up and
# 10 s of measure, and prints the latency and the user + system CPU each
# process used per execution over the 10 s (/proc/PID/stat), and how the
# store grouped its writes into commits (/metrics). Distributed
# runs one control plane, one runner, the NATS server go.mod pins and the
# Postgres at WEFT_BENCH_POSTGRES_URL (its server processes are counted
# as a whole, so keep other work off it).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?embedded or distributed}
RATE=${2:?requests per second}
BIN=${3:-bin/weft}
BENCH=${WEFT_BENCH_DIR:-../shared/bench}
WF=$BENCH/bench-webhook-set.json
[ -f "$WF" ] || WF=examples/workflows/webhook-greeting.json
PATH_=$(grep -o '"path":"[^"]*"' "$WF" | head -1 | cut -d'"' -f4)
TMP=$(mktemp -d)
PIDS=()
SCHEMA=weft_bench_cpu
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$MODE" = distributed ]; then
    PGOPTIONS=--client-min-messages=warning psql "$WEFT_BENCH_POSTGRES_URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
[ "$BIN" != bin/weft ] || make -s build core >/dev/null
go build -o "$TMP/loadgen" ./internal/tools/loadgen
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }
cpu() { awk '{s += $14 + $15} END {print s}' $(for p in "$@"; do echo "/proc/$p/stat"; done); }
# The machine's CPU time so far, and what the hypervisor gave to other
# guests (steal, /proc/stat): on a shared host, how much of the two vCPUs
# the run really had.
ticks() { awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9}' /proc/stat; }

P=$(port)
declare -A WATCH
case $MODE in
embedded)
  "$BIN" server --listen 127.0.0.1:$P --data "$TMP/data" >"$TMP/server.log" 2>&1 &
  PIDS+=($!); WATCH[server]=$!
  ;;
distributed)
  [ -n "${WEFT_BENCH_POSTGRES_URL:-}" ] || { echo "set WEFT_BENCH_POSTGRES_URL" >&2; exit 2; }
  NP=$(port)
  go build -o "$TMP/nats-server" github.com/nats-io/nats-server/v2
  "$TMP/nats-server" -a 127.0.0.1 -p "$NP" -js -sd "$TMP/nats" >"$TMP/nats.log" 2>&1 &
  PIDS+=($!); WATCH[nats]=$!
  sleep 1
  PGOPTIONS=--client-min-messages=warning psql "$WEFT_BENCH_POSTGRES_URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA" >/dev/null
  sep='?'; [[ $WEFT_BENCH_POSTGRES_URL == *\?* ]] && sep='&'
  "$BIN" control-plane --postgres "$WEFT_BENCH_POSTGRES_URL${sep}search_path=$SCHEMA" --nats "nats://127.0.0.1:$NP" --listen 127.0.0.1:$P >"$TMP/cp.log" 2>&1 &
  PIDS+=($!); WATCH[control-plane]=$!
  "$BIN" runner --nats "nats://127.0.0.1:$NP" >"$TMP/runner.log" 2>&1 &
  PIDS+=($!); WATCH[runner]=$!
  ;;
*) echo "mode: embedded or distributed" >&2; exit 2 ;;
esac
wait_http "http://127.0.0.1:$P/healthz"
"$BIN" import "$WF" --activate --server "http://127.0.0.1:$P" >/dev/null
URL="http://127.0.0.1:$P/webhook/$PATH_"
"$TMP/loadgen" -url "$URL" -rate "$RATE" -c 16 -d 2s >/dev/null

declare -A BEFORE AFTER
pg() { pgrep -u postgres postgres | tr '\n' ' '; }
# The store's group commits: how many it made and how many writes they held.
# ... and how many took longer than 2.5 ms and 10 ms (the commit histogram).
commits() {
  curl -s "http://127.0.0.1:$P/metrics" | awk '
    /^weft_store_commits_total/ {c = $2} /^weft_store_writes_total/ {w = $2}
    /^weft_store_commit_duration_seconds_bucket\{le="0.0025"\}/ {b1 = $2}
    /^weft_store_commit_duration_seconds_bucket\{le="0.01"\}/ {b2 = $2}
    /^weft_store_commit_duration_seconds_count/ {t = $2}
    END {print c + 0, w + 0, t - b1, t - b2}'
}
read -r C0 W0 S0 V0 < <(commits)
for k in "${!WATCH[@]}"; do BEFORE[$k]=$(cpu "${WATCH[$k]}"); done
[ "$MODE" = embedded ] || BEFORE[postgres]=$(cpu $(pg))
read -r T0 ST0 < <(ticks)
OUT=$("$TMP/loadgen" -url "$URL" -rate "$RATE" -c 16 -d 10s)
for k in "${!WATCH[@]}"; do AFTER[$k]=$(cpu "${WATCH[$k]}"); done
[ "$MODE" = embedded ] || AFTER[postgres]=$(cpu $(pg))
read -r T1 ST1 < <(ticks)
read -r C1 W1 S1 V1 < <(commits)
echo "$OUT"
N=$(echo "$OUT" | awk '/^requests/ {print $2}')
TICK=$(getconf CLK_TCK)
awk -v c=$((C1 - C0)) -v w=$((W1 - W0)) -v n="$N" -v s=$((S1 - S0)) -v v=$((V1 - V0)) 'BEGIN {if (c > 0) printf "store: %.2f commits per execution, %.2f writes per commit, %d commits over 2.5 ms, %d over 10 ms\n", c / n, w / c, s, v}'
awk -v t=$((T1 - T0)) -v s=$((ST1 - ST0)) 'BEGIN {if (t > 0) printf "CPU stolen by the host: %.0f %%\n", 100 * s / t}'
for k in "${!BEFORE[@]}"; do
  echo "$k: $(( (AFTER[$k] - BEFORE[$k]) * 1000000 / TICK / N )) µs CPU per execution"
done
