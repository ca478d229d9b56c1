"""The training config and the workdir, checked before any work starts: one-line errors that name
the field and what it takes, instead of a failure minutes later or deep inside JAX."""
from __future__ import annotations

import os

from rnn_aux import validation
from rnn_aux.data import augment, pipeline
from rnn_aux.train import step as step_lib

_POSITIVE_INTS = ("batch_size", "eval_batch_size", "log_every_steps", "checkpoint_every_steps",
                  "keep_checkpoints")
_NON_NEGATIVE_INTS = ("train_examples", "eval_examples", "validation_examples", "max_steps",
                      "pretrain_epochs", "train_epochs", "warmup_steps", "seed",
                      "train_eval_examples", "early_stop_epochs")
_NON_NEGATIVE_FLOATS = ("clip_norm", "aux_weight", "final_lr_fraction", "weight_decay")


def check_config(config) -> None:
  """Raise a one-line ValueError for the first bad value of ``config`` (a ConfigDict)."""
  for name in _POSITIVE_INTS:
    if name in config and not (validation.is_count(config[name]) and config[name] >= 1):
      raise ValueError(f"{name} must be an int >= 1, got {config[name]!r}")
  for name in _NON_NEGATIVE_INTS:
    if name in config and not (validation.is_count(config[name]) and config[name] >= 0):
      raise ValueError(f"{name} must be an int >= 0 (0: {'none' if name != 'seed' else 'seed 0'})"
                       f", got {config[name]!r}")
  for name in _NON_NEGATIVE_FLOATS:
    if name in config and not (isinstance(config[name], (int, float)) and config[name] >= 0):
      raise ValueError(f"{name} must be a number >= 0, got {config[name]!r}")
  if not (isinstance(config.learning_rate, (int, float)) and config.learning_rate > 0):
    raise ValueError(f"learning_rate must be a number > 0, got {config.learning_rate!r}")
  choices = {"optimizer": tuple(step_lib.OPTIMIZERS), "lr_schedule": step_lib.SCHEDULES,
             "data_source": pipeline.SOURCES, "augment": augment.AUGMENTS}
  for name, allowed in choices.items():
    if name in config and config[name] not in allowed:
      raise ValueError(f"{name}={config[name]!r}: choose one of {', '.join(allowed)}")
  if config.get("early_stop_epochs") and not config.get("validation_examples"):
    raise ValueError(f"early_stop_epochs={config.early_stop_epochs} stops on the validation split, "
                     "and there is none; set --config.validation_examples=N")
  decays = {f"weight_decay={config.get('weight_decay')}": config.get("weight_decay"),
            "runs.weight_decay": (config.get("runs") or {}).get("weight_decay")}
  for what, decay in decays.items():
    if decay and config.optimizer != "adamw":
      raise ValueError(f"{what} applies to optimizer=adamw only (optimizer={config.optimizer}); "
                       "set --config.optimizer=adamw")


def check_workdir(workdir: str) -> None:
  """The workdir must be a directory this process can write (made if missing)."""
  if os.path.exists(workdir) and not os.path.isdir(workdir):
    raise ValueError(f"workdir {workdir} is a file, not a directory; pass another --workdir")
  try:
    os.makedirs(workdir, exist_ok=True)
  except OSError as e:
    raise ValueError(f"cannot create workdir {workdir} ({e.strerror}); pass a --workdir you can "
                     "write") from None
  if not os.access(workdir, os.W_OK | os.X_OK):
    raise ValueError(f"workdir {workdir} is not writable; pass a --workdir you can write")
