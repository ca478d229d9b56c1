"""Prepare a dataset into a TFDS data dir from local files (no network).

  python -m rnn_aux.data.prepare --dataset mnist --data_dir ~/tensorflow_datasets
  python -m rnn_aux.data.prepare --dataset cifar10 --manual_dir DIR   # DIR/cifar-10-batches-py
  python -m rnn_aux.data.prepare --dataset dbpedia --manual_dir DIR   # DIR/dbpedia_csv/*.csv

With a network, the TFDS catalog datasets need no preparing: train with ``config.data.source=catalog``.
"""
import os
import sys

from absl import app, flags

from rnn_aux.data import builders, tasks

_DATASET = flags.DEFINE_string("dataset", "mnist", f"one of: {', '.join(sorted(tasks.TASKS))}")
_DATA_DIR = flags.DEFINE_string("data_dir", os.environ.get("TFDS_DATA_DIR", "~/tensorflow_datasets"),
                                "TFDS data dir to prepare into")
_MANUAL_DIR = flags.DEFINE_string("manual_dir", None, "directory holding the original files")


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments {argv[1:]}")
  try:
    name = builders.prepare(_DATASET.value, os.path.expanduser(_DATA_DIR.value), _MANUAL_DIR.value)
  except (ValueError, FileNotFoundError) as e:
    sys.exit(f"error: {e}")
  print(f"prepared {name} in {_DATA_DIR.value}")


if __name__ == "__main__":
  app.run(main)
