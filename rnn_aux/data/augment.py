"""Training-time augmentation of image sequences (ours: the paper names none).

``"flip"`` mirrors each training image left-right with probability 1/2 before its pixels become
the sequence. The draw depends only on the loader's seed and position (epoch, step): a resumed
run sees the same flips, and each host of a multi-host run draws the whole global batch's flips
and keeps its own rows, so the run does not depend on the number of hosts.
"""
from __future__ import annotations

import numpy as np

from rnn_aux.data import tasks

AUGMENTS = ("none", "flip")
_STREAM = 0x666C6970  # keeps the flips' random stream apart from the epoch order's


def check(task: tasks.Task, augment: str) -> None:
  """One-line ValueError unless ``augment`` can apply to ``task``."""
  if augment not in AUGMENTS:
    raise ValueError(f"augment={augment!r}: choose one of {', '.join(AUGMENTS)}")
  if augment == "flip" and (task.kind != "image" or task.permute):
    what = "permuted" if task.permute else f"a {task.kind} task"
    raise ValueError(f"augment='flip' mirrors images in pixel order, and {task.name} is {what}; "
                     "set --config.augment=none")


def flip_left_right(tokens_BxTxC: np.ndarray, side: int, flip_B: np.ndarray) -> np.ndarray:
  """Rows of ``side x side`` images in row-major pixel order, those with ``flip_B`` mirrored."""
  b, t, c = tokens_BxTxC.shape
  if t != side * side or flip_B.shape != (b,):
    raise ValueError(f"flip_left_right: tokens {tokens_BxTxC.shape} and flips {flip_B.shape} do "
                     f"not hold {side}x{side} images")
  images = tokens_BxTxC.reshape(b, side, side, c)
  return np.where(flip_B[:, None, None, None], images[:, :, ::-1], images).reshape(b, t, c)


def flips(seed: int, epoch: int, step: int, global_batch_size: int, rows: slice) -> np.ndarray:
  """Which rows of the global batch at ``(epoch, step)`` are mirrored (this host's ``rows``)."""
  rng = np.random.default_rng([seed, epoch, step, _STREAM])
  return (rng.random(global_batch_size) < 0.5)[rows]
