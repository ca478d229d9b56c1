"""Atomic checkpoints of the train state and the data position, with orbax.

Orbax writes each checkpoint to a temporary directory and renames it when complete, so a crash
mid-save leaves the previous checkpoints intact. (The workdir's ``config.json`` guard:
:mod:`rnn_aux.train.config_guard`.)
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from typing import Any, Callable, Optional

import jax
import numpy as np
import orbax.checkpoint as ocp

from rnn_aux.train import digests


DIGEST_KEY = "state_sha256"
# Written beside orbax's items once a save has finished: every file's SHA-256. Checked before
# orbax opens anything, because orbax's reader, failing on a damaged chunk mid-read, leaves
# callbacks that print tracebacks from its closed event loop at random later moments.
FILES_MANIFEST = "files_sha256.json"


def digest(tree: Any) -> str:
  """SHA-256 over every array of ``tree`` (dtype, shape and bytes, in tree order)."""
  h = hashlib.sha256()
  for leaf in jax.tree.leaves(tree):
    a = np.ascontiguousarray(np.asarray(leaf))
    h.update(f"{a.dtype}{a.shape}".encode())
    h.update(a.tobytes())
  return h.hexdigest()


class CorruptCheckpointError(RuntimeError):
  pass


def file_digests(step_dir: str) -> dict[str, str]:
  """``{path relative to step_dir: SHA-256}`` of every file of one checkpoint but the manifest."""
  out = {}
  for root, dirs, files in os.walk(step_dir):
    dirs.sort()
    for name in sorted(files):
      rel = os.path.relpath(os.path.join(root, name), step_dir)
      if rel != FILES_MANIFEST:
        out[rel] = digests.sha256_file(os.path.join(root, name))
  return out


class Checkpointer:
  """Keeps the last ``keep`` checkpoints under ``workdir/checkpoints``.

  Each checkpoint stores a SHA-256 of its state and, beside orbax's items, one of each of its
  files; :meth:`restore` verifies both and, if the newest checkpoint cannot be read or does not
  match, says so in one line, moves it to
  ``workdir/corrupt_checkpoints/`` (kept, never deleted) and falls back to the next newest.
  Temporary folders of interrupted saves are removed by orbax when the manager starts.
  """

  def __init__(self, workdir: str, keep: int):
    if keep < 1:
      raise ValueError(f"keep_checkpoints must be >= 1, got {keep}")
    self._workdir = workdir
    self._mgr = ocp.CheckpointManager(
        os.path.abspath(os.path.join(workdir, "checkpoints")),
        options=ocp.CheckpointManagerOptions(max_to_keep=keep, create=True,
                                             enable_async_checkpointing=False,
                                             cleanup_tmp_directories=True))

  def latest_step(self) -> Optional[int]:
    return self._mgr.latest_step()

  def save(self, step: int, state: Any, data: dict) -> None:
    state = jax.device_get(state._asdict())
    data = {**data, DIGEST_KEY: digest(state)}
    self._mgr.save(step, args=ocp.args.Composite(state=ocp.args.StandardSave(state),
                                                 data=ocp.args.JsonSave(data)), force=True)
    self._mgr.wait_until_finished()
    if jax.process_index() != 0:  # one writer; hosts on their own disks fall back to the digest
      return
    step_dir = self._step_dir(step)
    manifest = file_digests(step_dir)
    tmp = os.path.join(step_dir, FILES_MANIFEST + ".tmp")
    with open(tmp, "w") as f:
      json.dump(manifest, f, indent=0, sort_keys=True)
      f.flush()
      os.fsync(f.fileno())
    os.replace(tmp, os.path.join(step_dir, FILES_MANIFEST))

  def _step_dir(self, step: int) -> str:
    return os.path.join(self._workdir, "checkpoints", str(step))

  def _check_files(self, step: int) -> None:
    """Compare the files with the manifest written after the save. A checkpoint without one (a
    crash between the two, or an older run) is left to orbax and the state digest."""
    step_dir = self._step_dir(step)
    path = os.path.join(step_dir, FILES_MANIFEST)
    if not os.path.exists(path):
      return
    try:
      with open(path) as f:
        expected = json.load(f)
      if not isinstance(expected, dict):
        raise ValueError("not a mapping")
    except (ValueError, UnicodeDecodeError) as e:
      raise CorruptCheckpointError(f"its file list cannot be read ({type(e).__name__})") from e
    for rel, sha in sorted(expected.items()):
      full = os.path.join(step_dir, rel)
      if not os.path.isfile(full):
        raise CorruptCheckpointError(f"its file {rel} is missing")
      if digests.sha256_file(full) != sha:
        raise CorruptCheckpointError(f"its file {rel} differs from the one saved")

  def _restore_step(self, step: int, abstract, check_data: Callable[[dict], None]):
    self._check_files(step)
    try:
      data = dict(self._mgr.restore(step, args=ocp.args.Composite(
          data=ocp.args.JsonRestore()))["data"])
    except Exception as e:  # orbax raises many kinds on a missing or damaged file
      raise CorruptCheckpointError(f"its data file cannot be read ({type(e).__name__})") from e
    check_data(data)  # e.g. the run's config: a mismatch is the caller's error, not corruption
    try:
      state = self._mgr.restore(step, args=ocp.args.Composite(
          state=ocp.args.StandardRestore(abstract)))["state"]
    except Exception as e:
      raise CorruptCheckpointError(f"its arrays cannot be read ({type(e).__name__})") from e
    if DIGEST_KEY in data and digest(state) != data[DIGEST_KEY]:
      raise CorruptCheckpointError("its arrays do not match the checksum saved with them")
    return state, data

  def restore(self, template: Any, check_data: Callable[[dict], None] = lambda data: None
              ) -> tuple[Any, dict]:
    """Newest good ``(state, data)``; ``template`` gives the state's structure, shapes and
    dtypes. ``check_data(data)`` runs on each candidate's data before its arrays are read."""
    abstract = jax.tree.map(lambda x: jax.ShapeDtypeStruct(np.shape(x), np.asarray(x).dtype),
                            jax.device_get(template._asdict()))
    for step in sorted(self._mgr.all_steps(), reverse=True):
      try:
        state, data = self._restore_step(step, abstract, check_data)
        return type(template)(**state), data
      except CorruptCheckpointError as e:
        moved = self._set_aside(step)
        print(f"warning: checkpoint {step} in {self._workdir} is damaged: {e}; moved to "
              f"{moved}, trying the one before", file=sys.stderr, flush=True)
    raise CorruptCheckpointError(
        f"no good checkpoint in {self._workdir}/checkpoints (damaged ones are in "
        f"{self._workdir}/corrupt_checkpoints); start again with a new --workdir")

  def _set_aside(self, step: int) -> str:
    """Move a damaged checkpoint out of the manager's sight, keeping its files."""
    src = self._step_dir(step)
    dst_dir = os.path.join(self._workdir, "corrupt_checkpoints")
    os.makedirs(dst_dir, exist_ok=True)
    dst = os.path.join(dst_dir, f"{step}.{int(time.time())}")
    os.replace(src, dst)
    self._mgr.reload()  # forget the moved step
    return dst

  def latest_params(self) -> tuple[int, Any]:
    """``(step, params)`` of the latest checkpoint, whatever optimizer saved it (for tools that
    read a run's weights only); containers come back as orbax stores them."""
    step = self._mgr.latest_step()
    out = self._mgr.restore(step, args=ocp.args.Composite(state=ocp.args.StandardRestore()))
    return step, out["state"]["params"]

  def close(self):
    self._mgr.close()
