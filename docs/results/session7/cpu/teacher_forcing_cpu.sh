#!/usr/bin/env bash
# Session 7, CPU (2 cores): does dropping teacher forcing make the r-LSTM decoder read the anchor
# state, and the main LSTM's state hold more of the past? CIFAR-10 (cifar10_jpeg_lossy 1.1.0) at
# the `quick` preset's size (64 units, decoder 1x64, l=100), 6,400 training images, 3 epochs,
# horizon 300 and 0, with and without teacher forcing; then inspect_run.py on each.
#   bash docs/results/session7/cpu/teacher_forcing_cpu.sh DATA_DIR OUT_DIR
set -euo pipefail
DATA="$1"; OUT="$2"
for tf in True False; do
  for h in 300 0; do
    wd="$OUT/cifar_quick_h${h}_tf_${tf}"
    python experiments/train.py --config experiments/configs/paper.py:cifar10_jpeg_lossy,quick \
      --workdir "$wd" --config.data_dir="$DATA" --config.progress_bar=False \
      --config.train_examples=6400 --config.validation_examples=2000 --config.eval_examples=2000 \
      --config.train_epochs=3 --config.model.horizon="$h" --config.model.teacher_forcing="$tf" \
      2>&1 | grep -E "accuracy|rror" | tail -2
    python experiments/inspect_run.py --workdir "$wd" --data_dir "$DATA" --examples 64 \
      --probe_examples 1000 2>&1 | grep -E "^(reconstruction|probe)"
  done
done
