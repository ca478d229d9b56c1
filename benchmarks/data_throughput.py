"""Batches/s and sequences/s of the MNIST and CIFAR-10 pipelines on this machine (CPU only).

  python benchmarks/data_throughput.py --data_dir /tmp/tfds [--datasets mnist,cifar10_jpeg_lossy]

Each dataset must be prepared first (python -m rnn_aux.data.prepare). Prints a JSON line each.
"""
import json
import time

from absl import app, flags

from rnn_aux.data import pipeline, tasks

_DATA_DIR = flags.DEFINE_string("data_dir", None, "TFDS data dir", required=True)
_DATASETS = flags.DEFINE_list("datasets", ["mnist", "cifar10_jpeg_lossy"], "tasks to time")
_BATCH = flags.DEFINE_integer("batch_size", 128, "global batch size")
_STEPS = flags.DEFINE_integer("steps", 2000, "batches to time")


def main(_):
  for name in _DATASETS.value:
    task = tasks.get_task(name)
    t0 = time.perf_counter()
    loader = pipeline.SequenceLoader(task, pipeline.load_source(task, "train", _DATA_DIR.value),
                                     global_batch_size=_BATCH.value)
    startup = time.perf_counter() - t0
    next(loader)
    t0 = time.perf_counter()
    for _ in range(_STEPS.value):
      next(loader)
    dt = time.perf_counter() - t0
    print(json.dumps({"dataset": name, "batch_size": _BATCH.value, "startup_s": round(startup, 2),
                      "batches_per_s": round(_STEPS.value / dt, 1),
                      "sequences_per_s": round(_STEPS.value * _BATCH.value / dt)}))


if __name__ == "__main__":
  app.run(main)
