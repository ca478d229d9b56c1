"""The config a recorded run was made with, to run it again: ``rerun.py:WORKDIR``.

  R=docs/results/session24
  python experiments/train.py --workdir workdirs/mnist_rlstm_t300_again --config.data_dir=DIR \
    --config experiments/configs/rerun.py:$R/mnist_rlstm_t300_decoder_128_aux_weight_3_weight_decay_0.3_103_epochs_seeds_0_2

WORKDIR is a workdir of ``experiments/train.py`` (or its ``config.json``), e.g. one under
``docs/results/`` that a number of ``docs/results.md`` comes from; ``experiments/report.py`` names
the workdirs behind each chosen cell of Table 2. Every field is the recorded one (packed seeds
included) but the two that belong to the machine it ran on, ``data_dir`` and ``progress_bar``,
which start from ``paper.py``'s defaults. A config saved before a field existed is read as its run
ran (the value the code then used: ``rnn_aux.train.config_guard.with_legacy_values``), and the
result is checked against the record field by field. Any field can be overridden as with
``paper.py``: on a CPU, ``--config.model.recurrence=scan`` where the record says ``fused`` (else
Pallas' interpreter runs the kernel, slowly) and ``--config.model.attention=xla`` where it says
``cudnn`` (both GPU paths take 16-bit matrix inputs, so a CPU rerun is not the same arithmetic).
What is rerun is the planned run: one its machine stopped short (``results.json``'s status)
trains to its planned end or its early stop (``max_steps`` would also shorten the learning-rate
schedule). The code is today's: a run recorded by an older version reruns with its fixes.
"""
import importlib.util
import json
import os

import ml_collections

from rnn_aux import validation
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
  path = os.path.join(arg, "config.json") if os.path.isdir(arg) else arg
  if os.path.isfile(path):
    return path
  if ":" in arg and "=" in arg.rsplit(":", 1)[1]:
    raise ValueError(f"rerun.py takes a workdir, not a selection ({arg!r}): it reruns every "
                     "packed run of the workdir; drop the :KEY=VALUE part")
  raise ValueError(f"{path} does not exist: pass a workdir of experiments/train.py (one that "
                   "holds config.json), e.g. rerun.py:docs/results/session24/WORKDIR")


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
    section = isinstance(config[key], ml_collections.ConfigDict)
    if section != isinstance(value, dict):
      raise ValueError(f"{path}: {prefix}{key} is {'a section' if section else 'a value'} in "
                       f"today's config, not {value!r}")
    if section:
      _assign(config[key], value, path, f"{prefix}{key}.")
      continue
    try:
      config[key] = tuple(value) if isinstance(value, list) else value
    except (TypeError, ValueError) as e:
      raise ValueError(f"{path}: {prefix}{key}={value!r} does not fit today's field "
                       f"({validation.error_summary(e)})") from None


def get_config(arg: str = "") -> ml_collections.ConfigDict:
  path = _record_path(arg)
  with open(path) as f:
    try:
      recorded = json.load(f)
    except json.JSONDecodeError as e:
      raise ValueError(f"{path} is not a config.json of experiments/train.py ({e})") from None
  if (not isinstance(recorded, dict) or "task" not in recorded
      or not isinstance(recorded.get("model"), dict)):
    raise ValueError(f"{path} is not a config.json of experiments/train.py (no task or model "
                     "section)")
  saved = config_guard.with_legacy_values(recorded)
  row = "transformer" if saved["model"].get("name") == "transformer" else "lstm_full"
  config = _paper().make(saved["task"], row)
  machine = {k: config[k] for k in MACHINE_FIELDS}
  _assign(config, saved, path)
  config.update(machine)
  # Every field but the machine's as recorded (resumable ones too: early stopping changes a run)
  differ = config_guard.differences(recorded, config.to_dict(), ignore=MACHINE_FIELDS,
                                    now="rebuilt")
  if differ:
    raise ValueError(f"{path}: the rebuilt config differs from the record: {'; '.join(differ)}")
  return config
