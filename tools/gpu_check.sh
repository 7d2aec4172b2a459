#!/usr/bin/env bash
# The GPU check, in one run on a machine with an NVIDIA GPU (H100/H200): configure and build
# with CUDA on, run the GPU test suite (ctest label gpu), run it again under compute-sanitizer
# (memcheck in three parts, then racecheck; fewer random cases there, as every launch is
# instrumented, and without the out-of-memory test, whose failing cudaMalloc the tool would
# report), then
# the GPU benchmarks. Logs and results go to $OUT when set (the device tool's output folder),
# else to bench/results/; a summary is printed last.
#
# usage: bash tools/gpu_check.sh [steps...]   steps: tests sanitizers bench train amp (default all;
#        the build always runs; memcheck or racecheck alone instead of sanitizers). A device lease of 10 minutes a command fits the build with
#        any two or three of them; run the rest in a second call.
# env:   BUILD_DIR (default build/gpu), MT_CUDA_ARCHITECTURES (default 90-real;90-virtual),
#        SANITIZER_TIMEOUT (seconds per compute-sanitizer run, default 240),
#        MINITORCH_DATA and AMP_EPOCHS (amp: see tools/gpu_amp.sh),
#        SHARDS (processes per test run, default 4: the op table compiles a kernel per new
#        layout on one CPU core, so shards run side by side on the GPU and the other cores),
#        PREBUILT (a build folder made elsewhere for sm_90 and carried, e.g. build/gq: its
#        binaries are used when they run here, and nothing is built),
#        GTEST_ROOT (a GoogleTest prefix when the machine has none installed; else .deps/gtest
#        is used when present), NCCL_ROOT (a folder with include/nccl.h and lib/libnccl.so*
#        when NCCL is not beside CUDA; else the nvidia-nccl Python package is used when present)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
steps=" ${*:-tests sanitizers bench train amp} "
want() { [[ "$steps" == *" $1 "* ]]; }
out="${OUT:-bench/results}"
mkdir -p "$out"
build="${BUILD_DIR:-build/gpu}"
arch="${MT_CUDA_ARCHITECTURES:-90-real;90-virtual}"
export NVIDIA_TF32_OVERRIDE=0
status=0
shards="${SHARDS:-4}"
summary="$out/gpu_summary.txt"
: > "$summary"
note() { echo "$1" >> "$summary"; echo "== $1"; }
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/lib:${LD_LIBRARY_PATH:-}

# Runs the gtest command "$@" as $shards processes at once (gtest's own sharding), into
# $out/$log; fails if any shard failed. PASSED counts are summed by passed_count.
sharded() {
  local log=$1 i rc=0
  shift
  local pids=()
  for ((i = 0; i < shards; i++)); do
    GTEST_TOTAL_SHARDS=$shards GTEST_SHARD_INDEX=$i "$@" > "$out/$log.$i" 2>&1 &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  for ((i = 0; i < shards; i++)); do cat "$out/$log.$i" && rm -f "$out/$log.$i"; done > "$out/$log"
  return $rc
}
passed_count() {
  echo "$(grep -hE '^\[  PASSED  \]' "$1" | awk '{n += $4} END {print n + 0}') tests passed" \
    "in $(grep -c '^\[==========\] .* ran' "$1") shards"
}

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv \
  > "$out/gpu_device.txt" 2>&1 || true
nvcc --version >> "$out/gpu_device.txt" 2>&1 || true

gtest_args=()
if [[ -n "${GTEST_ROOT:-}" ]]; then
  gtest_args=(-DCMAKE_PREFIX_PATH="$GTEST_ROOT")
elif ! compgen -G '/usr/lib*/*/cmake/GTest/GTestConfig.cmake' >/dev/null &&
  ! compgen -G '/usr/lib*/cmake/GTest/GTestConfig.cmake' >/dev/null &&
  [[ -d .deps/gtest ]]; then
  gtest_args=(-DCMAKE_PREFIX_PATH="$PWD/.deps/gtest")
fi

# NCCL for the nccl process group (nccl_test): beside CUDA, else NCCL_ROOT, else the
# nvidia-nccl Python package (which ships libnccl.so.2 without the libnccl.so link).
nccl_args=()
nccl_root="${NCCL_ROOT:-}"
if [[ -z "$nccl_root" ]] && ! compgen -G '/usr/local/cuda/include/nccl.h' >/dev/null &&
  ! compgen -G '/usr/include/nccl.h' >/dev/null; then
  for site in $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null); do
    header=$(find "$site/nvidia" -name nccl.h 2>/dev/null | head -1)
    if [[ -n "$header" ]]; then
      nccl_root=$(dirname "$(dirname "$header")")
      break
    fi
  done
fi
if [[ -n "$nccl_root" ]]; then
  nccl_lib=$(find "$nccl_root/" -name 'libnccl.so*' 2>/dev/null | sort | head -1)
  # nccl.h alone in a folder of its own: a package's include folder may also hold CUDA
  # runtime headers of another version than nvcc's.
  mkdir -p "$build/nccl_include"
  cp "$nccl_root"/include/nccl*.h "$build/nccl_include/"
  nccl_args=("-DMT_NCCL_INCLUDE_DIR=$(cd "$build/nccl_include" && pwd)" "-DMT_NCCL_LIBRARY=$nccl_lib")
fi
# Multicast stays off on shared hosts (KINDS.md of the device tool); harmless elsewhere.
export NCCL_NVLS_ENABLE="${NCCL_NVLS_ENABLE:-0}"

start=$SECONDS
prebuilt=0
if [[ -n "${PREBUILT:-}" ]] && "$PREBUILT/bin/cuda_test" --gtest_list_tests > /dev/null 2>&1; then
  build="$PREBUILT"
  prebuilt=1
fi
# cuda_test: the backend and the CUDA op table; the others are suites with CUDA cases.
extra_tests=(cuda_program_jit_test cuda_stream_test cuda_index_test arg_ops_test)
targets=(cuda_test mt_gpu_bench minitorch_cli "${extra_tests[@]}")
if ((prebuilt)); then
  [[ -x "$build/bin/nccl_test" ]] && targets+=(nccl_test)
  # tools/gpu_pack.sh with MNIST=1 carries the MNIST files beside the binaries.
  if [[ -z "${MINITORCH_DATA:-}" && -d "$build/data/mnist" ]]; then
    export MINITORCH_DATA="$PWD/$build/data"
  fi
  echo "prebuilt binaries of $build run here: no build" > "$out/gpu_build.log"
elif cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMT_CUDA=ON \
  -DMT_BUILD_TESTS=ON -DMT_BUILD_APPS=ON "-DMT_CUDA_ARCHITECTURES=$arch" \
  "-DCMAKE_CUDA_ARCHITECTURES=$arch" "${gtest_args[@]}" "${nccl_args[@]}" \
  > "$out/gpu_build.log" 2>&1 && grep -q "NCCL process group on" "$out/gpu_build.log"; then
  targets+=(nccl_test)
fi
if ((prebuilt)); then
  note "build: none, prebuilt binaries of $build"
elif ! grep -q "Build files have been written" "$out/gpu_build.log" ||
  ! cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >> "$out/gpu_build.log" 2>&1; then
  tail -40 "$out/gpu_build.log"
  echo "gpu_check: build failed (log: $out/gpu_build.log)"
  exit 1
else
  note "build: ok in $((SECONDS - start)) s"
fi

tests="$build/bin/cuda_test"
start=$SECONDS
if ! want tests; then
  :
elif sharded gpu_tests.txt "$tests" --gtest_color=no; then
  note "tests: $(passed_count "$out/gpu_tests.txt") in $((SECONDS - start)) s"
else
  status=1
  grep -E '^\[  FAILED  \]|Failure|error' "$out/gpu_tests.txt" | head -30
  note "tests: FAILED (see gpu_tests.txt)"
fi
if want tests && grep -q "no CUDA device" "$out/gpu_tests.txt"; then
  status=1
  note "tests: skipped with 'no CUDA device' on a GPU machine"
fi

for extra in "${extra_tests[@]}"; do
  want tests || break
  start=$SECONDS
  if "$build/bin/$extra" --gtest_color=no > "$out/gpu_$extra.txt" 2>&1; then
    note "$extra: $(grep -E '^\[  PASSED  \]' "$out/gpu_$extra.txt" | head -1) in $((SECONDS - start)) s"
  else
    status=1
    grep -E '^\[  FAILED  \]|Failure|error' "$out/gpu_$extra.txt" | head -30
    note "$extra: FAILED (see gpu_$extra.txt)"
  fi
done

# The nccl process group in one process (a world of 1); absent when the build found no NCCL.
if want tests && [[ " ${targets[*]} " == *" nccl_test "* ]]; then
  start=$SECONDS
  if timeout 300 "$build/bin/nccl_test" --gtest_color=no > "$out/gpu_nccl_tests.txt" 2>&1; then
    note "nccl tests: $(grep -E '^\[  PASSED  \]' "$out/gpu_nccl_tests.txt" | head -1) in $((SECONDS - start)) s"
  else
    status=1
    grep -E '^\[  FAILED  \]|Failure|error' "$out/gpu_nccl_tests.txt" | head -30
    note "nccl tests: FAILED (see gpu_nccl_tests.txt)"
  fi
  if grep -q "no CUDA device" "$out/gpu_nccl_tests.txt"; then
    status=1
    note "nccl tests: skipped with 'no CUDA device' on a GPU machine"
  fi
elif want tests; then
  note "nccl tests: not built (no NCCL found: set NCCL_ROOT)"
fi

# One compute-sanitizer run of cuda_test, sharded: its verdicts, or FAILED.
sanitize() {
  local tool=$1 cases=$2 filter=$3 name=$4
  local start=$SECONDS log="gpu_sanitizer_${tool}_$name.txt"
  if MINITORCH_CUDA_CASES=$cases sharded "$log" timeout "${SANITIZER_TIMEOUT:-400}" \
    compute-sanitizer --tool "$tool" --error-exitcode 3 \
    --print-limit 50 "$tests" --gtest_color=no --gtest_brief=1 "--gtest_filter=$filter"; then
    note "compute-sanitizer $tool ($filter, $cases cases per primitive): $(passed_count "$out/$log"), $(grep -hE 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/$log" | sort | uniq -c | tr -s ' ' | tr '\n' ';') in $((SECONDS - start)) s"
  else
    grep -E 'ERROR SUMMARY|RACECHECK SUMMARY|Invalid|Race|FAILED' "$out/$log" | head -20
    note "compute-sanitizer $tool ($filter): FAILED or cut at ${SANITIZER_TIMEOUT:-400} s (see $log)"
    return 1
  fi
}

# memcheck instruments every global access and every launch, racecheck every shared-memory
# access: the whole suite under one tool did not finish in 540 s (session 9), so the runs go
# in parts, side by side, each sharded, with few random cases (every kernel and layout path
# is still reached). The out-of-memory test is left out: the tool reports its failing
# cudaMalloc. racecheck runs the differential tests and the op table, which reach every
# kernel that uses shared memory (tiles, reductions, matmul).
sanitizer_jobs=()
if want sanitizers || want memcheck; then
  sanitize memcheck 6 'CudaDifferential.*' differential & sanitizer_jobs+=($!)
  sanitize memcheck 3 'Cuda/OpTable*' op_table & sanitizer_jobs+=($!)
  sanitize memcheck 6 '-CudaDifferential.*:Cuda/OpTable*:CudaDevice.OutOfMemoryNamesRequestedAndFreeBytes' rest &
  sanitizer_jobs+=($!)
fi
if want sanitizers || want racecheck; then
  sanitize racecheck 12 'CudaDifferential.*:Cuda/OpTable*' differential & sanitizer_jobs+=($!)
fi
for job in "${sanitizer_jobs[@]}"; do wait "$job" || status=1; done

start=$SECONDS
if want bench; then
  if "$build/bin/mt_gpu_bench" > "$out/gpu_bench.txt" 2>&1; then
    note "benchmarks: done in $((SECONDS - start)) s"
  else
    status=1
    note "benchmarks: FAILED"
  fi
  cat "$out/gpu_bench.txt"
fi

# The training program on the GPU and on the CPU backend (seconds per epoch in its summary).
start=$SECONDS
want train && for backend in cuda cpu; do
  echo "== minitorch train --dataset xor --hidden 100 --backend $backend" >> "$out/gpu_train.txt"
  if ! "$build/bin/minitorch" train --dataset xor --hidden 100 --epochs 300 --backend "$backend" \
    --quiet --plot none >> "$out/gpu_train.txt" 2>&1; then
    status=1
  fi
done
if want train; then
  note "minitorch train xor (cuda, cpu): done in $((SECONDS - start)) s"
  cat "$out/gpu_train.txt"
fi

# Mixed precision (Note [Autocast]): MNIST in float32 and under bfloat16/float16 autocast,
# minitorch and PyTorch eager side by side (tools/gpu_amp.sh).
start=$SECONDS
if want amp; then
  if bash tools/gpu_amp.sh "$build" "$out/gpu_amp.txt"; then
    note "amp (mnist, autocast off/bfloat16/float16): done in $((SECONDS - start)) s"
  else
    status=1
    note "amp: FAILED (see gpu_amp.txt)"
  fi
fi

echo
echo "==== gpu_check summary ($(head -2 "$out/gpu_device.txt" | tail -1))"
cat "$summary"
exit $status
