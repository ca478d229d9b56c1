#!/usr/bin/env bash
# Several Table 2 rows at once on ONE GPU (each run is small: B=128, H=128 uses a fraction of an
# H100), each stopped by SIGTERM after SECONDS (it checkpoints; start it again to continue).
#   bash launch/reproduce_gpu.sh TASK SECONDS DATA_DIR OUT_DIR RUN [RUN ...]
# RUN is a preset, optionally with config overrides joined by '+':
#   rlstm_t300   or   rlstm_t300+optimizer=adam+model.recurrence=fused
# Overrides for every run: EXTRA_FLAGS="--config.model.recurrence=fused".
# Writes OUT_DIR/<task>_<run>/ workdirs and OUT_DIR/<task>_<run>.log (run name: '+' and '=' -> '_').
set -uo pipefail
cd "$(dirname "$0")/.."
TASK="$1"; SECONDS_LIMIT="$2"; DATA_DIR="$3"; OUT="$4"; shift 4
PY="${PYTHON:-python3}"
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export XLA_PYTHON_CLIENT_MEM_FRACTION="${XLA_PYTHON_CLIENT_MEM_FRACTION:-0.2}"
mkdir -p "$OUT"
NAMES=()
for RUN in "$@"; do
  PRESET="${RUN%%+*}"
  NAME="${TASK}_$(echo "$RUN" | tr '+=' '__')"
  NAMES+=("$NAME")
  FLAGS=()
  IFS='+' read -ra KV <<< "${RUN#"$PRESET"}"
  for kv in "${KV[@]}"; do [ -n "$kv" ] && FLAGS+=("--config.$kv"); done
  # shellcheck disable=SC2086
  timeout -s TERM "$SECONDS_LIMIT" "$PY" experiments/train.py \
    --config "experiments/configs/${TASK}.py:${PRESET}" --workdir "$OUT/$NAME" \
    --config.data_dir="$DATA_DIR" --config.progress_bar=False --config.keep_checkpoints=1 \
    "${FLAGS[@]}" ${EXTRA_FLAGS:-} > "$OUT/$NAME.log" 2>&1 &
done
wait
for NAME in "${NAMES[@]}"; do
  echo "== $NAME"; grep -E "test accuracy|resumed|parameters|error|stopped" "$OUT/$NAME.log" | tail -4
done
