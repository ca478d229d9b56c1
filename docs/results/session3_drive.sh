#!/usr/bin/env bash
# Session-3 driver on the device machine (run from the repo root there).
#   bash .carry/drive.sh start SECS RUN...   install, prepare MNIST, restore .carry/ckpt/*, start the
#                                           launcher detached (setsid: survives this command, MPS
#                                           stays up as long as the launcher), watch SECS seconds
#   bash .carry/drive.sh poll SECS           watch SECS seconds, print progress
#   bash .carry/drive.sh stop                SIGTERM the launcher (runs checkpoint, exit; MPS stops),
#                                           pack each workdir (+ its log) into $OUT as <name>.tgz.part-xx
set -uo pipefail
WD=/tmp/wd; DATA=/tmp/data
CMD="$1"; shift
progress() {
  for f in "$WD"/*.log; do
    [ -e "$f" ] || continue
    echo "-- $(basename "$f"): $(grep -c 'epoch' "$f") epoch lines"
    grep -E "epoch|resum|parameters|Error|error|stopped|Traceback" "$f" | tail -3
  done
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader
}
watch() {
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    if ! kill -0 "$(cat $WD/launcher.pid)" 2> /dev/null; then echo "launcher exited"; break; fi
    sleep 15
  done
  date; progress; tail -5 "$WD/launcher.log"
}
case "$CMD" in
  start)
    SECS="$1"; shift
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
      --target /tmp/site .carry/wheels/*.whl || exit 1
    nvidia-smi; python3 -c "import jax, flax, optax, orbax.checkpoint as o; print('jax', jax.__version__, 'flax', flax.__version__, 'optax', optax.__version__, jax.devices())"
    export PYTHONPATH=/tmp/site:$PWD/.carry/mnistshim
    mkdir -p "$WD"
    for t in .carry/ckpt/*.tgz.part-aa; do
      [ -e "$t" ] || continue
      cat "${t%-aa}"-* | tar -xzf - -C "$WD" && echo "restored ${t%.tgz.part-aa}"
    done
    ls -la "$WD"
    (cd .carry/gpu && python3 -m rnn_aux.data.prepare --dataset mnist --data_dir "$DATA" 2>&1 | tail -1) || exit 1
    cd .carry/gpu
    setsid nohup bash launch/reproduce_gpu.sh mnist 100000 "$DATA" "$WD" "$@" \
      > "$WD/launcher.log" 2>&1 < /dev/null &
    echo $! > "$WD/launcher.pid"
    echo "launcher pid $(cat $WD/launcher.pid)"
    watch "$SECS" ;;
  poll)
    watch "$1" ;;
  stop)
    kill -TERM "$(cat $WD/launcher.pid)"
    for i in $(seq 120); do kill -0 "$(cat $WD/launcher.pid)" 2> /dev/null || break; sleep 1; done
    cat "$WD/launcher.log"; progress
    for f in "$WD"/*.log; do
      n=$(basename "$f" .log); [ -d "$WD/$n" ] || continue
      cp "$f" "$WD/$n/train.log"
      du -sh "$WD/$n" "$WD/$n/checkpoints"
      tar -C "$WD" -czf - "$n" | split -b 15m - "$OUT/$n.tgz.part-"
    done
    ls -la "$OUT" ;;
esac
