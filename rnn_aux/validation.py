"""Argument checks shared by the library's public functions: one-line errors that name the
argument and what it takes, raised outside ``jit`` where the values are Python or numpy scalars."""
from __future__ import annotations

import numbers


def error_summary(e: BaseException) -> str:
  """``"TypeName: first line of its message"``: another library's error, inside one of ours."""
  lines = str(e).splitlines()
  return f"{type(e).__name__}: {lines[0] if lines else ''}"


def is_count(value) -> bool:
  """An integer (Python or numpy), not a bool."""
  return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(value, name: str, hint: str = "") -> int:
  """``value`` as an int if it is an integer >= 1, else a ValueError naming ``name``."""
  if not is_count(value) or value < 1:
    raise ValueError(f"{name} must be a positive int{hint}, got {value!r}")
  return int(value)
