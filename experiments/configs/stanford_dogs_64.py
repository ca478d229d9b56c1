"""Stanford Dogs at 64x64: 4096 steps of one RGB pixel, 120 classes.

Run one row of the paper's Table 2 (presets: lstm_full, lstm_t300, rlstm_t300, plstm_t300,
rlstm_full, plstm_full, transformer; quick and smoke are short CPU runs):

  python experiments/train.py --config experiments/configs/stanford_dogs_64.py:rlstm_t300 \
      --workdir workdirs/stanford_dogs_64_rlstm_t300 [--config.data_dir=DIR] [--config.batch_size=256]
"""
from experiments.configs import common


def get_config(preset: str = "rlstm_t300"):
  return common.make("stanford_dogs_64", preset, pretrain_epochs=20)
