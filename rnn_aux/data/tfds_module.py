"""``tensorflow_datasets``, imported so that a broken install is one line naming the fix.

tfds imports its ``core`` lazily: when that import fails (a package missing from a ``--no-deps``
install, e.g. ``promise``), ``import tensorflow_datasets`` logs a traceback, succeeds, and the
first use raises ``AttributeError: module 'tensorflow_datasets' has no attribute 'core'``, which
hides the cause.
"""
import importlib
import logging


def tfds():
  """The ``tensorflow_datasets`` module with its ``core`` imported, else a one-line RuntimeError."""
  absl_logger = logging.getLogger("absl")  # where tfds logs its failed import
  level = absl_logger.level
  absl_logger.setLevel(logging.CRITICAL)  # the error below says the same in one line
  try:
    module = importlib.import_module("tensorflow_datasets")
    importlib.import_module("tensorflow_datasets.core")  # raises what tfds's lazy import hid
  except ImportError as e:
    raise RuntimeError(f"tensorflow_datasets cannot be imported ({type(e).__name__}: {e}); "
                       "install the requirements: pip install -r requirements.txt") from e
  finally:
    absl_logger.setLevel(level)
  return module
