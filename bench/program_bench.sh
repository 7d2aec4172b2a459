#!/usr/bin/env bash
# The user-function benchmark of issue 11, side by side in one run: `minitorch bench ops`'s
# program rows (a four-op user function in one pass, and the same ops composed) at 16M float32
# with 1 and 2 threads, against STREAM add measured in the same run, then PyTorch eager
# composing the same ops (bench/python/program_peers.py; needs torch in $PYTHON), repeated
# ROUNDS times, interleaved. usage: bash bench/program_bench.sh [out.txt]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${MINITORCH:-build/release/bin/minitorch}"
python="${PYTHON:-python3}"
out="${1:-/dev/null}"
rounds="${ROUNDS:-3}"
{
  echo "# program_bench $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cpus; load $(cut -d' ' -f1-3 /proc/loadavg)"
  for round in $(seq 1 "$rounds"); do
    echo "## round $round"
    for rows in program composed; do
      "$bin" bench ops --sizes 16M --dtype float32 --threads 1,2 --cases "$rows" --budget 0.5 |
        grep -E '^(program|composed)|^  add 16M|paired'
    done
    "$python" bench/python/program_peers.py 1,2
  done
} > >(tee "$out")
