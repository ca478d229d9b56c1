"""Train and evaluate one experiment: ``--config`` (file:preset) and ``--workdir``.

  python experiments/train.py --config experiments/configs/paper.py:mnist,rlstm_t300 --workdir W

Any config field can be overridden, e.g. ``--config.model.horizon=100``. Started again with the
same workdir, a run resumes from its last checkpoint.
"""
import os
import sys

from absl import app, flags, logging
from ml_collections import config_flags

_CONFIG = config_flags.DEFINE_config_file("config", None, "config file[:preset]", lock_config=True)
_WORKDIR = flags.DEFINE_string("workdir", None, "directory for checkpoints, logs, results.json")
_IMPORTS = flags.DEFINE_multi_string(
    "import", [], "module to import first (one that registers your recurrence or auxiliary loss)")
flags.mark_flags_as_required(["config", "workdir"])


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
  logging.set_verbosity(logging.WARNING)  # orbax logs every save at INFO
  import importlib
  from rnn_aux.train import loop
  for name in _IMPORTS.value:
    try:
      importlib.import_module(name)
    except ImportError as e:
      sys.exit(f"error: --import {name}: {e} (is its folder on PYTHONPATH?)")
  try:
    loop.train_and_evaluate(_CONFIG.value, os.path.expanduser(_WORKDIR.value))
  except (ValueError, OSError, RuntimeError) as e:
    sys.exit(f"error: {e}")


def _config_path(argv) -> str | None:
  for i, arg in enumerate(argv):
    if arg == "--config" and i + 1 < len(argv):
      return argv[i + 1].split(":", 1)[0]
    if arg.startswith("--config="):
      return arg.split("=", 1)[1].split(":", 1)[0]
  return None


def parse_flags(argv):
  """absl's parser, but a bad flag or config is one line naming the problem, not a traceback."""
  path = _config_path(argv)
  if path is not None and not os.path.isfile(path):
    sys.exit(f"error: config file {path} does not exist (e.g. --config "
             "experiments/configs/paper.py:mnist,rlstm_t300)")
  try:
    rest = flags.FLAGS(argv)
  except (KeyError, AttributeError) as e:  # ml_collections: an override of a field that is not there
    sys.exit(f"error: unknown config field {str(e).strip(chr(34))} (the config file lists the "
             "fields; see its docstring)")
  except flags.Error as e:
    lines = [l.strip() for l in str(e).splitlines() if l.strip()]
    errors = [l for l in lines if "Error: " in l and not l.startswith("File ")]
    line = errors[-1] if errors else lines[0]
    sys.exit(f"error: {line.split('Error: ', 1)[-1] if errors else line} "
             "(see --helpshort and the config file's docstring)")
  _refuse_repeated_tuples(argv, _CONFIG.value)
  return rest


def _refuse_repeated_tuples(argv, config) -> None:
  """A scalar override given twice takes the last value, but ml_collections joins a tuple's
  (``--config.model.decoder_sizes=(128,)`` twice gives ``(128, 128)``): refuse that."""
  seen = {}
  for arg in argv[1:]:
    if arg.startswith("--config."):  # --config.KEY=VALUE or --config.KEY VALUE
      key = arg[len("--config."):].split("=", 1)[0]
      seen[key] = seen.get(key, 0) + 1
  for key in [k for k, count in seen.items() if count > 1]:
    value = config
    for part in key.split("."):
      value = getattr(value, part, None)
    if isinstance(value, tuple):
      sys.exit(f"error: --config.{key} given {seen[key]} times, which joins the tuples into "
               f"{value}; give it once")


if __name__ == "__main__":
  app.run(main, flags_parser=parse_flags)
