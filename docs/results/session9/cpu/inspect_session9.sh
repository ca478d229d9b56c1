#!/usr/bin/env bash
# Session 9, CPU (2 cores, about 2 minutes): what the final state of session 9's CIFAR-10 runs holds
# of the past (the memory probe) and, for the r-LSTM, how much its decoder takes from the anchor's
# state. Needs the runs' checkpoints (the first three parts the driver's `stop` brought back:
# LSTM full and t300, p-LSTM t300 seed 1, r-LSTM full; untar them into CKPT_ROOT beside each
# workdir's config.json and results.json from docs/results/session9/) and cifar10_jpeg_lossy 1.1.0.
#   bash docs/results/session9/cpu/inspect_session9.sh CKPT_ROOT DATA_DIR
# Writes CKPT_ROOT/WORKDIR/inspect.json (copied here as inspect_WORKDIR.json); packed workdirs: run 0.
set -euo pipefail
ROOT="$1"; DATA="$2"
for wd in cifar_rlstm_full_aux_weight_3_seed_0 cifar_lstm_full_33_epochs_seeds_0_2 \
          cifar_lstm_t300_33_epochs_seeds_0_2 cifar_plstm_t300_seed_1; do
  echo "== $wd"
  JAX_PLATFORMS=cpu python experiments/inspect_run.py --workdir "$ROOT/$wd" --data_dir "$DATA" \
    --examples 64 --probe_examples 1000 2>&1 | grep -E "^(head|final|loss|reconstruction|probe)"
done
