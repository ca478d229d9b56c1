"""Train loss and accuracy curves of one or more workdirs to a PNG. Loss: the supervised (solid) and
auxiliary (dashed) parts apart where the run logged them, else the total. Accuracy: test (solid),
validation (dashed) and the fixed training subset (dotted, ``train_eval_examples``) where the run
has them. ``--per_run``: a packed workdir's runs each as a thin test-accuracy line (seed-dependent
events, e.g. runs that sit at chance for some epochs), instead of their mean.

  python experiments/plot.py --out curves.png workdirs/mnist_rlstm_t300 workdirs/mnist_lstm_t300
"""
import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def draw(workdirs, x: str = "epoch", per_run: bool = False):
  """The figure (loss panel, accuracy panel) of ``workdirs``."""
  fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
  for wd in workdirs:
    path = os.path.join(wd, "results.json")
    if not os.path.exists(path):
      raise SystemExit(f"error: {path} does not exist; train first (experiments/train.py)")
    res = json.load(open(path))
    label = os.path.basename(os.path.normpath(wd))
    log = res.get("train_log", [])
    steps = [e["step"] for e in log]
    if log and "aux_loss" in log[0]:  # the two parts of the objective apart
      part, = ax_loss.plot(steps, [e["supervised_loss"] for e in log], label=label)
      ax_loss.plot(steps, [e["aux_loss"] for e in log], linestyle="--", color=part.get_color())
    else:
      ax_loss.plot(steps, [e["loss"] for e in log], label=label)
    hist = res.get("history", [])
    if per_run and hist and hist[0].get("runs"):
      color = None
      for i in range(len(hist[0]["runs"])):
        line, = ax_acc.plot([h[x] for h in hist], [h["runs"][i]["accuracy"] for h in hist],
                            linewidth=0.8, color=color, label=None if color else label)
        color = line.get_color()
      continue
    line, = ax_acc.plot([h[x] for h in hist], [h["accuracy"] for h in hist], marker="o",
                        markersize=3, label=label)
    for name, style in (("validation", "--"), ("train_subset", ":")):
      points = [(h[x], h[name]["accuracy"]) for h in hist if h.get(name)]
      if points:
        ax_acc.plot(*zip(*points), linestyle=style, color=line.get_color())
  ax_loss.set(xlabel="step", ylabel="train loss")
  ax_loss.set_title("total, or supervised (solid) and auxiliary (dashed)", fontsize=9)
  ax_acc.set(xlabel=x, ylabel="accuracy")
  ax_acc.set_title("each run's test accuracy" if per_run else
                   "test (solid), validation (dashed), training subset (dotted)", fontsize=9)
  # many workdirs per figure: small legends where the curves usually are not
  ax_loss.legend(fontsize=7, loc="upper right"); ax_acc.legend(fontsize=7, loc="lower right")
  fig.tight_layout()
  return fig


def main(argv=None):
  ap = argparse.ArgumentParser()
  ap.add_argument("--out", required=True)
  ap.add_argument("--x", choices=("epoch", "step"), default="epoch",
                  help="the accuracy panel's axis")
  ap.add_argument("--per_run", action="store_true",
                  help="each packed run's test accuracy, instead of the runs' mean")
  ap.add_argument("workdirs", nargs="+")
  a = ap.parse_args(argv)
  draw(a.workdirs, a.x, a.per_run).savefig(a.out, dpi=100)
  print(f"wrote {a.out}")


if __name__ == "__main__":
  main()
