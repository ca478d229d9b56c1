"""Batches/s and sequences/s of the data pipelines on this machine (CPU only).

  python benchmarks/data_throughput.py --data_dir /tmp/tfds [--datasets mnist,cifar10_jpeg_lossy]
  python benchmarks/data_throughput.py --data_dir /tmp/tfds --datasets mnist --loader grain

``--datasets`` takes any task name (``mnist``, ``npz:PATH``, ``tfds:NAME@SIDE``); the paper's tasks
must be prepared first (python -m rnn_aux.data.prepare). ``--loader``: ``ours``
(``pipeline.SequenceLoader``) or ``grain`` (``grain.MapDataset`` over the same data source:
shuffle, batch, the same conversion to sequences; needs ``pip install grain``), ``grain_cached``
(grain over the split already in memory, as ours reads it). Prints a JSON line each.
"""
import json
import time

import numpy as np
from absl import app, flags

from rnn_aux.data import arrays, pipeline, tasks

_DATA_DIR = flags.DEFINE_string("data_dir", None, "TFDS data dir", required=True)
_DATASETS = flags.DEFINE_list("datasets", ["mnist", "cifar10_jpeg_lossy"], "tasks to time")
_BATCH = flags.DEFINE_integer("batch_size", 128, "global batch size")
_STEPS = flags.DEFINE_integer("steps", 2000, "batches to time")
_LOADER = flags.DEFINE_enum("loader", "ours", ["ours", "grain", "grain_cached"], "loader to time")


def grain_loader(task, source, batch_size, seed=0, process_index=0, process_count=1):
  """The nearest grain pipeline to SequenceLoader: a new shuffle each epoch, this host's slice."""
  import grain
  ds = (grain.MapDataset.source(source).shuffle(seed=seed).repeat()
        [process_index::process_count]
        .batch(batch_size // process_count, drop_remainder=True)
        .map(lambda rows: pipeline.Batch(*tasks.to_sequences(task, rows),
                                         np.ones(len(rows["label"]), np.float32))))
  return iter(ds.to_iter_dataset())


def main(_):
  for name in _DATASETS.value:
    t0 = time.perf_counter()
    task = tasks.get_task(name, _DATA_DIR.value)
    source = pipeline.load_source(task, "train", _DATA_DIR.value)
    if _LOADER.value == "ours":
      loader = pipeline.SequenceLoader(task, source, global_batch_size=_BATCH.value)
    else:
      if _LOADER.value == "grain_cached":  # the split in memory, read as rows like ours caches it
        source = arrays.ArraySource(pipeline.get_columns(source, np.arange(len(source))))
      loader = grain_loader(task, source, _BATCH.value)
    startup = time.perf_counter() - t0
    next(loader)
    t0 = time.perf_counter()
    for _ in range(_STEPS.value):
      next(loader)
    dt = time.perf_counter() - t0
    print(json.dumps({"dataset": name, "loader": _LOADER.value, "batch_size": _BATCH.value,
                      "startup_s": round(startup, 2), "batches_per_s": round(_STEPS.value / dt, 1),
                      "sequences_per_s": round(_STEPS.value * _BATCH.value / dt)}))


if __name__ == "__main__":
  app.run(main)
