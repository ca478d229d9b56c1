"""Our results beside the paper's Table 2 (markdown).

  python experiments/report.py workdirs/mnist_rlstm_t300 workdirs/pmnist_lstm_t300 ...

A workdir's cell comes from its config.json (task, model, horizons, training settings); its runs
(several when packed) from results.json. Workdirs of one cell are pooled: mean ± std over runs.
"""
import json
import os
import sys

import numpy as np

from rnn_aux import auxiliary
from rnn_aux.train import config_guard

PAPER = {  # Table 2, test accuracy %: (MNIST, pMNIST, CIFAR-10)
    "lstm_full": (98.3, 89.4, 58.8), "lstm_t300": (11.3, 88.8, 49.0),
    "rlstm_t300": (96.4, 92.8, 65.9), "plstm_t300": (95.4, 92.5, 64.7),
    "rlstm_full": (98.4, 95.2, 72.2), "plstm_full": (98.0, 92.8, 67.6),
    "transformer": (98.9, 97.9, 62.2),
}
COLUMNS = {"mnist": 0, "pmnist": 1, "cifar10": 2, "cifar10_jpeg_lossy": 2}


def row_name(config: dict) -> str:
  m = config["model"]
  if m["name"] == "transformer":
    return "transformer"
  prefix = "lstm" if m["aux"] is None else aux_label(m["aux"])
  return f"{prefix}_{'full' if m['horizon'] is None else 't' + str(m['horizon'])}"


def aux_label(name: str) -> str:
  """The registered auxiliary loss's short label (``rlstm``), or its name if this process has not
  registered it (a loss defined in the user's own code)."""
  try:
    return auxiliary.get(name).label
  except ValueError:
    return name


def settings(config: dict) -> str:
  """The choices the paper leaves open that runs of one row differ in most often."""
  m = config["model"]
  out = f"{config['optimizer']} {config['learning_rate']:g}, {m['head_activation']} head"
  if m["name"] != "lstm":
    return out
  return out + f", {m['recurrence']}" + ("" if m["cell"] == "lstm" else f", {m['cell']} cell")


def run_accuracies(results: dict) -> list:
  """Each run's final test accuracy: the packed runs of a workdir, or its one run."""
  if results.get("runs"):
    return [r["final_test_accuracy"] for r in results["runs"]
            if r.get("final_test_accuracy") is not None]
  acc = results.get("final_test_accuracy")
  return [] if acc is None else [acc]


def main(workdirs):
  """One row per cell (row of Table 2, task, settings): the mean ± std over its runs, from one or
  several workdirs (packed runs count one each)."""
  cells = {}
  for wd in workdirs:
    with open(os.path.join(wd, "config.json")) as f:
      config = config_guard.with_legacy_values(json.load(f))
    path = os.path.join(wd, "results.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    key = (row_name(config), config["task"], settings(config))
    cell = cells.setdefault(key, {"accs": [], "epochs": [], "status": []})
    cell["accs"] += run_accuracies(results)
    cell["epochs"].append(results.get("epochs", 0.0))
    cell["status"].append(results.get("status", "not run"))
  rows = []
  for (name, task, setting), cell in cells.items():
    paper = PAPER.get(name, (None,) * 3)[COLUMNS[task]] if task in COLUMNS else None
    accs = 100 * np.asarray(cell["accs"], np.float64)
    ours = ("-" if not accs.size else f"{accs.mean():.1f}" if accs.size == 1 else
            f"{accs.mean():.1f} ± {accs.std(ddof=1):.1f}")
    epochs = f"{min(cell['epochs']):.1f}" + (f"-{max(cell['epochs']):.1f}"
                                            if max(cell["epochs"]) > min(cell["epochs"]) else "")
    rows.append(f"| {name} | {task}{' (JPEG-lossy)' if 'lossy' in task else ''} | {ours} | "
                f"{accs.size} | {'-' if paper is None else paper} | {epochs} | "
                f"{', '.join(sorted(set(cell['status'])))} | {setting} |")
  print("| model | task | ours (test %, mean ± std) | runs | paper (test %) | epochs | status | "
        "settings |")
  print("|---|---|---|---|---|---|---|---|")
  print("\n".join(rows))


if __name__ == "__main__":
  if len(sys.argv) < 2:
    sys.exit("usage: python experiments/report.py WORKDIR [WORKDIR ...]")
  main(sys.argv[1:])
