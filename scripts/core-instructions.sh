#!/usr/bin/env bash
# Native instructions per node task of the core module, counted by
# callgrind (docs/benchmarks.md): a count that does not depend on how busy
# the machine is, for comparing two versions of the module's C or
# JavaScript. Builds the module's C (QuickJS-ng, glue) and bundle for the
# host with gcc, records the tasks of the reference workflow (Set, If, No
# Op) and of the webhook benchmark's Set node as the host sends them
# (warm: with the compiled code earlier runs handed back), then counts
# each task after the warm-up, as the runtime runs it from its snapshot,
# and again from the snapshot once the host prepared the node's
# expressions (nodes/prepare.go).
#   scripts/core-instructions.sh
# Needs gcc and valgrind (apt-get install valgrind) besides `make core`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 2; }
make -s core >/dev/null
OUT=bin/core-native
mkdir -p "$OUT"
QJS=$(cat bin/core/qjs/src)
for u in libregexp libunicode cutils xsum; do
  [ "$OUT/$u.o" -nt "$QJS/$u.c" ] || gcc -O2 -DNDEBUG -w -c "$QJS/$u.c" -o "$OUT/$u.o" &
done
# quickjs.c is compiled inside qjs.c (see the Makefile)
gcc -O2 -DNDEBUG -w -I"$QJS" -c nodes-wasm/core/glue/qjs.c -o "$OUT/quickjs.o" &
wait
gcc -O2 -I"$QJS" -Wno-attributes -c nodes-wasm/core/glue/core.c -o "$OUT/glue.o"
gcc -O2 -I"$QJS" -c nodes-wasm/core/glue/json.c -o "$OUT/json.o"
gcc -O2 -c bin/core/bundle.c -o "$OUT/bundle.o"
gcc -O2 -c nodes-wasm/core/bench/count.c -o "$OUT/count.o"
gcc -o "$OUT/count" "$OUT"/*.o -lm

TASKS=$(mktemp -d)
trap 'rm -rf "$TASKS"' EXIT
go run ./internal/tools/coretasks -workflow nodes/testdata/reference-workflow.json \
  -item '{"id":21,"name":"item 21","n":21}' -out "$TASKS/reference" >/dev/null
go run ./internal/tools/coretasks -workflow nodes/testdata/webhook-set.json \
  -item '{"headers":{"host":"127.0.0.1:5678","content-type":"application/json","content-length":"21"},"params":{},"query":{},"body":{"name":"ann","n":21},"webhookUrl":"http://127.0.0.1:5678/webhook/bench","executionMode":"production"}' \
  -out "$TASKS/webhook" >/dev/null

# count NAME TASK: the task's instructions from the module's snapshot, and
# the node's task from the snapshot once the host prepared the nodes.
count() {
  local cg="$TASKS/cg.out" n=() args
  for prepared in no yes; do
    args=("$2")
    [ $prepared = no ] || args=("${2%.task}.prepared" "$(dirname "$2")"/prepare-*)
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$cg" "$OUT/count" "${args[@]}" >/dev/null 2>"$TASKS/valgrind.log" ||
      { cat "$TASKS/valgrind.log" >&2; exit 1; }
    n+=("$(awk '/^totals:/ {print $2}' "$cg")")
  done
  printf '%-28s %12d %12d\n' "$1" "${n[0]}" "${n[1]}"
}
echo "task                         instructions     prepared"
count "webhook Set (Edit Fields)" "$TASKS/webhook/Edit Fields.task"
count "reference Set" "$TASKS/reference/Set.task"
count "reference If" "$TASKS/reference/If.task"
count "reference No Op" "$TASKS/reference/NoOp.task"
