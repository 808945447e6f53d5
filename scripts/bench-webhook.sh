#!/usr/bin/env bash
# The webhook benchmark (docs/benchmarks.md): webhook -> Set (two
# expressions) -> respond with the last node's output, 16 connections,
# every execution saved. Runs, in one go on this machine:
#   1. Weft embedded (weft server: SQLite, in-process NATS, one runner),
#   2. Weft distributed (weft control-plane on Postgres + a NATS server +
#      one weft runner process), when WEFT_BENCH_POSTGRES_URL is set,
#   3. Node-RED 4 with the equivalent flow (../shared/bench), when
#      the peer script is there,
# each first at full speed (wrk), then at half that rate for latency
# (internal/tools/loadgen, open loop).
#   scripts/bench-webhook.sh [duration]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10s}
BENCH=${WEFT_BENCH_DIR:-../shared/bench}
WF=$BENCH/bench-webhook-set.json
[ -f "$WF" ] || WF=examples/workflows/webhook-greeting.json
PATH_=$(grep -o '"path":"[^"]*"' "$WF" | head -1 | cut -d'"' -f4)
LUA=$(mktemp --suffix=.lua)
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' "'{\"name\":\"ann\",\"n\":21}'" >"$LUA"
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP" "$LUA"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
make -s build core >/dev/null
go build -o "$TMP/loadgen" ./internal/tools/loadgen
# Write out what the builds left in the page cache now, not in the
# kernel's writeback 30 s later, in the middle of a measurement.
sync

wait_http() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

# ticks prints the machine's CPU time so far: all of it, and what the
# hypervisor gave to other guests (steal, /proc/stat).
ticks() { awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9}' /proc/stat; }
# stolen T0 S0 prints the share of the machine's time stolen since then: on
# a shared host it says how much of the two vCPUs the run really had.
stolen() {
  local t s
  read -r t s < <(ticks)
  awk -v t=$((t - $1)) -v s=$((s - $2)) 'BEGIN {if (t > 0) printf "   CPU stolen by the host: %.0f %%\n", 100 * s / t}'
}

# measure NAME URL: full speed, then half rate for latency.
measure() {
  local name=$1 url=$2
  # What the phase before wrote reaches the disk now, not during this one.
  sync
  wrk -t2 -c16 -d3s -s "$LUA" "$url" >/dev/null 2>&1 || true
  local out rps t0 s0
  read -r t0 s0 < <(ticks)
  out=$(wrk -t2 -c16 -d"$DUR" --latency -s "$LUA" "$url")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print int($2)}')
  echo "== $name: full speed (wrk -t2 -c16 -d$DUR)"
  echo "$out" | grep -E 'Requests/sec|50%|99%|Non-2xx|errors' | sed 's/^/   /'
  stolen "$t0" "$s0"
  echo "== $name: at half that rate ($((rps / 2))/s, open loop, 16 connections)"
  read -r t0 s0 < <(ticks)
  "$TMP/loadgen" -url "$url" -rate $((rps / 2)) -c 16 -d "$DUR" | sed 's/^/   /'
  stolen "$t0" "$s0"
}

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# 1. Embedded.
P=$(port)
bin/weft server --listen 127.0.0.1:$P --data "$TMP/embedded" >"$TMP/embedded.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$P/healthz"
bin/weft import "$WF" --activate --server "http://127.0.0.1:$P" >/dev/null
measure "Weft embedded" "http://127.0.0.1:$P/webhook/$PATH_"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# 2. Distributed. Each Go process gets one processor (GOMAXPROCS=1), as
# in containers limited to one CPU each (Go reads the limit itself): four
# busy processes on two cores otherwise spend much of their time waking
# each other's idle threads (docs/benchmarks.md). WEFT_BENCH_PROCS
# overrides it; 0 leaves Go's default, one per core.
PROCS=${WEFT_BENCH_PROCS:-1}
ONE=(); [ "$PROCS" = 0 ] || ONE=(env GOMAXPROCS="$PROCS")
if [ -n "${WEFT_BENCH_POSTGRES_URL:-}" ]; then
  NP=$(port)
  # The NATS server the embedded mode runs, at the version go.mod pins.
  NATS=${WEFT_BENCH_NATS_SERVER:-$TMP/nats-server}
  [ -n "${WEFT_BENCH_NATS_SERVER:-}" ] || go build -o "$NATS" github.com/nats-io/nats-server/v2
  "${ONE[@]}" "$NATS" -a 127.0.0.1 -p "$NP" -js -sd "$TMP/nats" >"$TMP/nats.log" 2>&1 &
  PIDS+=($!)
  sleep 1
  PGOPTIONS=--client-min-messages=warning psql "$WEFT_BENCH_POSTGRES_URL" -qc 'DROP SCHEMA IF EXISTS weft_bench CASCADE; CREATE SCHEMA weft_bench' >/dev/null
  sep='?'; [[ $WEFT_BENCH_POSTGRES_URL == *\?* ]] && sep='&'
  PG="$WEFT_BENCH_POSTGRES_URL${sep}search_path=weft_bench"
  P=$(port)
  "${ONE[@]}" bin/weft control-plane --postgres "$PG" --nats "nats://127.0.0.1:$NP" --listen 127.0.0.1:$P >"$TMP/cp.log" 2>&1 &
  PIDS+=($!)
  "${ONE[@]}" bin/weft runner --nats "nats://127.0.0.1:$NP" >"$TMP/runner.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$P/healthz"
  bin/weft import "$WF" --activate --server "http://127.0.0.1:$P" >/dev/null
  measure "Weft distributed (Postgres, NATS, 1 runner; GOMAXPROCS=$PROCS)" "http://127.0.0.1:$P/webhook/$PATH_"
  # Stop NATS, the control plane and the runner before the next peer runs
  # (and before their schema goes).
  kill "${PIDS[@]: -3}"; wait "${PIDS[@]: -3}" 2>/dev/null || true
  PGOPTIONS=--client-min-messages=warning psql "$WEFT_BENCH_POSTGRES_URL" -qc 'DROP SCHEMA IF EXISTS weft_bench CASCADE' >/dev/null
fi

# 3. Node-RED.
if [ -x "$BENCH/nodered-peer.sh" ] && command -v npm >/dev/null; then
  NR=$(port)
  "$BENCH/nodered-peer.sh" start "$NR" >/dev/null
  measure "Node-RED 4 (no persistence)" "http://127.0.0.1:$NR/bench"
  "$BENCH/nodered-peer.sh" stop
fi
