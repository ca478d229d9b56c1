"""The config a recorded run was made with, to run it again: ``rerun.py:WORKDIR``.

  R=docs/results/session24
  python experiments/train.py --workdir workdirs/mnist_rlstm_t300_again --config.data_dir=DIR \
    --config experiments/configs/rerun.py:$R/mnist_rlstm_t300_decoder_128_aux_weight_3_weight_decay_0.3_103_epochs_seeds_0_2

WORKDIR is a workdir of ``experiments/train.py`` (or its ``config.json``), e.g. one under
``docs/results/`` that a number of ``docs/results.md`` comes from; ``experiments/report.py`` names
the workdirs behind each chosen cell of Table 2. Every field that decides what is computed is the
recorded one (packed seeds included), read as the run ran: a config saved before a field existed
gets the value the code then used (``rnn_aux.train.config_guard.with_legacy_values``), and the
result is checked against the record field by field. The two fields that belong to the machine it
ran on start from ``paper.py``'s defaults: ``data_dir`` and ``progress_bar``. Any field can be
overridden as with ``paper.py`` (``--config.model.recurrence=scan`` on a CPU, where the record says
``fused``). The code is today's: a run recorded by an older version reruns with its fixes.
"""
import importlib.util
import json
import os

import ml_collections

from rnn_aux.train import config_guard

# The machine's own fields, not the run's: they start from paper.py's defaults.
MACHINE_FIELDS = ("data_dir", "progress_bar")


def _paper():
  """``paper.py`` beside this file (config files are loaded by path, not as a package)."""
  path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "paper.py")
  spec = importlib.util.spec_from_file_location("rnn_aux_configs_paper", path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def _record_path(arg: str) -> str:
  if not arg:
    raise ValueError("rerun.py needs a workdir: --config experiments/configs/rerun.py:WORKDIR")
  if "=" in arg:
    raise ValueError(f"rerun.py takes a workdir, not a selection ({arg!r}): it reruns every "
                     "packed run of the workdir; drop the :KEY=VALUE part")
  path = os.path.join(arg, "config.json") if os.path.isdir(arg) else arg
  if not os.path.isfile(path):
    raise ValueError(f"{path} does not exist: pass a workdir of experiments/train.py (one that "
                     "holds config.json), e.g. rerun.py:docs/results/session24/WORKDIR")
  return path


def _assign(config: ml_collections.ConfigDict, saved: dict, path: str, prefix: str = "") -> None:
  """Set every field of ``config`` from ``saved`` (JSON lists back to tuples); the two must have
  the same fields."""
  unknown = [prefix + k for k in sorted(set(saved) - set(config.keys()))]
  missing = [prefix + k for k in sorted(set(config.keys()) - set(saved))]
  if unknown or missing:
    raise ValueError(
        f"{path} and today's config differ in fields (not in today's: "
        f"{', '.join(unknown) or 'none'}; not recorded: {', '.join(missing) or 'none'}); "
        "rnn_aux/train/config_guard.py's legacy values must name what an older run used")
  for key, value in saved.items():
    if isinstance(value, dict):
      _assign(config[key], value, path, f"{prefix}{key}.")
    else:
      config[key] = tuple(value) if isinstance(value, list) else value


def get_config(arg: str = "") -> ml_collections.ConfigDict:
  path = _record_path(arg)
  with open(path) as f:
    try:
      recorded = json.load(f)
    except json.JSONDecodeError as e:
      raise ValueError(f"{path} is not a config.json of experiments/train.py ({e})") from None
  if not isinstance(recorded, dict) or "task" not in recorded or "model" not in recorded:
    raise ValueError(f"{path} is not a config.json of experiments/train.py (no task or model)")
  saved = config_guard.with_legacy_values(recorded)
  row = "transformer" if saved["model"].get("name") == "transformer" else "lstm_full"
  config = _paper().make(saved["task"], row)
  machine = {k: config[k] for k in MACHINE_FIELDS}
  _assign(config, saved, path)
  config.update(machine)
  config_guard.check_same_run(path, recorded, config.to_dict())
  return config
