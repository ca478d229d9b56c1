"""Is one setting above another? Each run's test accuracy at its best validation evaluation (with
that epoch, and the run's last accuracy on the training subset), each group's mean ± std, and
Welch's t-test (unequal variances): the contrasts of docs/results.md.

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
  """Every run the arguments select: ``{"workdir", "seed", "validation", "test", "epoch", "fit"}``
  (accuracies as fractions; validation and its epoch None without a split; fit, the run's last
  evaluation of the training subset, None without one)."""
  out = []
  for arg in args:
    wd, results, selected = report.selected_runs(arg)
    fit = report.last_training_subset(results)
    chosen = []
    for i, own, final, curve in selected:
      best = report.best_evaluation(curve)  # (epoch, test, validation)
      test = best[1] if best else final
      if test is None:
        continue  # not evaluated yet
      seeds = (own.get("runs") or {}).get("seeds") or []
      chosen.append({"workdir": os.path.basename(os.path.normpath(wd)),
                     "seed": seeds[i] if i < len(seeds) else own.get("seed"),
                     "validation": best[2] if best else None, "test": test,
                     "epoch": best[0] if best else None, "fit": report.accuracy_of_run(fit, i)})
    if not chosen:
      raise SystemExit(f"error: {arg}: no evaluated run of {wd} matches; check the workdir and "
                       "the KEY=VALUE filter")
    out += chosen
  return out


def _percent(accuracy) -> str:
  return "-" if accuracy is None else f"{100 * accuracy:.1f}"


def main(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument("workdirs", nargs="+", help="WORKDIR[:KEY=VALUE,...] of the first group")
  parser.add_argument("--against", nargs="+", required=True,
                      help="WORKDIR[:KEY=VALUE,...] of the group it is compared with")
  a = parser.parse_args(argv)
  groups = [runs(a.workdirs), runs(a.against)]
  print("| group | workdir | seed | validation % | test % | best epoch | "
        "training subset % at the end |")
  print("|---" * 7 + "|")
  for name, group in zip("AB", groups):
    for r in group:
      val, test, fit = (_percent(r[k]) for k in ("validation", "test", "fit"))
      epoch = "-" if r["epoch"] is None else f"{r['epoch']:g}"
      print(f"| {name} | {r['workdir']} | {r['seed']} | {val} | {test} | {epoch} | {fit} |")
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
