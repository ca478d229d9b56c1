"""Where numbers go: TensorBoard event files, the console, and ``results.json``."""
from __future__ import annotations

import json
import os

import numpy as np


class MetricWriter:
  """Scalars to TensorBoard (tensorboardX; no TensorFlow needed) under ``workdir/tb``."""

  def __init__(self, workdir: str, enabled: bool = True):
    self._writer = None
    if enabled:
      from tensorboardX import SummaryWriter
      self._writer = SummaryWriter(os.path.join(workdir, "tb"))

  def scalars(self, step: int, values: dict) -> None:
    if self._writer is None:
      return
    for k, v in values.items():
      self._writer.add_scalar(k, float(np.asarray(v)), step)
    self._writer.flush()

  def close(self):
    if self._writer is not None:
      self._writer.close()


def run_accuracy(evaluation: dict, run: int) -> float:
  """Run ``run``'s accuracy in one evaluation of ``results.json``'s history (or its
  ``validation`` / ``train_subset`` part): packed runs' own under ``runs``, else the one run's."""
  return evaluation["runs"][run]["accuracy"] if evaluation.get("runs") else evaluation["accuracy"]


def write_json_atomic(path: str, obj) -> None:
  tmp = path + ".tmp"
  with open(tmp, "w") as f:
    json.dump(obj, f, indent=1, sort_keys=True, default=float)
  os.replace(tmp, path)
