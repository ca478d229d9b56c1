#!/usr/bin/env bash
# Several Table 2 rows at once on the GPUs of one host (each run is small: B=128, H=128 uses a
# fraction of an H100), each stopped by SIGTERM after SECONDS (it checkpoints; start it again to
# continue). With several GPUs the runs are dealt out round-robin, one GPU each (run i on GPU
# i mod n): independent groups, no communication. GPUS="0,2" picks the GPUs; default: all that
# nvidia-smi lists (none listed: the runs see whatever devices JAX finds).
#   bash launch/reproduce_gpu.sh TASK SECONDS DATA_DIR OUT_DIR RUN [RUN ...]
# RUN is a preset, optionally with config overrides joined by '+', and optionally another task
# than TASK before a ':':
#   rlstm_t300   or   rlstm_t300+optimizer=adam+model.recurrence=fused   or   mnist:lstm_t300
# Overrides for every run of this call, not part of the run names (so a resume with the same names
# finds its workdirs): OVERRIDES="optimizer=adam+validation_examples=5000" ('+'-joined, as in RUN),
# or raw flags: EXTRA_FLAGS="--config.model.recurrence=fused".
# Writes OUT_DIR/<task>_<run>/ workdirs and OUT_DIR/<task>_<run>.log (run name: '+' and '=' -> '_').
#
# CUDA MPS: separate processes on one GPU take turns on it without MPS, and run side by side with
# it (benchmarks/RESULTS.md measures both). If nvidia-cuda-mps-control exists and no daemon runs,
# this script starts one, says so, and stops it when its runs end (also on SIGTERM/SIGINT, which
# it passes on to the runs: they checkpoint and exit). A daemon it did not start is left alone.
# NO_MPS=1 skips MPS. The daemon lives as long as this script: to keep runs going between shell
# sessions, start the whole script detached (setsid bash launch/reproduce_gpu.sh ... &) and stop it
# with kill -TERM <its pid>.
set -uo pipefail
cd "$(dirname "$0")/.."
TASK="$1"; SECONDS_LIMIT="$2"; DATA_DIR="$3"; OUT="$4"; shift 4
PY="${PYTHON:-python3}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # this checkout's rnn_aux, installed or not
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export XLA_PYTHON_CLIENT_MEM_FRACTION="${XLA_PYTHON_CLIENT_MEM_FRACTION:-0.2}"
mkdir -p "$OUT"

MPS_STARTED=0
stop_mps() {
  if [ "$MPS_STARTED" = 1 ]; then
    echo quit | nvidia-cuda-mps-control && echo "MPS: stopped the daemon this script started"
    MPS_STARTED=0
  fi
}
if [ "${NO_MPS:-0}" != 1 ] && command -v nvidia-cuda-mps-control > /dev/null; then
  # A process name is cut to 15 characters: "nvidia-cuda-mps" is the control daemon or a server.
  if pgrep -x nvidia-cuda-mps > /dev/null; then
    echo "MPS: a daemon is already running; using it, leaving it running"
  elif nvidia-cuda-mps-control -d; then
    MPS_STARTED=1
    echo "MPS: started nvidia-cuda-mps-control -d; will stop it when the runs end"
  else
    echo "MPS: could not start the daemon; the runs will time-slice the GPU"
  fi
else
  echo "MPS: not used (NO_MPS=1 or no nvidia-cuda-mps-control); the runs time-slice the GPU"
fi
trap stop_mps EXIT

COMMON=()
IFS='+' read -ra KV <<< "${OVERRIDES:-}"
for kv in "${KV[@]}"; do [ -n "$kv" ] && COMMON+=("--config.$kv"); done

if [ -z "${GPUS+x}" ]; then
  GPUS="$(nvidia-smi --query-gpu=index --format=csv,noheader 2> /dev/null | paste -sd, -)"
fi
IFS=',' read -ra GPU_LIST <<< "$GPUS"
[ "${#GPU_LIST[@]}" -gt 0 ] && echo "GPUs: ${GPU_LIST[*]} (runs dealt out round-robin)"

NAMES=(); PIDS=(); I=0
for SPEC in "$@"; do
  RUN_TASK="$TASK"; RUN="$SPEC"
  case "${SPEC%%+*}" in *:*) RUN_TASK="${SPEC%%:*}"; RUN="${SPEC#*:}" ;; esac
  PRESET="${RUN%%+*}"
  NAME="${RUN_TASK}_$(echo "$RUN" | tr '+=' '__')"
  NAMES+=("$NAME")
  FLAGS=()
  IFS='+' read -ra KV <<< "${RUN#"$PRESET"}"
  for kv in "${KV[@]}"; do [ -n "$kv" ] && FLAGS+=("--config.$kv"); done
  GPU=""; ON_GPU=()
  if [ "${#GPU_LIST[@]}" -gt 0 ]; then
    GPU="${GPU_LIST[$(( I % ${#GPU_LIST[@]} ))]}"; ON_GPU=("CUDA_VISIBLE_DEVICES=$GPU")
  fi
  I=$(( I + 1 ))
  # shellcheck disable=SC2086
  env "${ON_GPU[@]}" timeout -s TERM "$SECONDS_LIMIT" "$PY" experiments/train.py \
    --config "experiments/configs/paper.py:${RUN_TASK},${PRESET}" --workdir "$OUT/$NAME" \
    --config.data_dir="$DATA_DIR" --config.progress_bar=False --config.keep_checkpoints=1 \
    "${COMMON[@]}" "${FLAGS[@]}" ${EXTRA_FLAGS:-} > "$OUT/$NAME.log" 2>&1 &
  PIDS+=("$!")
  echo "started $NAME (pid $!${GPU:+, GPU $GPU})"
done
# SIGTERM/SIGINT: pass TERM on (timeout forwards it to the run, which checkpoints and exits).
trap 'echo "signal: stopping the runs"; kill -TERM "${PIDS[@]}" 2> /dev/null' TERM INT
# Exit status: 1 if a run failed (a time limit or a signal that it obeyed is not a failure).
FAILED=0
for i in "${!PIDS[@]}"; do
  while true; do  # a trapped signal ends `wait` early: wait again while the run lives
    wait "${PIDS[$i]}"; RC=$?
    kill -0 "${PIDS[$i]}" 2> /dev/null || break
  done
  case "$RC" in 0|124|143) ;; *) FAILED=1 ;; esac
  echo "== ${NAMES[$i]} (exit $RC)"
  grep -E "test accuracy|resumed|parameters|error|stopped" "$OUT/${NAMES[$i]}.log" | tail -4
done
exit "$FAILED"
