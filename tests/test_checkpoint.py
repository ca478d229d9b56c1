"""Checkpoints cannot lie: every kind of damage to any file of the newest checkpoint is either
harmless (the exact saved state comes back) or detected, with a fallback to the one before."""
import os
import shutil

import numpy as np
import pytest

from rnn_aux.train import checkpoint
from rnn_aux.train.step import TrainState


def _state(value):
  rng = np.random.default_rng(value)
  return TrainState(np.int32(value), {"w": rng.normal(size=(64, 32)).astype(np.float32),
                                      "b": rng.normal(size=(32,)).astype(np.float32)},
                    (np.zeros((64, 32), np.float32) + value,), np.array([value, 1], np.uint32))


def _equal(a, b):
  import jax
  return all(np.array_equal(np.asarray(x), np.asarray(y))
             for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)))


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
  wd = tmp_path_factory.mktemp("saved")
  ckpt = checkpoint.Checkpointer(str(wd), keep=3)
  for step in (1, 2):
    ckpt.save(step, _state(step), {"loader": {"epoch": 0, "step": step}})
  ckpt.close()
  files = sorted(os.path.relpath(os.path.join(d, f), wd / "checkpoints" / "2")
                 for d, _, fs in os.walk(wd / "checkpoints" / "2") for f in fs)
  return wd, files


def _damage(path, kind):
  data = path.read_bytes()
  if kind == "missing":
    path.unlink()
  elif kind == "truncated":
    path.write_bytes(data[:len(data) // 2])
  elif kind == "bit flip":
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x04
    path.write_bytes(bytes(flipped))
  else:  # random bytes
    path.write_bytes(np.random.default_rng(0).bytes(max(len(data), 16)))


@pytest.mark.parametrize("kind", ["bit flip", "truncated", "random bytes", "missing"])
def test_any_damage_to_the_newest_checkpoint_is_harmless_or_falls_back(saved, tmp_path, kind,
                                                                       capfd):
  src, files = saved
  assert files, "the checkpoint has files"
  detected = 0
  for i, name in enumerate(files):
    wd = tmp_path / str(i)
    shutil.copytree(src, wd)
    _damage(wd / "checkpoints" / "2" / name, kind)
    ckpt = checkpoint.Checkpointer(str(wd), keep=3)
    state, data = ckpt.restore(_state(0))
    ckpt.close()
    if _equal(state, _state(2)):  # this file's damage did not matter to what comes back
      assert data["loader"]["step"] == 2
      continue
    detected += 1
    assert _equal(state, _state(1)) and data["loader"]["step"] == 1, (kind, name)
    assert os.listdir(wd / "corrupt_checkpoints")[0].startswith("2."), (kind, name)
    assert f"warning: checkpoint 2 in {wd} is damaged" in capfd.readouterr().err
  assert detected > 0  # the arrays' own files at least


def test_no_good_checkpoint_is_one_error_naming_the_workdir(saved, tmp_path):
  src, _ = saved
  wd = tmp_path / "all"
  shutil.copytree(src, wd)
  for step in ("1", "2"):
    for d, _, fs in os.walk(wd / "checkpoints" / step / "state"):
      for f in fs:
        _damage(wd / "checkpoints" / step / "state" / os.path.relpath(os.path.join(d, f),
                                                                      wd / "checkpoints" / step / "state"),
                "random bytes")
  ckpt = checkpoint.Checkpointer(str(wd), keep=3)
  with pytest.raises(checkpoint.CorruptCheckpointError, match=f"no good checkpoint in {wd}"):
    ckpt.restore(_state(0))
  ckpt.close()
  assert sorted(p.split(".")[0] for p in os.listdir(wd / "corrupt_checkpoints")) == ["1", "2"]


def test_a_leftover_temporary_folder_does_not_break_retention(tmp_path):
  ckpt = checkpoint.Checkpointer(str(tmp_path), keep=2)
  ckpt.save(1, _state(1), {})
  ckpt.close()
  (tmp_path / "checkpoints" / "2.orbax-checkpoint-tmp-1234").mkdir()  # a save killed midway
  ckpt = checkpoint.Checkpointer(str(tmp_path), keep=2)
  for step in (2, 3, 4):
    ckpt.save(step, _state(step), {})
  assert sorted(ckpt._mgr.all_steps()) == [3, 4]
  ckpt.close()
  assert sorted(os.listdir(tmp_path / "checkpoints")) == ["3", "4"]


def test_a_damaged_file_is_caught_by_the_manifest_before_orbax_reads_it(saved, tmp_path, capfd):
  src, files = saved
  assert checkpoint.FILES_MANIFEST in files
  arrays = [f for f in files if f.startswith("state" + os.sep) and "ocdbt" in f and "/d/" in f]
  assert arrays, files
  wd = tmp_path / "wd"
  shutil.copytree(src, wd)
  _damage(wd / "checkpoints" / "2" / arrays[0], "bit flip")
  ckpt = checkpoint.Checkpointer(str(wd), keep=3)
  opened = []
  real_restore = ckpt._mgr.restore
  ckpt._mgr.restore = lambda step, **kw: opened.append(step) or real_restore(step, **kw)
  state, data = ckpt.restore(_state(0))
  ckpt.close()
  assert 2 not in opened and _equal(state, _state(1))
  assert f"its file {arrays[0]} differs from the one saved" in capfd.readouterr().err


def test_a_checkpoint_without_a_manifest_is_still_verified_by_its_state_digest(saved, tmp_path):
  src, _ = saved
  wd = tmp_path / "wd"
  shutil.copytree(src, wd)
  (wd / "checkpoints" / "2" / checkpoint.FILES_MANIFEST).unlink()  # e.g. saved by an older run
  ckpt = checkpoint.Checkpointer(str(wd), keep=3)
  state, _ = ckpt.restore(_state(0))
  assert _equal(state, _state(2))
  ckpt.save(3, _state(3), {})  # orbax still manages steps with the manifest beside its items
  ckpt.close()
  ckpt = checkpoint.Checkpointer(str(wd), keep=3)
  assert sorted(ckpt._mgr.all_steps()) == [1, 2, 3]
  state, _ = ckpt.restore(_state(0))
  ckpt.close()
  assert _equal(state, _state(3))
