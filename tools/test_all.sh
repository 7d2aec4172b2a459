#!/usr/bin/env bash
# The test command: for each preset, configure, build (2 jobs) and run CTest; stop at the
# first failure. Presets: release, python (the Python package built into a venv under build/
# and its pytest suite: tools/test_python.sh), asan (+ubsan), tsan, then the fuzz targets
# (clang, ASan + UBSan, 60 s each: tools/fuzz.sh) by default; name some to run a subset. The
# real datasets are fetched first (tools/fetch_data.sh; cached, so only the first run downloads).
#
# usage: bash tools/test_all.sh [preset...]      e.g. bash tools/test_all.sh release fuzz
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

known_presets=(release debug python asan tsan fuzz)
presets=("$@")
if [[ ${#presets[@]} -eq 0 ]]; then
  presets=(release python asan tsan fuzz)
fi
for preset in "${presets[@]}"; do
  if [[ " ${known_presets[*]} " != *" $preset "* ]]; then
    echo "test_all: unknown preset '$preset' (known: ${known_presets[*]})" >&2
    exit 2
  fi
done

bash tools/install_deps.sh --test
# The real datasets for the smoke tests (train_task_smoke_*): fetched once into
# $MINITORCH_DATA (default ~/.cache/minitorch), verified, then reused (docs/data.md).
bash tools/fetch_data.sh

# Never more than 2 build jobs, whatever the caller's environment says.
export CMAKE_BUILD_PARALLEL_LEVEL=2

summary=()
print_summary() {
  if [[ ${#summary[@]} -gt 0 ]]; then
    printf '%s\n' "${summary[@]}"
  fi
}

for preset in "${presets[@]}"; do
  start=$SECONDS
  step=""
  echo "==== $preset"
  if [[ $preset == fuzz ]]; then
    if ! { step=fuzz && bash tools/fuzz.sh "${MINITORCH_FUZZ_SECONDS:-60}"; }; then
      summary+=("test_all: fuzz FAILED ($((SECONDS - start)) s)")
      print_summary >&2
      exit 1
    fi
    summary+=("test_all: fuzz ok ($((SECONDS - start)) s)")
    echo "==== fuzz ok"
    continue
  fi
  if [[ $preset == python ]]; then
    if ! bash tools/test_python.sh; then
      summary+=("test_all: python FAILED ($((SECONDS - start)) s)")
      print_summary >&2
      exit 1
    fi
    summary+=("test_all: python ok ($((SECONDS - start)) s)")
    echo "==== python ok"
    continue
  fi
  # MT_BUILD_TESTS=ON: a build dir first configured with tests off keeps that in its cache,
  # and the preset alone would then build and find no tests.
  if ! { step=configure && cmake --preset "$preset" -DMT_BUILD_TESTS=ON &&
    step=build && cmake --build --preset "$preset" -j2 &&
    step=test && ctest --preset "$preset"; }; then
    summary+=("test_all: $preset FAILED at $step ($((SECONDS - start)) s)")
    echo >&2
    print_summary >&2
    echo "test_all: stopped at the first failure; see the $step output above" \
      "(build dir: build/$preset)" >&2
    exit 1
  fi
  summary+=("test_all: $preset ok ($((SECONDS - start)) s)")
  echo "==== $preset ok"
done

echo
print_summary
