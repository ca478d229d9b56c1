"""experiments/configs/rerun.py: a recorded run's config, rebuilt to run it again."""
import glob
import json
import os
import re

import pytest

from experiments.configs import paper, rerun
from rnn_aux.train import config_guard

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _record(tmp_path, config: dict, name="wd") -> str:
  wd = tmp_path / name
  wd.mkdir()
  (wd / "config.json").write_text(json.dumps(config))
  return str(wd)


def test_every_recorded_run_in_the_docs_rebuilds_as_it_ran():
  paths = glob.glob(os.path.join(ROOT, "docs", "results", "**", "config.json"), recursive=True)
  assert len(paths) > 100
  for path in paths:
    config = rerun.get_config(os.path.dirname(path))
    saved = config_guard.with_legacy_values(json.load(open(path)))
    rebuilt = config_guard.as_saved(config.to_dict())
    for field in rerun.MACHINE_FIELDS:  # the machine's, not the run's
      saved.pop(field), rebuilt.pop(field)
    assert rebuilt == saved, path


def test_a_rebuilt_config_keeps_every_field_but_the_machines(tmp_path):
  original = paper.make("pmnist", "rlstm_t300")
  original.update({"data_dir": "/elsewhere", "progress_bar": False, "train_epochs": 7})
  original.model.update({"horizon": None, "decoder_sizes": (64,), "aux_min_inside": 5})
  original.runs.seeds = (3, 4)
  config = rerun.get_config(_record(tmp_path, config_guard.as_saved(original.to_dict())))
  assert config.data_dir == "" and config.progress_bar is True  # paper.py's defaults
  assert config.train_epochs == 7 and config.runs.seeds == (3, 4)
  assert config.model.horizon is None and config.model.decoder_sizes == (64,)
  assert config.model.aux_min_inside == 5
  # the typed fields stay overridable, as with paper.py
  config.model.horizon = 100
  config.model.aux_min_inside = None


def test_a_config_saved_before_a_field_existed_gets_the_value_its_run_used(tmp_path):
  saved = config_guard.as_saved(paper.make("mnist", "lstm_t300").to_dict())
  del saved["lr_schedule"], saved["model"]["head_activation"], saved["train_eval_examples"]
  config = rerun.get_config(_record(tmp_path, saved))
  assert config.lr_schedule == "constant" and config.model.head_activation == "relu"
  transformer = config_guard.as_saved(paper.make("mnist", "transformer").to_dict())
  assert rerun.get_config(_record(tmp_path, transformer, "t")).model.attention == "flax"


def test_a_field_the_rebuild_missed_is_refused_even_one_resuming_may_change(tmp_path, monkeypatch):
  saved = config_guard.as_saved(paper.make("mnist", "lstm_t300").to_dict())
  saved["early_stop_epochs"] = 25  # a field resuming may change, but it decides where a run ends
  assign = rerun._assign

  def forgetful(config, record, path, prefix=""):
    assign(config, record, path, prefix)
    if not prefix:
      config.early_stop_epochs = 0
  monkeypatch.setattr(rerun, "_assign", forgetful)
  with pytest.raises(ValueError, match=r"early_stop_epochs=25 \(rebuilt 0\)"):
    rerun.get_config(_record(tmp_path, saved))


def test_a_workdir_whose_name_holds_an_equals_sign_is_a_workdir(tmp_path):
  saved = config_guard.as_saved(paper.make("mnist", "lstm_t300").to_dict())
  assert rerun.get_config(_record(tmp_path, saved, "lr=1e-3")).task == "mnist"


@pytest.mark.parametrize("arg,message", [
    ("", "needs a workdir"),
    ("{wd}:aux_weight=3", "drop the :KEY=VALUE part"),
    ("{tmp}/nowhere", "does not exist"),
    ("{wd}/notes.txt", "is not a config.json"),
    ("{wd}/list.json", "no task or model"),
    ("{wd}/future.json", "not in today's: model.future_field"),
    ("{wd}/flat_model.json", "no task or model section"),
    ("{wd}/runs_list.json", "runs is a section in today's config, not [0, 1]"),
    ("{wd}/float_batch.json", "batch_size=12.5 does not fit today's field"),
])
def test_bad_records_are_one_line_errors(tmp_path, arg, message):
  future = config_guard.as_saved(paper.make("mnist", "lstm_t300").to_dict())
  future["model"]["future_field"] = 1
  wd = _record(tmp_path, future)
  (tmp_path / "wd" / "notes.txt").write_text("not json")
  (tmp_path / "wd" / "list.json").write_text("[1, 2]")
  (tmp_path / "wd" / "future.json").write_text(json.dumps(future))
  good = config_guard.as_saved(paper.make("mnist", "lstm_t300").to_dict())
  for name, change in (("flat_model", {"model": "lstm"}), ("runs_list", {"runs": [0, 1]}),
                       ("float_batch", {"batch_size": 12.5})):
    (tmp_path / "wd" / f"{name}.json").write_text(json.dumps({**good, **change}))
  with pytest.raises(ValueError, match=re.escape(message)) as e:
    rerun.get_config(arg.format(wd=wd, tmp=tmp_path))
  assert "\n" not in str(e.value)
