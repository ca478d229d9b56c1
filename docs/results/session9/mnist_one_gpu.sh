#!/usr/bin/env bash
# One call on a one-GPU machine, run from the repo root there (carry .carry/wheels and
# .carry/mnistshim): install the wheels, prepare MNIST offline, train one packed MNIST r-LSTM t300
# run for at most LIMIT seconds (SIGTERM then: it checkpoints and exits), and put its log, config
# and results (no checkpoints) into $OUT/run.tgz.
#   bash docs/results/session9/mnist_one_gpu.sh NAME [FLAGS...]
# Session 9: NAME=mnist_rlstm_t300_no_teacher_forcing_decoder_128_aux_weight_1_3_10 with
#   --config.model.teacher_forcing=False --config.model.decoder_sizes="(128,)"
#   --config.runs.seeds="(0,0,0)" --config.runs.aux_weight="(1,3,10)"
# Knobs for a CPU dry run: NO_INSTALL=1, DATA (prepared MNIST), LIMIT (default 430), EXTRA.
set -uo pipefail
NAME="$1"; shift
SITE=/tmp/site; WD=/tmp/wd; DATA="${DATA:-/tmp/data}"; OUT="${OUT:-/tmp/out}"
export PYTHONPATH="$SITE:/tmp/mnistshim:$PWD" XLA_PYTHON_CLIENT_PREALLOCATE=false
if [ "${NO_INSTALL:-0}" != 1 ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target "$SITE" .carry/wheels/*.whl || exit 1
  rm -rf /tmp/mnistshim && cp -r .carry/mnistshim /tmp/mnistshim
  python3 -m rnn_aux.data.prepare --dataset mnist --data_dir "$DATA" 2>&1 | tail -1
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
fi
python3 -c "import jax, flax, optax; print('jax', jax.__version__, 'flax', flax.__version__, 'optax', optax.__version__, jax.devices())"
mkdir -p "$WD" "$OUT"
# shellcheck disable=SC2206
EXTRA_FLAGS=(${EXTRA:-})
timeout -s TERM -k 60 "${LIMIT:-430}" python3 experiments/train.py \
  --config experiments/configs/paper.py:mnist,rlstm_t300 --workdir "$WD/$NAME" \
  --config.data_dir="$DATA" --config.progress_bar=False --config.keep_checkpoints=1 \
  --config.validation_examples=5000 --config.model.recurrence=fused --config.optimizer=adam \
  --config.lr_schedule=cosine --config.pretrain_epochs=3 --config.train_epochs=30 \
  "$@" "${EXTRA_FLAGS[@]}" > "$WD/$NAME.log" 2>&1
echo "exit $? at $(date +%T)"
grep -E "epoch|Error|error" "$WD/$NAME.log" | tail -4 | cut -c1-300
cp "$WD/$NAME.log" "$WD/$NAME/train.log"
tar -C "$WD" -czf "$OUT/run.tgz" --exclude=checkpoints -- "$NAME"
