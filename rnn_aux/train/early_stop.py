"""Early stopping on the validation split (ours: the paper trains a fixed number of epochs).

A run stops once no run of its pack has raised its validation accuracy for ``patience`` epochs.
Only evaluations after auxiliary-only pretraining count (the head is untrained before). The
decision reads nothing but the evaluation history, which checkpoints hold, so a resumed run stops
where an uninterrupted one would, and every process of a multi-host run decides alike. The
learning-rate schedule stays the one over all planned steps: a stopped run's every step equals
the same step of the run that went on.
"""
from __future__ import annotations

from rnn_aux.train import metrics


def best_epochs(history: list, *, after_epoch: float) -> list:
  """Per packed run, the epoch of its best validation accuracy after ``after_epoch`` (the first
  of equals); empty when no such evaluation has a validation result."""
  entries = [e for e in history if e["epoch"] > after_epoch and e.get("validation")]
  if not entries:
    return []
  n = len(entries[-1]["validation"].get("runs") or [None])
  return [max(entries, key=lambda e: (metrics.run_accuracy(e["validation"], r),
                                      -e["epoch"]))["epoch"]
          for r in range(n)]


def patience_exhausted(history: list, *, after_epoch: float, patience: int) -> bool:
  """Whether every run's best validation accuracy is ``patience`` or more epochs old."""
  if patience <= 0:
    return False
  best = best_epochs(history, after_epoch=after_epoch)
  return bool(best) and history[-1]["epoch"] - max(best) >= patience
