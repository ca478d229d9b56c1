"""Atomic checkpoints of the train state and the data position, with orbax.

Orbax writes each checkpoint to a temporary directory and renames it when complete, so a crash
mid-save leaves the previous checkpoints intact. (The workdir's ``config.json`` guard:
:mod:`rnn_aux.train.config_guard`.)
"""
from __future__ import annotations

import os
from typing import Any, Optional

import jax
import numpy as np
import orbax.checkpoint as ocp


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

  def latest_params(self) -> tuple[int, Any]:
    """``(step, params)`` of the latest checkpoint, whatever optimizer saved it (for tools that
    read a run's weights only); containers come back as orbax stores them."""
    step = self._mgr.latest_step()
    out = self._mgr.restore(step, args=ocp.args.Composite(state=ocp.args.StandardRestore()))
    return step, out["state"]["params"]

  def close(self):
    self._mgr.close()
