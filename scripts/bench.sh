#!/bin/sh
# make bench: run every benchmark under bench/ (bench/bench_*.py), or those named in BENCH.
# Each script is self-contained (its own throwaway database), measures a baseline in the same
# run and prints ratios against it. Benchmarks never run in `make test`.
#
#   make bench                         all of them
#   make bench BENCH=bench_search      only bench/bench_search.py
set -u
cd "$(dirname "$0")/.." || exit 2
rc=0
for script in bench/bench_*.py; do
    [ -e "$script" ] || { echo "bench: no benchmarks in bench/"; exit 0; }
    name=$(basename "$script" .py)
    if [ -n "${BENCH:-}" ] && [ "$name" != "$BENCH" ]; then continue; fi
    printf '\n=== %s\n' "$name"
    .venv/bin/python "$script" || rc=1
done
exit $rc
