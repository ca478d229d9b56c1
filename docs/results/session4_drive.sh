#!/usr/bin/env bash
# Session-4 driver on the device machine (run from the repo root there; a copy of the checkout).
#   bash .carry/drive4.sh start SECS    install, prepare MNIST, start the runs detached (setsid),
#                                      then the packed-step bisection benchmark beside them, watch
#   bash .carry/drive4.sh poll SECS     watch, print progress
#   bash .carry/drive4.sh stop          SIGTERM everything (runs checkpoint and exit), pack to $OUT
set -uo pipefail
WD=/tmp/wd; DATA=/tmp/data
CMD="$1"; shift
export PYTHONPATH=/tmp/site:$PWD/.carry/mnistshim:$PWD
COMMON="validation_examples=5000+model.recurrence=fused+optimizer=adam+lr_schedule=cosine"
progress() {
  for f in "$WD"/*.log; do
    [ -e "$f" ] || continue
    echo "-- $(basename "$f"): $(grep -c 'epoch' "$f") epoch lines"
    grep -E "epoch|resum|Error|error|stopped|Traceback" "$f" | tail -2 | cut -c1-300
  done
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader
}
watch() {
  local end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    if ! kill -0 "$(cat $WD/launcher.pid)" 2> /dev/null; then echo "launcher exited"; break; fi
    sleep 15
  done
  date; progress
}
lstm_chain() {  # one process slot: the LSTM t300 runs one after another
  run() {  # NAME TASK EPOCHS FLAGS...
    local name="$1" task="$2" epochs="$3"; shift 3
    python3 experiments/train.py --config "experiments/configs/paper.py:$task,lstm_t300" \
      --workdir "$WD/$name" --config.data_dir="$DATA" --config.progress_bar=False \
      --config.keep_checkpoints=1 --config.validation_examples=5000 \
      --config.model.recurrence=fused --config.optimizer=adam --config.lr_schedule=cosine \
      --config.train_epochs="$epochs" "$@" > "$WD/$name.log" 2>&1
  }
  run pmnist_lstm_t300_seed_0 pmnist 40 --config.seed=0
  run pmnist_lstm_t300_seed_1 pmnist 40 --config.seed=1
  run mnist_lstm_t300_aligned mnist 20 --config.model.aligned_truncation=True
  run mnist_lstm_t300_window mnist 20
}
case "$CMD" in
  start)
    SECS="$1"
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
      --target /tmp/site .carry/wheels/*.whl || exit 1
    nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
    python3 -c "import jax, flax, optax; print('jax', jax.__version__, 'flax', flax.__version__, 'optax', optax.__version__, jax.devices())"
    git log --oneline -1 2>/dev/null
    mkdir -p "$WD"
    python3 -m rnn_aux.data.prepare --dataset mnist --data_dir "$DATA" 2>&1 | tail -1 || exit 1
    OVERRIDES="$COMMON+pretrain_epochs=3+train_epochs=26" setsid nohup bash launch/reproduce_gpu.sh \
      pmnist 100000 "$DATA" "$WD" rlstm_t300+seed=0 rlstm_t300+seed=1 \
      rlstm_t300+model.aux_min_inside=300 > "$WD/launcher.log" 2>&1 < /dev/null &
    echo $! > "$WD/launcher.pid"
    sleep 5  # the launcher starts MPS first
    export -f lstm_chain; export WD DATA
    setsid nohup bash -c lstm_chain > "$WD/chain.out" 2>&1 < /dev/null &
    echo $! > "$WD/chain.pid"
    cat "$WD/launcher.log"
    # Beside the runs (contended: ratios and HLO, not throughput figures)
    python3 benchmarks/packed_step_parts.py --recurrence fused --runs 1 \
      --parts encoder,decoder,step --steps 5 --hlo_dir /tmp/hlo > "$OUT/parts.jsonl" 2> /tmp/parts.err
    tail -3 /tmp/parts.err; cut -c1-600 "$OUT/parts.jsonl"
    tar -C /tmp -czf "$OUT/hlo.tgz" hlo; ls -la "$OUT"
    watch "$SECS" ;;
  restart)  # the runs that failed at start, beside the one running; MPS left up
    SECS="$1"; shift
    kill -KILL "$(cat $WD/launcher.pid)"  # no EXIT trap: the MPS daemon stays for the running run
    OVERRIDES="$COMMON+pretrain_epochs=3+train_epochs=26" setsid nohup bash launch/reproduce_gpu.sh \
      pmnist 100000 "$DATA" "$WD" "$@" > "$WD/launcher2.log" 2>&1 < /dev/null &
    echo $! > "$WD/launcher.pid"
    sleep 20; cat "$WD/launcher2.log"
    watch "$SECS" ;;
  poll)
    watch "$1" ;;
  bench)  # after stop: the packed-run table (issue 11), alone on the GPU
    for v in "$@"; do
      python3 benchmarks/packed_runs.py --recurrence fused --steps 10 ${v//+/ } 2>> /tmp/bench.err \
        | tee -a "$OUT/packed_runs.jsonl" | cut -c1-250
    done
    tail -2 /tmp/bench.err ;;
  stop)
    kill -TERM -- -"$(cat $WD/chain.pid)"; pkill -TERM -f experiments/train.py
    for i in $(seq 120); do pgrep -f experiments/train.py > /dev/null || break; sleep 1; done
    cat "$WD"/launcher*.log; progress
    cd "$WD"
    for n in */; do n=${n%/}; [ -f "$n.log" ] && cp "$n.log" "$n/train.log"; done
    tar -czf "$OUT/runs.tgz" --exclude=checkpoints --exclude=corrupt_checkpoints */
    tar -czf - */checkpoints | split -b 15m - "$OUT/ckpt.tgz.part-"
    ls -la "$OUT" ;;
esac
