"""CIFAR-10 decoded from JPEG (LOSSY, not bit-exact; say so with any result).

Run one row of the paper's Table 2 (presets: lstm_full, lstm_t300, rlstm_t300, plstm_t300,
rlstm_full, plstm_full, transformer; quick and smoke are short CPU runs):

  python experiments/train.py --config experiments/configs/cifar10_jpeg_lossy.py:rlstm_t300 \
      --workdir workdirs/cifar10_jpeg_lossy_rlstm_t300 [--config.data_dir=DIR] [--config.batch_size=256]
"""
from experiments.configs import common


def get_config(preset: str = "rlstm_t300"):
  return common.make("cifar10_jpeg_lossy", preset)
