"""permuted MNIST: MNIST's pixels in one fixed random order (seed in rnn_aux.data.tasks).

Run one row of the paper's Table 2 (presets: lstm_full, lstm_t300, rlstm_t300, plstm_t300,
rlstm_full, plstm_full, transformer; quick and smoke are short CPU runs):

  python experiments/train.py --config experiments/configs/pmnist.py:rlstm_t300 \
      --workdir workdirs/pmnist_rlstm_t300 [--config.data_dir=DIR] [--config.batch_size=256]
"""
from experiments.configs import common


def get_config(preset: str = "rlstm_t300"):
  return common.make("pmnist", preset)
