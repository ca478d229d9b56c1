#!/usr/bin/env bash
# Several GPUs of one host: the same binary; pmap spreads the global batch over all visible GPUs.
#   CUDA_VISIBLE_DEVICES=0,1 bash launch/run_multi_gpu.sh experiments/configs/paper.py:mnist,rlstm_t300 WORKDIR [flags]
# The global --config.batch_size must be a multiple of the number of GPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG="$1"; WORKDIR="$2"; shift 2
export XLA_PYTHON_CLIENT_PREALLOCATE=false
exec .venv/bin/python experiments/train.py --config "$CONFIG" --workdir "$WORKDIR" "$@"
