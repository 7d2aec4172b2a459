#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, ASan + UBSan) and runs each for a
# bounded time on a scratch copy of its seed corpus. A crash, leak, sanitizer report or
# timeout fails the run, and libFuzzer leaves the input that found it in build/fuzz/findings/.
#
# usage: bash tools/fuzz.sh [seconds per target (default 60)] [target...]
#   e.g. bash tools/fuzz.sh 1800 safetensors     (a long run outside CI)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
shift || true

# clang and libFuzzer's runtime (in libclang-rt-14-dev on Debian 12).
if ! command -v clang++ >/dev/null 2>&1 ||
  ! compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null; then
  echo "fuzz: installing clang and libFuzzer (clang, libclang-rt-14-dev)"
  sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
fi

export CMAKE_BUILD_PARALLEL_LEVEL=2
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for src in fuzz/targets/*.cpp; do
    targets+=("$(basename "$src" .cpp)")
  done
fi

mkdir -p build/fuzz/findings
failed=()
for t in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$t
  mkdir -p "$corpus"
  echo "==== fuzz_$t: ${seconds} s"
  # -timeout: one input may take at most 10 s (a hang is a failure); -rss_limit_mb: an
  # input that makes the library allocate past 2 GiB is a failure too.
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
    -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/findings/${t}-" \
    "$corpus" "fuzz/corpus/$t" 2>"build/fuzz/$t.log"; then
    tail -n 60 "build/fuzz/$t.log" >&2
    failed+=("$t")
  fi
  grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "build/fuzz/$t.log" || true
  grep -E 'cov: [0-9]+' "build/fuzz/$t.log" | tail -n 1 || true
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in build/fuzz/findings/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds} s each with no finding"
