"""Prepare a dataset into a TFDS data dir from local files (no network).

  python -m rnn_aux.data.prepare --dataset mnist --data_dir ~/tensorflow_datasets
  python -m rnn_aux.data.prepare --dataset cifar10 --manual_dir DIR   # DIR/cifar-10-batches-py
  python -m rnn_aux.data.prepare --dataset dbpedia --manual_dir DIR   # DIR/dbpedia_csv/*.csv
  python -m rnn_aux.data.prepare --dataset mnist --again   # anew, over a damaged copy

With a network, the TFDS catalog datasets need no preparing: train with ``config.data_source=catalog``.
A user's dataset (BUILD.md) is checked, and a ``tfds:`` one downloaded (needs a network), by

  python -m rnn_aux.data.prepare --dataset npz:/path/data.npz
  python -m rnn_aux.data.prepare --dataset tfds:oxford_flowers102@64 --data_dir DIR
"""
import os
import sys

from absl import app, flags

from rnn_aux.data import pipeline, tasks

_DATASET = flags.DEFINE_string("dataset", "mnist", f"one of: {', '.join(sorted(tasks.TASKS))}, "
                               "npz:PATH, tfds:NAME@SIDE")
_DATA_DIR = flags.DEFINE_string("data_dir", os.environ.get("TFDS_DATA_DIR", "~/tensorflow_datasets"),
                                "TFDS data dir to prepare into")
_MANUAL_DIR = flags.DEFINE_string("manual_dir", None, "directory holding the original files")
_AGAIN = flags.DEFINE_bool("again", False, "build a prepared dataset anew (its files damaged); "
                          "the old copy stays until the new one is complete")


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments {argv[1:]}")
  data_dir = os.path.expanduser(_DATA_DIR.value)
  try:
    if _DATASET.value.startswith((tasks.NPZ_PREFIX, tasks.TFDS_PREFIX)):
      task = tasks.get_task(_DATASET.value, data_dir)
      train, test = (len(pipeline.load_source(task, split, data_dir, "auto"))
                     for split in ("train", "test"))
      print(f"{task.name}: {train} train and {test} test sequences of {task.seq_len} steps x "
            f"{task.channels} channels, vocabulary {task.vocab_size}, {task.num_classes} classes")
      return
    from rnn_aux.data import builders  # imports tfds: a broken install is one line, below
    name = builders.prepare(_DATASET.value, data_dir, _MANUAL_DIR.value, again=_AGAIN.value)
  except (ValueError, FileNotFoundError, RuntimeError) as e:
    sys.exit(f"error: {e}")
  print(f"prepared {name} in {_DATA_DIR.value}")


if __name__ == "__main__":
  app.run(main)
