#!/usr/bin/env bash
# Several Table 2 rows at once on ONE GPU (each run is small: B=128, H=128 uses a fraction of an
# H100), each stopped by SIGTERM after SECONDS (it checkpoints; start it again to continue).
#   bash launch/reproduce_gpu.sh TASK SECONDS DATA_DIR OUT_DIR PRESET [PRESET ...]
# Writes OUT_DIR/<task>_<preset>/ workdirs and OUT_DIR/<task>_<preset>.log.
set -uo pipefail
cd "$(dirname "$0")/.."
TASK="$1"; SECONDS_LIMIT="$2"; DATA_DIR="$3"; OUT="$4"; shift 4
PY="${PYTHON:-python3}"
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export XLA_PYTHON_CLIENT_MEM_FRACTION="${XLA_PYTHON_CLIENT_MEM_FRACTION:-0.2}"
mkdir -p "$OUT"
for PRESET in "$@"; do
  timeout -s TERM "$SECONDS_LIMIT" "$PY" experiments/train.py \
    --config "experiments/configs/${TASK}.py:${PRESET}" --workdir "$OUT/${TASK}_${PRESET}" \
    --config.data_dir="$DATA_DIR" --config.progress_bar=False --config.keep_checkpoints=1 \
    > "$OUT/${TASK}_${PRESET}.log" 2>&1 &
done
wait
for PRESET in "$@"; do
  echo "== ${TASK}_${PRESET}"; grep -E "test accuracy|resumed|parameters|error|stopped" "$OUT/${TASK}_${PRESET}.log" | tail -4
done
