"""Is one setting above another? Each run's test accuracy at its best validation evaluation, each
group's mean ± std, and Welch's t-test (unequal variances): the contrasts of docs/results.md.

  python experiments/contrast.py WORKDIR[:KEY=VALUE,...] ... --against WORKDIR[:KEY=VALUE,...] ...

e.g. the r-LSTM at auxiliary weight 3 (one run of a packed weight sweep, two seeds packed) against
LSTM t300:

  python experiments/contrast.py \\
      docs/results/session8/cifar_rlstm_t300_no_teacher_forcing_aux_weight_0.3_1_3:aux_weight=3 \\
      docs/results/session9/cifar_rlstm_t300_aux_weight_3_seeds_1_2 \\
      --against docs/results/session9/cifar_lstm_t300_33_epochs_seeds_0_2

A workdir may end in ``:KEY=VALUE[,KEY=VALUE...]``: only its runs whose config has those values
count (keys as in config.json, nested ones with dots: ``model.decoder_sizes=[128]``). Runs without
a validation split count with their final test accuracy.
"""
import argparse
import os
import sys

import numpy as np

if __package__:
  from experiments import report
else:  # run as a file (python experiments/contrast.py): this folder is on sys.path
  import report


def runs(args) -> list[dict]:
  """Every run the arguments select: ``{"workdir", "seed", "validation", "test"}`` (fractions;
  validation None without a split)."""
  out = []
  for arg in args:
    wd, _, selected = report.selected_runs(arg)
    chosen = []
    for i, own, final, curve in selected:
      best = report.chosen_on_validation(curve)
      test = best[1] if best else final
      if test is None:
        continue  # not evaluated yet
      seeds = (own.get("runs") or {}).get("seeds") or []
      chosen.append({"workdir": os.path.basename(os.path.normpath(wd)),
                     "seed": seeds[i] if i < len(seeds) else own.get("seed"),
                     "validation": best[0] if best else None, "test": test})
    if not chosen:
      raise SystemExit(f"error: {arg}: no evaluated run of {wd} matches; check the workdir and "
                       "the KEY=VALUE filter")
    out += chosen
  return out


def main(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("workdirs", nargs="+", help="WORKDIR[:KEY=VALUE,...] of the first group")
  parser.add_argument("--against", nargs="+", required=True,
                      help="WORKDIR[:KEY=VALUE,...] of the group it is compared with")
  a = parser.parse_args(argv)
  groups = [runs(a.workdirs), runs(a.against)]
  print("| group | workdir | seed | validation % | test % |")
  print("|---|---|---|---|---|")
  for name, group in zip("AB", groups):
    for r in group:
      val = "-" if r["validation"] is None else f"{100 * r['validation']:.1f}"
      print(f"| {name} | {r['workdir']} | {r['seed']} | {val} | {100 * r['test']:.1f} |")
  tests = [[r["test"] for r in g] for g in groups]
  print(f"\nA: {report.mean_std(tests[0])} ({len(tests[0])} runs); "
        f"B: {report.mean_std(tests[1])} ({len(tests[1])} runs); "
        f"A - B = {100 * (np.mean(tests[0]) - np.mean(tests[1])):+.2f} points")
  if min(len(t) for t in tests) < 2:
    print("Welch's t-test needs at least 2 runs in each group.")
    return
  t, df, p = report.welch(*tests)
  print(f"Welch's t = {t:.2f} ({df:.1f} degrees of freedom), two-sided p = {p:.2g}")


if __name__ == "__main__":
  main(sys.argv[1:])
