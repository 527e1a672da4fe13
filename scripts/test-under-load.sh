#!/usr/bin/env bash
# Runs the test suite (or the jest arguments given) with CPU-bound busy loops beside it, the way a
# shared CI machine is loaded: tests must wait on conditions, never on sleeps or tight wall-clock windows.
#   npm run test:loaded                    # the whole suite, 2 busy loops
#   BUSY_LOOPS=3 npm run test:loaded -- test/engine
#   TEST_RUNS=3 npm run test:loaded        # three runs in a row; stops at the first failure
set -euo pipefail
cd "$(dirname "$0")/.."
loops=${BUSY_LOOPS:-2}
runs=${TEST_RUNS:-1}
pids=()
stop() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap stop EXIT INT TERM
for _ in $(seq 1 "$loops"); do
  node -e 'for (;;) {}' &
  pids+=($!)
done
echo "test-under-load: $loops busy loop(s) running (pids ${pids[*]}), $runs run(s)"
for i in $(seq 1 "$runs"); do
  echo "test-under-load: run $i of $runs"
  npx jest "$@"
done
