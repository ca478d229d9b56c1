#!/usr/bin/env bash
# Session 10, CPU (2 cores, about 2 minutes): the memory probe and the decoder's use of the state for
# session 10's CIFAR-10 r-LSTM runs with the one-layer 128-unit decoder (t300 at 100 epochs, full at
# 33), to set beside session 9's LSTM full and t300 (docs/results/session9/cpu/). Needs the
# checkpoints of the driver's `stop` (CKPT_FIRST: these two come first), untarred into CKPT_ROOT,
# and cifar10_jpeg_lossy 1.1.0.
#   bash docs/results/session10/cpu/inspect_session10.sh CKPT_ROOT DATA_DIR
# Writes CKPT_ROOT/WORKDIR/inspect.json (copied here as inspect_WORKDIR.json); packed workdirs: run 0.
set -euo pipefail
ROOT="$1"; DATA="$2"; HERE="$(dirname "$0")"
for wd in cifar_rlstm_t300_decoder_128_100_epochs_seeds_0_2 cifar_rlstm_full_decoder_128_seeds_0_2; do
  echo "== $wd"
  JAX_PLATFORMS=cpu python experiments/inspect_run.py --workdir "$ROOT/$wd" --data_dir "$DATA" \
    --examples 64 --probe_examples 1000 2>&1 | grep -E "^(head|final|loss|reconstruction|probe)"
  cp "$ROOT/$wd/inspect.json" "$HERE/inspect_$wd.json"
done
