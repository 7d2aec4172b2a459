#!/usr/bin/env bash
# Training benchmark of issue 5: seconds per epoch in steady state for xor, batch 10, with
# 50 points (hidden 100 and 200) and 5000 points (hidden 256), on the CPU backend with 1 and 2
# threads. Builds the release preset if needed, prints the machine and the table, and appends
# the JSON lines to bench/results/train_<host>_<date>.jsonl.
#
# usage: bash bench/train_bench.sh [extra flags for `minitorch train --bench`, e.g. --repeats 9]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${MINITORCH_BIN:-build/release/bin/minitorch}
if [[ ! -x "$bin" ]]; then
  cmake --preset release
  cmake --build --preset release -j2
fi

"$bin" diagnose
echo
"$bin" train --bench "$@"

mkdir -p bench/results
out="bench/results/train_$(hostname)_$(date +%Y%m%d_%H%M%S).jsonl"
"$bin" train --bench --json "$@" > "$out"
echo
echo "JSON lines written to $out"
