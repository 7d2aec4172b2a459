#!/usr/bin/env bash
# MNIST on the GPU in float32 and under bfloat16 and float16 autocast (Note [Autocast]):
# `minitorch train --task mnist --backend cuda --autocast MODE` and PyTorch eager's same model
# (bench/python/mnist_torch_device.py) side by side: seconds per epoch and test accuracy.
# Called by tools/gpu_check.sh and tools/gpu_quick.sh; skips (exit 0) without the data.
# usage: bash tools/gpu_amp.sh BUILD_DIR OUT_FILE   env: MINITORCH_DATA, AMP_EPOCHS (default 2)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="$1"
log="$2"
data="${MINITORCH_DATA:-$HOME/.cache/minitorch}"
if [[ ! -f "$data/mnist/train-images-idx3-ubyte" ]]; then
  echo "amp: skipped, no MNIST under $data (bash tools/fetch_data.sh mnist)"
  exit 0
fi
status=0
for mode in off bfloat16 float16; do
  echo "== minitorch train --task mnist --backend cuda --autocast $mode" >> "$log"
  MINITORCH_DATA="$data" timeout 200 "$build/bin/minitorch" train --task mnist --backend cuda \
    --autocast "$mode" --epochs "${AMP_EPOCHS:-2}" --plot none >> "$log" 2>&1 || status=1
  (cd bench/python && MINITORCH_DATA="$data" timeout 120 python3 mnist_torch_device.py \
    --autocast "$mode" --epochs "${AMP_EPOCHS:-2}") >> "$log" 2>&1 || true
done
grep -E "^==|accuracy|per epoch|pytorch" "$log"
exit $status
