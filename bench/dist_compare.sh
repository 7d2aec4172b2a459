#!/usr/bin/env bash
# The notebook's question on this machine: one process with 2 threads, or 2 MPI processes
# with 1 thread each? Runs `minitorch bench dist` both ways, interleaved, ROUNDS times (the
# machine is shared and noisy), and writes the lines to bench/results/dist_compare_<date>.txt.
#
# usage: bash bench/dist_compare.sh [rounds (default 3)]    (after a release build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rounds=${1:-3}
bin=build/release/bin/minitorch
out=bench/results/dist_compare_$(date +%Y-%m-%d).txt
# The launch settings of the MPI tests (tests/dist/CMakeLists.txt, docs/distributed.md).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
mpirun_args=(--oversubscribe --bind-to none --mca btl self,vader --mca pml ob1)

{
  echo "# bench dist, $(date -u +%FT%TZ), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
  for ((i = 1; i <= rounds; ++i)); do
    echo "## round $i"
    "$bin" bench dist --threads 2 --json
    mpirun -n 2 "${mpirun_args[@]}" "$bin" bench dist --threads 1 --json
  done
} | tee "$out"
echo "wrote $out"
