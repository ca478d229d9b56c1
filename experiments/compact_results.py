"""Rewrite workdirs' ``results.json`` for the record kept in ``docs/results/``: every float to 6
significant digits and no indentation, in place, about half the size. Nothing the reports print
changes (they round to 0.1 points); the files travel in each GPU call's 64 MiB tree, beside a part
of the CIFAR-10 data.

  python experiments/compact_results.py docs/results/session17/*/

A workdir without ``results.json`` is skipped; a ``results.json`` that is not a JSON object (what
``experiments/train.py`` writes) is refused and left as it was.
"""
import argparse
import json
import os
import sys

DIGITS = 6


def rounded(obj):
  """``obj`` with every float rounded to ``DIGITS`` significant digits (ints, strings as they
  are)."""
  if isinstance(obj, float):
    return float(f"{obj:.{DIGITS}g}")
  if isinstance(obj, list):
    return [rounded(x) for x in obj]
  if isinstance(obj, dict):
    return {k: rounded(v) for k, v in obj.items()}
  return obj


def compact(path: str) -> tuple[int, int]:
  """Rewrites ``path`` atomically; returns its sizes in bytes before and after."""
  with open(path) as f:
    try:
      results = json.load(f)
    except json.JSONDecodeError as e:
      raise SystemExit(f"error: {path} is not JSON ({e}); leave it or restore it from its run")
  if not isinstance(results, dict):
    raise SystemExit(f"error: {path} is not a results.json of experiments/train.py")
  before = os.path.getsize(path)
  tmp = path + ".tmp"
  with open(tmp, "w") as f:
    json.dump(rounded(results), f, sort_keys=True, separators=(",", ":"))
  os.replace(tmp, path)
  return before, os.path.getsize(path)


def main(argv):
  ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  ap.add_argument("workdirs", nargs="+")
  args = ap.parse_args(argv)
  total = [0, 0]
  for wd in args.workdirs:
    if not os.path.isdir(wd):
      raise SystemExit(f"error: {wd} is not a directory; pass workdirs (e.g. docs/results/S/*/)")
    path = os.path.join(wd, "results.json")
    if os.path.exists(path):
      sizes = compact(path)
      total = [t + s for t, s in zip(total, sizes)]
  print(f"results.json: {total[0]:,} -> {total[1]:,} bytes")


if __name__ == "__main__":
  main(sys.argv[1:])
