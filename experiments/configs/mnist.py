"""pixel MNIST: 784 steps of 1 grey value, 10 classes.

Run one row of the paper's Table 2 (presets: lstm_full, lstm_t300, rlstm_t300, plstm_t300,
rlstm_full, plstm_full, transformer; quick and smoke are short CPU runs):

  python experiments/train.py --config experiments/configs/mnist.py:rlstm_t300 \
      --workdir workdirs/mnist_rlstm_t300 [--config.data_dir=DIR] [--config.batch_size=256]
"""
from experiments.configs import common


def get_config(preset: str = "rlstm_t300"):
  return common.make("mnist", preset)
