#!/usr/bin/env bash
# A short GPU check for a small device budget: builds only cuda_test, the NVRTC program
# compiler's test, the stream/allocator test and mt_gpu_bench (sm_90 SASS only), runs them,
# and writes logs to $OUT (else bench/results/). tools/gpu_check.sh is the full check.
# usage: bash tools/gpu_quick.sh      (AMP=1 adds tools/gpu_amp.sh: MNIST under autocast)
# PREBUILT=build/gq uses that build's bin/cuda_test and bin/mt_gpu_bench when they run on the
# device machine (built here with sm_90 and carried: saves the ~3-minute build); the NVRTC and
# stream tests run only if carried too. GTEST_FILTER narrows every test run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${OUT:-bench/results}"
build="${BUILD_DIR:-build/gpu-quick}"
mkdir -p "$out"
export NVIDIA_TF32_OVERRIDE=0
nvidia-smi --query-gpu=name,driver_version --format=csv > "$out/gpu_quick_device.txt" 2>&1 || true
gtest_args=()
if [[ -d .deps/gtest ]] && ! compgen -G '/usr/lib*/*/cmake/GTest/GTestConfig.cmake' >/dev/null; then
  gtest_args=(-DCMAKE_PREFIX_PATH="$PWD/.deps/gtest")
fi
start=$SECONDS
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/lib:${LD_LIBRARY_PATH:-}
if [[ -n "${PREBUILT:-}" ]] && "$PREBUILT/bin/cuda_test" --gtest_list_tests > /dev/null 2>&1 &&
  ! ldd "$PREBUILT/bin/mt_gpu_bench" 2>&1 | grep -qE "not found|version"; then
  build="$PREBUILT"
  echo "== prebuilt binaries of $build run here: no build"
elif ! { cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMT_CUDA=ON -DMT_MPI=OFF \
  -DMT_BUILD_TESTS=ON -DMT_BUILD_APPS=ON -DMT_CUDA_ARCHITECTURES=90-real \
  -DCMAKE_CUDA_ARCHITECTURES=90-real "${gtest_args[@]}" &&
  cmake --build "$build" -j "$(nproc)" --target cuda_test cuda_program_jit_test cuda_stream_test mt_gpu_bench; } \
  > "$out/gpu_quick_build.log" 2>&1; then
  tail -30 "$out/gpu_quick_build.log"
  echo "gpu_quick: build failed"
  exit 1
fi
echo "== build: $((SECONDS - start)) s"
status=0
for t in cuda_program_jit_test cuda_stream_test cuda_test; do
  [[ -x "$build/bin/$t" ]] || { echo "== $t: not built"; continue; }
  start=$SECONDS
  # cuda_test compiles a kernel per new program layout (NVRTC, ~0.3 s each): its op table
  # alone took ~200 s on an H100 in session 12.
  limit=200
  [[ $t == cuda_test ]] && limit=480
  timeout "$limit" "$build/bin/$t" --gtest_color=no > "$out/gpu_quick_$t.txt" 2>&1 || status=1
  echo "== $t: $(grep -E '^\[  (PASSED|FAILED)  \]' "$out/gpu_quick_$t.txt" | head -3 | tr '\n' ' ') in $((SECONDS - start)) s"
  grep -E '^\[  FAILED  \]' "$out/gpu_quick_$t.txt" | head -20
done
timeout 150 "$build/bin/mt_gpu_bench" > "$out/gpu_quick_bench.txt" 2>&1 || status=1
grep -iE "program|composed|copy|latency" "$out/gpu_quick_bench.txt" | head -30
# The TF32 rows compare with cuBLAS in TF32 mode, which NVIDIA_TF32_OVERRIDE=0 (kept above for
# the FP32 rows) would turn off in cuBLAS alone: they run without it.
env -u NVIDIA_TF32_OVERRIDE timeout 60 "$build/bin/mt_gpu_bench" --tf32 \
  > "$out/gpu_quick_tf32.txt" 2>&1 || status=1
grep -A4 "TF32 sgemm" "$out/gpu_quick_tf32.txt"
timeout 90 "$build/bin/mt_gpu_bench" --half > "$out/gpu_quick_half.txt" 2>&1 || status=1
grep -A7 "bf16/fp16 matmul" "$out/gpu_quick_half.txt"
if [[ "${AMP:-0}" == 1 ]]; then  # MNIST under autocast, when the data is there
  cmake --build "$build" -j "$(nproc)" --target minitorch_cli >> "$out/gpu_quick_build.log" 2>&1
  bash tools/gpu_amp.sh "$build" "$out/gpu_quick_amp.txt" || status=1
fi
exit $status
