"""How much a decoder that knows only each target's position could gain on MNIST: the entropy of a
pixel's value over all locations against its mean over locations (20,000 training images).

  PYTHONPATH=. python docs/results/session6/cpu/pixel_entropy.py DATA_DIR   # mnist prepared there
"""
import sys

import numpy as np

from rnn_aux.data import pipeline, tasks


def entropy(values):
  p = np.bincount(values, minlength=256) / len(values)
  p = p[p > 0]
  return float(-(p * np.log(p)).sum())


task = tasks.get_task("mnist")
source = pipeline.ExampleRange(pipeline.load_source(task, "train", sys.argv[1]), 0, 20000)
loader = pipeline.SequenceLoader(task, source, global_batch_size=500, shuffle=False,
                                 drop_remainder=False)
tokens = np.concatenate([b.tokens[:, :, 0] for b in loader.epoch_batches()])
print(f"entropy of a pixel's value, all locations: {entropy(tokens.ravel()):.3f} nats")
print(f"mean over locations of the entropy at one location: "
      f"{np.mean([entropy(tokens[:, i]) for i in range(tokens.shape[1])]):.3f} nats")
