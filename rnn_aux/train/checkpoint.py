"""Atomic checkpoints of the train state and the data position, with orbax; config guard.

Orbax writes each checkpoint to a temporary directory and renames it when complete, so a crash
mid-save leaves the previous checkpoints intact. The workdir also holds ``config.json``: a run
refuses a workdir made with a different config instead of mixing two runs' files.
"""
from __future__ import annotations

import json
import os
from typing import Any, Optional

import jax
import numpy as np
import orbax.checkpoint as ocp

# Fields that may change when resuming (they do not change what is computed).
RESUMABLE_FIELDS = ("log_every_steps", "checkpoint_every_steps", "keep_checkpoints", "progress_bar",
                    "data_dir")
# Fields added after runs existed: a saved config without one ran as this value says.
LEGACY_VALUES = {"validation_examples": 0,
                 "model": {"recurrence": "scan", "head_activation": "relu"}}


def with_legacy_values(saved: dict) -> dict:
  """A saved config with the fields added since filled in as the run that saved it ran."""
  out = {**{k: v for k, v in LEGACY_VALUES.items() if not isinstance(v, dict)}, **saved}
  for section, values in LEGACY_VALUES.items():
    if isinstance(values, dict) and isinstance(out.get(section), dict):
      out[section] = {**values, **out[section]}
  return out


def _flat(config: dict, prefix: str = "") -> dict:
  """``{"model": {"aux": x}}`` -> ``{"model.aux": x}``."""
  out = {}
  for k, v in config.items():
    out.update(_flat(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}": v})
  return out


class ConfigMismatchError(ValueError):
  pass


def guard_config(workdir: str, config_dict: dict) -> None:
  """Write ``config.json`` into a new workdir, or check that it matches an existing one."""
  path = os.path.join(workdir, "config.json")
  config_dict = json.loads(json.dumps(config_dict, default=str))  # tuples -> lists, as saved
  current = {k: v for k, v in _flat(config_dict).items() if k not in RESUMABLE_FIELDS}
  if os.path.exists(path):
    with open(path) as f:
      saved = {k: v for k, v in _flat(with_legacy_values(json.load(f))).items()
               if k not in RESUMABLE_FIELDS}
    if saved != current:
      diff = [f"{k}={saved.get(k)!r} (now {current.get(k)!r})"
              for k in sorted(set(saved) | set(current)) if saved.get(k) != current.get(k)]
      raise ConfigMismatchError(
          f"workdir {workdir} was made with a different config ({'; '.join(diff)}); "
          "use a new --workdir, or pass the saved values to resume")
    return
  os.makedirs(workdir, exist_ok=True)
  tmp = f"{path}.tmp.{os.getpid()}"  # several processes of one run may write it at once
  with open(tmp, "w") as f:
    json.dump(config_dict, f, indent=1, sort_keys=True, default=str)
  os.replace(tmp, path)


class Checkpointer:
  """Keeps the last ``keep`` checkpoints under ``workdir/checkpoints``."""

  def __init__(self, workdir: str, keep: int):
    if keep < 1:
      raise ValueError(f"keep_checkpoints must be >= 1, got {keep}")
    self._mgr = ocp.CheckpointManager(
        os.path.abspath(os.path.join(workdir, "checkpoints")),
        options=ocp.CheckpointManagerOptions(max_to_keep=keep, create=True,
                                             enable_async_checkpointing=False))

  def latest_step(self) -> Optional[int]:
    return self._mgr.latest_step()

  def save(self, step: int, state: Any, data: dict) -> None:
    state = jax.device_get(state._asdict())
    self._mgr.save(step, args=ocp.args.Composite(state=ocp.args.StandardSave(state),
                                                 data=ocp.args.JsonSave(data)), force=True)
    self._mgr.wait_until_finished()

  def restore(self, template: Any) -> tuple[Any, dict]:
    """Latest ``(state, data)``; ``template`` gives the state's structure, shapes and dtypes."""
    step = self._mgr.latest_step()
    abstract = jax.tree.map(lambda x: jax.ShapeDtypeStruct(np.shape(x), np.asarray(x).dtype),
                            jax.device_get(template._asdict()))
    out = self._mgr.restore(step, args=ocp.args.Composite(
        state=ocp.args.StandardRestore(abstract), data=ocp.args.JsonRestore()))
    return type(template)(**out["state"]), dict(out["data"])

  def close(self):
    self._mgr.close()
