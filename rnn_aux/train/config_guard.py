"""One workdir, one run: ``config.json`` is written by the first run and checked on every resume;
each checkpoint also holds the config that made it, checked when it is restored (so a lost or
replaced ``config.json`` cannot mix two runs).

Saved configs from before a field existed are read as that run ran (:func:`with_legacy_values`):
fields added since get the value the old code used, and fields that moved out of a model's section
(the Transformer's sizes once sat beside the LSTM's) are dropped.
"""
from __future__ import annotations

import json
import os

# Fields that may change when resuming (they do not change what is computed).
RESUMABLE_FIELDS = ("log_every_steps", "checkpoint_every_steps", "keep_checkpoints", "progress_bar",
                    "data_dir", "train_eval_examples", "early_stop_epochs")
# Fields added after runs existed: a saved config without one ran as this value says.
LEGACY_VALUES = {"validation_examples": 0, "lr_schedule": "constant", "warmup_steps": 0,
                 "decay_fractions": [0.5, 0.75], "decay_factor": 0.1, "final_lr_fraction": 0.0,
                 "weight_decay": 0.0, "augment": "none", "early_stop_epochs": 0,
                 "train_eval_examples": 0,
                 "runs": {"seeds": [], "learning_rate": [], "aux_weight": [], "weight_decay": []}}
LEGACY_MODEL_VALUES = {"lstm": {"recurrence": "scan", "head_activation": "relu", "cell": "lstm",
                                "aligned_truncation": False, "aux_min_inside": None,
                                "decoder_recurrence": None, "head_dropout": 0.0,
                                "input_embedding": True, "reset_at_truncation": False,
                                "aux_positions": False},
                       "transformer": {"head_activation": "relu", "attention": "flax"}}
# Fields of one model that configs once held in the other model's section.
_TRANSFORMER_ONLY = ("model_dim", "num_heads", "mlp_dim", "num_layers", "dropout")
_LSTM_ONLY = ("embed_dim", "hidden_sizes", "horizon", "aux", "aux_length", "aux_horizon",
              "num_anchors", "anchors_per_example", "decoder_sizes", "decoder_head_sizes",
              "teacher_forcing", "chunk", "unroll", "recurrence", "cell", "aligned_truncation",
              "aux_min_inside", "decoder_recurrence", "head_dropout", "input_embedding",
              "reset_at_truncation", "aux_positions")
FOREIGN_FIELDS = {"lstm": _TRANSFORMER_ONLY, "transformer": _LSTM_ONLY}


class ConfigMismatchError(ValueError):
  pass


def with_legacy_values(saved: dict) -> dict:
  """A saved config as today's code would write it for the run that saved it."""
  out = {**LEGACY_VALUES, **saved}
  if isinstance(out["runs"], dict):  # per-run settings added since
    out["runs"] = {**LEGACY_VALUES["runs"], **out["runs"]}
  model = out.get("model")
  if isinstance(model, dict):
    name = model.get("name", "lstm")
    model = {**LEGACY_MODEL_VALUES.get(name, {}), **model}
    out["model"] = {k: v for k, v in model.items() if k not in FOREIGN_FIELDS.get(name, ())}
  return out


def flat(config: dict, prefix: str = "") -> dict:
  """``{"model": {"aux": x}}`` -> ``{"model.aux": x}``."""
  out = {}
  for k, v in config.items():
    out.update(flat(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}": v})
  return out


def as_saved(config_dict: dict) -> dict:
  """The config as JSON stores it (tuples become lists)."""
  return json.loads(json.dumps(config_dict, default=str))


def differences(saved: dict, config_dict: dict, ignore=RESUMABLE_FIELDS, now: str = "now") -> list:
  """Every field but ``ignore`` where the config ``saved`` (read as its run ran) differs from
  ``config_dict``, as ``"key=saved (now current)"``."""
  saved = flat(with_legacy_values(saved))
  current = flat(as_saved(config_dict))
  return [f"{k}={saved.get(k)!r} ({now} {current.get(k)!r})"
          for k in sorted(set(saved) | set(current))
          if k not in ignore and saved.get(k) != current.get(k)]


def check_same_run(where: str, saved: dict, config_dict: dict) -> None:
  """Raise a one-line ConfigMismatchError naming every field (not resumable) where the config
  ``saved`` in ``where`` differs from ``config_dict``."""
  diff = differences(saved, config_dict)
  if diff:
    raise ConfigMismatchError(
        f"{where} was made with a different config ({'; '.join(diff)}); "
        "use a new --workdir, or pass the saved values to resume")


def guard_config(workdir: str, config_dict: dict) -> None:
  """Write ``config.json`` into a new workdir, or check that it matches an existing one."""
  path = os.path.join(workdir, "config.json")
  config_dict = as_saved(config_dict)
  if os.path.exists(path):
    with open(path) as f:
      check_same_run(f"workdir {workdir}", json.load(f), config_dict)
    return
  os.makedirs(workdir, exist_ok=True)
  tmp = f"{path}.tmp.{os.getpid()}"  # several processes of one run may write it at once
  with open(tmp, "w") as f:
    json.dump(config_dict, f, indent=1, sort_keys=True, default=str)
  os.replace(tmp, path)
