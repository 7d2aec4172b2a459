#!/usr/bin/env bash
# Quick start: installs what is missing, builds the release preset, reports the machine
# (`minitorch diagnose`), then runs the main job. Extra arguments go to the main job.
#
# usage: bash tools/run_main.sh [args for the main job]
#   e.g. bash tools/run_main.sh --task mnist --course     (fetches MNIST first)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin=build/release/bin
# The main job: `minitorch train` with the course's defaults (xor, 50 points, hidden 100).
main_job=("$bin/minitorch" train)

bash tools/install_deps.sh
# `--task sentiment|mnist|fashion-mnist` trains on real data: fetch that dataset first (once;
# cached under $MINITORCH_DATA, docs/data.md).
task=""
previous=""
for arg in "$@"; do
  case $arg in
    --task=*) task=${arg#--task=} ;;
    *) [[ $previous == --task ]] && task=$arg ;;
  esac
  previous=$arg
done
if [[ -n $task && $task != points ]]; then
  bash tools/fetch_data.sh "$task"
fi
# The same preset and build dir tools/test_all.sh uses; this script changes no cache option.
cmake --preset release
cmake --build --preset release -j2

echo "==== minitorch diagnose"
"$bin/minitorch" diagnose
echo "==== ${main_job[*]##*/} $*"
"${main_job[@]}" "$@"
