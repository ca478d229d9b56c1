"""rnn_aux.train.handover: a workdir in checksummed parts, rebuilt exactly on another machine."""
import json
import os
from typing import NamedTuple

import numpy as np
import pytest

from experiments import handover as handover_cli
from rnn_aux.train import checkpoint, handover


class _State(NamedTuple):
  step: np.ndarray
  params: dict


def _workdir(tmp_path):
  wd = tmp_path / "mnist_rlstm_t300"
  wd.mkdir()
  (wd / "config.json").write_text(json.dumps({"task": "mnist"}))
  (wd / "results.json").write_text(json.dumps({"status": "preempted"}))
  (wd / "tb").mkdir()
  (wd / "tb" / "events.out.tfevents.1").write_bytes(os.urandom(3000))
  (wd / "corrupt_checkpoints").mkdir()
  (wd / "corrupt_checkpoints" / "junk").write_text("kept at home")
  ckpt = checkpoint.Checkpointer(str(wd), keep=3)
  rng = np.random.default_rng(0)
  for step in (10, 20):
    state = _State(np.int32(step), {"w": rng.normal(size=(64, 64)).astype(np.float32)})
    ckpt.save(step, state, {"loader": step})
  ckpt.close()
  return wd, state


def _files(root):
  return {os.path.relpath(os.path.join(r, f), root): open(os.path.join(r, f), "rb").read()
          for r, _, fs in os.walk(root) for f in fs}


def test_pack_then_unpack_rebuilds_what_resume_needs(tmp_path):
  wd, newest = _workdir(tmp_path)
  manifest = handover.pack(str(wd), str(tmp_path / "out"), max_part_bytes=4096)
  parts = json.load(open(manifest))["parts"]
  assert len(parts) > 3 and all(p["bytes"] <= 4096 for p in parts)
  dest = handover.unpack(manifest, str(tmp_path / "elsewhere"))
  got, home = _files(dest), _files(str(wd))
  # every file but the older checkpoint and the damaged ones, byte for byte
  assert set(got) == {k for k in home if not k.startswith(("checkpoints/10", "corrupt_"))}
  assert all(got[k] == home[k] for k in got)
  assert not any(n.startswith(".handover-") for n in os.listdir(tmp_path / "elsewhere"))
  ckpt = checkpoint.Checkpointer(dest, keep=3)
  state, data = ckpt.restore(newest)  # verifies the saved SHA-256 of the arrays
  assert ckpt.latest_step() == 20 and data["loader"] == 20
  np.testing.assert_array_equal(state.params["w"], newest.params["w"])


def test_damaged_missing_parts_and_existing_targets_are_refused_before_writing(tmp_path):
  wd, _ = _workdir(tmp_path)
  out = tmp_path / "out"
  manifest = handover.pack(str(wd), str(out), max_part_bytes=4096)
  with pytest.raises(ValueError, match="exists; pack into another directory"):
    handover.pack(str(wd), str(out))
  part = out / json.load(open(manifest))["parts"][1]["name"]
  good = part.read_bytes()
  part.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
  with pytest.raises(ValueError, match=f"part {part.name} .* is damaged"):
    handover.unpack(manifest, str(tmp_path / "a"))
  part.unlink()
  with pytest.raises(ValueError, match=f"part {part.name} is missing"):
    handover.unpack(manifest, str(tmp_path / "a"))
  assert not (tmp_path / "a").exists()
  part.write_bytes(good)
  (tmp_path / "b" / wd.name).mkdir(parents=True)
  with pytest.raises(ValueError, match="exists; unpack under another directory"):
    handover.unpack(manifest, str(tmp_path / "b"))
  with pytest.raises(ValueError, match="no config.json: not a training workdir"):
    handover.pack(str(tmp_path / "b"), str(tmp_path / "c"))
  with pytest.raises(SystemExit, match="error: .* is damaged|error: cannot read the manifest"):
    handover_cli.main(["unpack", str(tmp_path / "nothing.handover.json"), str(tmp_path / "d")])
