#!/usr/bin/env bash
# Packs a CUDA build made here (sm_90) for the device machine, where carrying it saves the
# ~3-minute build: the GPU binaries of BUILD (default build/gq) and, with MNIST=1, the MNIST
# files of the data cache, xz-compressed into $BUILD/carry.tar.xz (executables shrink ~5x, so
# all of them fit the device tool's 64 MiB carry limit). On the device:
#   tar xJf build/gq/carry.tar.xz && PREBUILT=build/gq bash tools/gpu_check.sh
# (the MNIST files unpack into build/gq/data: set MINITORCH_DATA=build/gq/data for `amp`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${BUILD:-build/gq}"
bins=(cuda_test mt_gpu_bench minitorch cuda_program_jit_test cuda_stream_test cuda_index_test
  arg_ops_test nccl_test)
files=()
for b in "${bins[@]}"; do
  [[ -x "$build/bin/$b" ]] && files+=("$build/bin/$b")
done
if [[ "${MNIST:-0}" == 1 ]]; then
  data="${MINITORCH_DATA:-$HOME/.cache/minitorch}"
  mkdir -p "$build/data"
  rm -rf "$build/data/mnist"
  cp -r "$data/mnist" "$build/data/mnist"
  files+=("$build/data/mnist")
fi
tar cf - "${files[@]}" | xz -T2 -6 > "$build/carry.tar.xz"
ls -la "$build/carry.tar.xz"
