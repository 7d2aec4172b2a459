#!/usr/bin/env bash
# Quick start: installs what is missing, builds the release preset, reports the machine
# (`minitorch diagnose`), then runs the main job. Extra arguments go to the main job.
#
# usage: bash tools/run_main.sh [args for the main job]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin=build/release/bin
# The main job: `minitorch train` with the course's defaults (xor, 50 points, hidden 100).
main_job=("$bin/minitorch" train)

bash tools/install_deps.sh
# The same preset and build dir tools/test_all.sh uses; this script changes no cache option.
cmake --preset release
cmake --build --preset release -j2

echo "==== minitorch diagnose"
"$bin/minitorch" diagnose
echo "==== ${main_job[*]##*/} $*"
"${main_job[@]}" "$@"
