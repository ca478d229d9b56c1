"""The paper's analyses (issue 13) from our runs: a markdown table on stdout and a PNG each.

  python experiments/figures.py bptt_length --out docs/results/bptt_length.png WORKDIR ...
  python experiments/figures.py fit --out docs/results/fit.png WORKDIR ...
  python experiments/figures.py length --out docs/results/length.png SWEEP.jsonl ... \
      [--workdirs WORKDIR ...]
  python experiments/figures.py memory --out docs/results/memory.png [NAME=]INSPECT.json ...
  python experiments/figures.py aux_weight --out docs/results/aux_weight.png WORKDIR ...

A WORKDIR may end in ``:KEY=VALUE[,KEY=VALUE...]``, as in ``contrast.py``: only its runs whose
config has those values count (e.g. one weight of a packed sweep: ``WD:aux_weight=1``).

``bptt_length`` (Figure 4): r-LSTM and p-LSTM runs grouped by their supervised horizon
(``model.horizon``: 300 ... 1, and 0 = no supervised gradient into the LSTM), beside the paper's
digitised points, one series per training length (planned epochs, and where a run was stopped
short) and setting that differs from the loss's default (no teacher forcing, another auxiliary
weight); LSTM full-BPTT runs among the workdirs give a reference line per training length.
Each run counts with its test accuracy at its best validation evaluation (its last one without a
validation split).

``fit`` (Figure 5, optimisation and regularisation): each run's accuracy on the fixed training
subset (``train_eval_examples``) and on test against steps, mean per row and setting, with a table
at four steps.

``length`` (Figure 3 in kind): ``benchmarks/length_sweep.py``'s JSON lines, seconds per batch and
peak memory against sequence length per row (points that failed, e.g. out of memory, are listed);
with ``--workdirs``, the test accuracy of image-task runs (``TASK`` and its resized ``TASK@SIDE``)
against their length, one series per row, training length and setting (as ``bptt_length``'s). The
paper's Figure 3 is on Stanford Dogs, which we cannot get: its numbers are shown for the shape of
the curves, not as the same experiment.

``aux_weight`` (ours): the auxiliary loss's weight against test accuracy at the best validation
evaluation, best validation accuracy and the training subset's accuracy at the last evaluation
(how much the runs memorised), one series per task, row, planned epochs and other setting. A
series whose runs stopped before their planned end says at which epoch.

``memory`` (the mechanism, ours): ``experiments/inspect_run.py --probe_examples N`` outputs, the
linear probe's R^2 of each input from the final state by distance from the end, one series per
name (``NAME``, or the file's): inspections given one name (the seeds of a setting) pool into
mean ± std. Beside them, what the label alone predicts.
"""
import argparse
import json
import os
import sys

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rnn_aux.data import tasks  # noqa: E402

if __package__:
  from experiments import report  # noqa: E402
else:  # run as a file (python experiments/figures.py): this folder is on sys.path
  import report  # noqa: E402

# Figure 4, CIFAR-10 test accuracy % against the supervised BPTT length (PAPER.md, +-0.5)
PAPER_BPTT = {"rlstm": {300: 66.0, 200: 63.0, 100: 60.5, 50: 58.0, 1: 46.0, 0: 37.5},
              "plstm": {300: 64.5, 200: 62.0, 100: 60.5, 50: 59.0, 1: 48.0, 0: 35.0}}
PAPER_LSTM_FULL_CIFAR = 58.8
PAPER_DECODER = [256, 256]  # the decoder the reviews report (two 256-unit layers; PAPER.md)
# Figure 3, Stanford Dogs test accuracy % against length (LSTM, r-LSTM, p-LSTM, Transformer)
PAPER_DOGS = {1600: (3.8, 6.8, 6.5, 11.8), 2304: (2.9, 6.2, 6.8, 10.3), 3136: (2.1, 5.8, 5.8, 6.8),
              5184: (1.4, 4.9, 6.5, 4.4), 6400: (1.9, 4.9, 4.2, 2.9), 9216: (1.1, 4.0, 4.6, 1.9),
              12544: (1.0, 3.4, 3.0, None), 16384: (None, 3.7, 2.1, None)}
PAPER_DOGS_ROWS = ("lstm_full", "rlstm_t300", "plstm_t300", "transformer")


def run_accuracies(workdirs):
  """``[(config of the run, test accuracy, setting), ...]`` over every run of the workdirs: at
  the best validation evaluation, else the final one; runs with neither are left out. The setting
  names the run's series: its training length (``_schedule``), then what else sets it apart
  (``_variant``)."""
  out = []
  for arg in workdirs:
    _, results, selected = report.selected_runs(arg)
    for _, own, final, curve in selected:
      chosen = report.chosen_on_validation(curve)
      acc = chosen[1] if chosen else final
      if acc is not None:
        setting = ", ".join(filter(None, (_schedule(own, results, curve), _variant(own))))
        out.append((own, acc, setting))
  return out


def _schedule(config: dict, results: dict, curve: list) -> str:
  """A run's training length, part of every figure's series: runs of different lengths had
  different schedules, and a run stopped short (``report.STOPPED_SHORT``) pools only with runs
  stopped at the same epoch, as in ``report.py``."""
  out = f"{report.planned_epochs(config):g} epochs"
  if report.stopped_short(results) and curve:
    out += f", stopped at epoch {curve[-1][0]:.0f}"
  return out


def _stat(values) -> tuple:
  """Mean and sample std in % (0 for one value), for the plots."""
  a = 100 * np.asarray(values, np.float64)
  return a.mean(), (a.std(ddof=1) if a.size > 1 else 0.0)


def _cell(values) -> str:
  return f"{report.mean_std(values)} ({len(values)})" if values else "-"


def _variant(config: dict) -> str:
  """What sets a run apart from its row's default, for the figures' series (empty for the
  default): a regulariser (any row); for an auxiliary loss, running without teacher forcing,
  another auxiliary weight or another decoder. Runs of different settings are not pooled."""
  parts = []
  if config["model"].get("aux") is not None:
    parts += ["no teacher forcing"] if report.without_teacher_forcing(config["model"]) else []
    if config.get("aux_weight", 1.0) != 1.0:
      parts.append(f"aux weight {config['aux_weight']:g}")
    decoder = list(config["model"].get("decoder_sizes", PAPER_DECODER))
    if decoder != PAPER_DECODER:
      parts.append("decoder " + "x".join(map(str, decoder)))
  if config.get("augment", "none") != "none":
    parts.append(f"{config['augment']} augmentation")
  if config.get("weight_decay"):
    parts.append(f"weight decay {config['weight_decay']:g}")
  if config["model"].get("head_dropout"):
    parts.append(f"head dropout {config['model']['head_dropout']:g}")
  return ", ".join(parts)


def _title(name: str, variant: str) -> str:
  """A series' name: the row (or row and schedule), then its setting in brackets if any."""
  return name + (f" ({variant})" if variant else "")


def bptt_length(workdirs, out: str) -> None:
  groups = {}  # ((label, setting), horizon) -> accuracies
  for config, acc, setting in run_accuracies(workdirs):
    m = config["model"]
    if m["name"] != "lstm":
      continue
    label = "lstm" if m["aux"] is None else report.aux_label(m["aux"])
    groups.setdefault(((label, setting), m["horizon"]), []).append(acc)
  horizons = sorted({h for (s, h) in groups if s[0] != "lstm" and h is not None}
                    | set(PAPER_BPTT["rlstm"]), reverse=True)
  name = lambda h: "none" if h == 0 else str(h)
  series_of = {label: sorted({s for (s, _) in groups if s[0] == label}) or [(label, "")]
               for label in (*PAPER_BPTT, "lstm")}
  columns = [(s, False) for s in series_of["rlstm"]] + [(("rlstm", ""), True)]
  columns += [(s, False) for s in series_of["plstm"]] + [(("plstm", ""), True)]
  print("| supervised BPTT length | " + " | ".join(
      f"{_title(*s)} {'paper' if paper else 'ours (runs)'}" for s, paper in columns) + " |")
  print("|---" * (len(columns) + 1) + "|")
  for h in horizons:
    cells = [str(PAPER_BPTT[s[0]].get(h, "-")) if paper else _cell(groups.get((s, h), []))
             for s, paper in columns]
    print(f"| {name(h)} | " + " | ".join(cells) + " |")
  full = [(s, groups[(s, None)]) for s in series_of["lstm"] if (s, None) in groups]
  print("\nLSTM full BPTT: ours " + ("; ".join(f"{s[1]}: {_cell(accs)}" for s, accs in full)
                                     or "-") + f", paper {PAPER_LSTM_FULL_CIFAR}. Test % at best "
        "validation, mean ± std (runs).")
  fig, ax = plt.subplots(figsize=(7, 4.5))
  xs = np.arange(len(horizons))
  for label, color in (("rlstm", "C3"), ("plstm", "C2")):
    ax.plot(xs, [PAPER_BPTT[label].get(h, np.nan) for h in horizons], "--", color=color,
            label=f"{label} paper")
    for k, s in enumerate(series_of[label]):
      points = [(i, *_stat(groups[(s, h)])) for i, h in enumerate(horizons) if (s, h) in groups]
      if points:
        i, mean, std = zip(*points)
        ax.errorbar(np.asarray(i) + 0.06 * k, mean, yerr=std, marker="osD^v<>"[k % 7],
                    color=color, alpha=1.0 if k == 0 else 0.7, capsize=3,
                    label=f"{_title(*s)} ours")
  ax.axhline(PAPER_LSTM_FULL_CIFAR, color="C0", linestyle=":", label="LSTM full BPTT paper")
  for k, (s, accs) in enumerate(full):
    ax.axhline(_stat(accs)[0], color="C0", linestyle=("-", "-.", (0, (5, 1)))[k % 3],
               label=f"LSTM full BPTT, {s[1]} ours")
  ax.set(xticks=xs, xticklabels=[name(h) for h in horizons], xlabel="supervised BPTT length",
         ylabel="test accuracy %")
  ax.legend(fontsize=6); fig.tight_layout(); fig.savefig(out, dpi=100)
  print(f"\nwrote {out}")


def _fit_curves(workdirs) -> dict:
  """Figure 5's data: ``{series: {step: ([training-subset accuracies], [test accuracies])}}``
  over every run of the workdirs; a series is a Table 2 row and its setting (``_variant``)."""
  out = {}
  for arg in workdirs:
    _, results, selected = report.selected_runs(arg)
    for i, own, _, _ in selected:
      variant = _variant(own)
      # runs of different lengths have different schedules: apart
      series = _title(f"{report.row_name(own)}, {report.planned_epochs(own)} epochs", variant)
      for entry in results.get("history", []):
        train = report.accuracy_of_run(entry.get("train_subset"), i)
        if train is not None:
          at = out.setdefault(series, {}).setdefault(entry["step"], ([], []))
          at[0].append(train)
          at[1].append(report.accuracy_of_run(entry, i))
  if not out:
    raise SystemExit("error: no run among the workdirs evaluated a training subset; train with "
                     "--config.train_eval_examples=N (e.g. 5000)")
  return out


def fit(workdirs, out: str) -> None:
  """Figure 5: training-subset and test accuracy against steps, one series per row and setting,
  in two panels; the table gives both at a quarter, half, three quarters and the end of the
  longest series ("-" where a series has stopped: early, or preempted)."""
  curves = _fit_curves(workdirs)
  last = max(max(steps) for steps in curves.values())
  marks = sorted({min((s for s in curves[name] if s >= last * f), default=None)
                  for name in curves for f in (0.25, 0.5, 0.75, 1.0)} - {None})
  print("| series (runs) | " + " | ".join(f"step {s}" for s in marks) + " |")
  print("|---" * (len(marks) + 1) + "|")
  for name, at in sorted(curves.items()):
    runs = max(len(v[0]) for v in at.values())
    cells = [f"{_stat(at[s][0])[0]:.1f} / {_stat(at[s][1])[0]:.1f}" if s in at else "-"
             for s in marks]
    print(f"| {name} ({runs}) | " + " | ".join(cells) + " |")
  print("\nTraining subset % / test % at each step, mean over runs. Paper (Figure 5, ~400k "
        "steps): r-LSTM and p-LSTM above LSTM in both throughout; training accuracy near 60-65%.")
  # two panels and the legend below them: with one panel, the many training curves' legend hid
  # the test curves it sat on
  fig, (ax_train, ax_test) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
  for k, (name, at) in enumerate(sorted(curves.items())):
    steps = sorted(at)
    ax_train.plot(steps, [_stat(at[s][0])[0] for s in steps], color=f"C{k}", label=name)
    ax_test.plot(steps, [_stat(at[s][1])[0] for s in steps], color=f"C{k}")
  ax_train.set(xlabel="step", ylabel="accuracy %", title="training subset")
  ax_test.set(xlabel="step", title="test")
  fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=7, ncol=1)
  fig.tight_layout(); fig.savefig(out, dpi=100, bbox_inches="tight")
  print(f"\nwrote {out}")


def _sweep_points(paths):
  points = []
  for path in paths:
    if not os.path.exists(path):
      raise SystemExit(f"error: {path} does not exist; run benchmarks/length_sweep.py --out it")
    for line in open(path):
      line = line.strip()
      if line.startswith("{"):
        p = json.loads(line)
        if "row" in p and "T" in p:
          points.append(p)
  if not points:
    raise SystemExit(f"error: no length_sweep points in {', '.join(paths)}")
  # A row timed under different config overrides is that many lines, each named by its overrides
  variants = {}
  for p in points:
    variants.setdefault(p["row"], set()).add(tuple(p.get("overrides", ())))
  for p in points:
    overrides = p.get("overrides", ())
    p["label"] = (p["row"] if len(variants[p["row"]]) == 1
                  else f"{p['row']} ({', '.join(overrides) or 'default'})")
  return points


def _style(styles: dict, row: str, variant) -> dict:
  """One colour per row in every panel of a figure, one line style per setting of the row."""
  colours = styles.setdefault("colour", {})  # row -> colour
  settings = styles.setdefault("setting", {}).setdefault(row, {})  # row -> setting -> line style
  settings.setdefault(variant, ("-", "--", ":", "-.")[len(settings) % 4])
  return {"color": colours.setdefault(row, f"C{len(colours) % 10}"),
          "linestyle": settings[variant]}


def length(sweeps, workdirs, out: str) -> None:
  points = _sweep_points(sweeps)
  rows = sorted({p["label"] for p in points})
  lengths = sorted({p["T"] for p in points})
  at = {(p["label"], p["T"]): p for p in points}  # the last line of a point wins
  print("Seconds per batch, peak MiB (" + ", ".join(sorted({p["device"] for p in points
                                                            if "device" in p})) + ")\n")
  print("| row | " + " | ".join(f"T={t}" for t in lengths) + " |")
  print("|---|" + "---|" * len(lengths))
  for row in rows:
    cells = []
    for t in lengths:
      p = at.get((row, t))
      cells.append("-" if p is None else f"error: {p['error'][:40]}" if "error" in p
                   else f"{p['s_per_batch']:.3g} s, {p['peak_MiB']:.0f} MiB")
    print(f"| {row} | " + " | ".join(cells) + " |")
  accs, bases = {}, set()  # (row, setting, length) -> accuracies; the image tasks behind them
  for config, acc, setting in run_accuracies(workdirs):
    base = config["task"].partition("@")[0]
    if base not in tasks.TASKS or tasks.TASKS[base].kind != "image":
      continue  # lengths of npz:/tfds: tasks are known only from their data
    bases.add(base)
    task = tasks.get_task(config["task"])
    accs.setdefault((report.row_name(config), setting, task.seq_len), []).append(acc)
  panels = 3 if accs else 2
  fig, axes = plt.subplots(1, panels, figsize=(5 * panels, 4))
  styles = {}
  for label in rows:
    ok = [at[(label, t)] for t in lengths if (label, t) in at and "error" not in at[(label, t)]]
    if not ok:
      continue
    # a row timed one way only is its plain setting, drawn as its accuracies' plain setting is
    style = _style(styles, ok[0]["row"], "" if label == ok[0]["row"] else label)
    axes[0].plot([p["T"] for p in ok], [p["s_per_batch"] for p in ok], marker="o", label=label,
                 **style)
    axes[1].plot([p["T"] for p in ok], [p["peak_MiB"] for p in ok], marker="o", label=label,
                 **style)
  axes[0].set(xlabel="sequence length", ylabel="seconds per batch", xscale="log", yscale="log")
  axes[1].set(xlabel="sequence length", ylabel="peak MiB", xscale="log", yscale="log")
  if accs:
    print("\n| row | length | test % ours (runs) | paper, Stanford Dogs |")
    print("|---|---|---|---|")
    for (row, variant, t), values in sorted(accs.items()):
      k = PAPER_DOGS_ROWS.index(row) if row in PAPER_DOGS_ROWS else None
      paper = PAPER_DOGS.get(t, (None,) * 4)[k] if k is not None else None
      print(f"| {_title(row, variant)} | {t} | {_cell(values)} | "
            f"{'-' if paper is None else paper} |")
    for series in sorted({(r, v) for r, v, _ in accs}):
      ts = sorted(t for r, v, t in accs if (r, v) == series)
      axes[2].plot(ts, [_stat(accs[(*series, t)])[0] for t in ts], marker="o",
                   label=_title(*series), **_style(styles, *series))
    axes[2].set(xlabel="sequence length", xscale="log",
                ylabel=f"test accuracy % ({', '.join(sorted(bases))}, resized)")
    axes[2].legend(fontsize=7)
  axes[0].legend(fontsize=7); fig.tight_layout(); fig.savefig(out, dpi=100)
  print(f"\nwrote {out}")


def memory(inspections, out: str) -> None:
  named = {}  # name -> [bands, ...]: inspections given one NAME pool (seeds of one setting)
  for arg in inspections:
    name, _, path = arg.rpartition("=")
    name = name or os.path.splitext(os.path.basename(path))[0].removeprefix("inspect_")
    try:
      with open(path) as f:
        bands = json.load(f).get("probe_r2_by_distance")
    except (OSError, json.JSONDecodeError) as e:
      raise SystemExit(f"error: {path}: {e}")
    if not bands:
      raise SystemExit(f"error: {path} has no probe; run inspect_run.py with --probe_examples N")
    named.setdefault(name, []).append(bands)
  first = next(iter(named.values()))[0]
  distances = [tuple(b["distance"]) for b in first]
  if any([tuple(b["distance"]) for b in bands] != distances
         for runs in named.values() for bands in runs):
    raise SystemExit("error: the inspections' probes have different distance bands (sequence "
                     "lengths); compare runs of one task")
  r2 = {name: np.array([[b["r2"] for b in bands] for bands in runs]) for name, runs in named.items()}
  print("Probe R^2 of each input from the final state, by steps before the end (mean ± std over "
        "the inspections given one name)\n")
  print("| run (inspections) | " + " | ".join(f"{lo}-{hi}" for lo, hi in distances) + " |")
  print("|---|" + "---|" * len(distances))
  spread = {name: values.std(0, ddof=1) if len(values) > 1 else None for name, values in r2.items()}
  for name, values in r2.items():
    std = [None] * values.shape[1] if spread[name] is None else spread[name]
    cells = [f"{m:.3f}" + ("" if s is None else f" ± {s:.3f}") for m, s in zip(values.mean(0), std)]
    print(f"| {name} ({len(values)}) | " + " | ".join(cells) + " |")
  label_only = [b["r2_from_the_label"] for b in first]
  print("| from the label alone | " + " | ".join(f"{v:.3f}" for v in label_only) + " |")
  mids = [(lo + hi) / 2 for lo, hi in distances]
  fig, ax = plt.subplots(figsize=(7, 4))
  for i, (name, values) in enumerate(r2.items()):
    ax.errorbar(mids, values.mean(0), yerr=spread[name], fmt="o-", color=f"C{i}", capsize=3,
                label=f"{name} ({len(values)})")
  ax.plot(mids, label_only, "k--", label="from the label alone")
  ax.axhline(0, color="grey", lw=0.5)
  ax.set(xlabel="steps before the end of the sequence", ylabel="probe R^2 of the input")
  ax.legend(fontsize=7); fig.tight_layout(); fig.savefig(out, dpi=100)
  print(f"\nwrote {out}")


def _weight_points(workdirs) -> dict:
  """``{(series, planned epochs): {weight: [(best validation, test there, training subset at the
  end, epochs run), ...]}}`` over the auxiliary-loss runs of the workdirs that have a validation
  split and a training subset."""
  out = {}
  for arg in workdirs:
    _, results, selected = report.selected_runs(arg)
    last = report.last_training_subset(results)
    for i, own, _, curve in selected:
      chosen = report.chosen_on_validation(curve)
      if own["model"].get("aux") is None or chosen is None or last is None:
        continue
      weight = own.get("aux_weight", 1.0)
      epochs = report.planned_epochs(own)
      series = _title(f"{own['task']} {report.row_name(own)}, {epochs} epochs",
                      _variant({**own, "aux_weight": 1.0}))
      out.setdefault((series, epochs), {}).setdefault(weight, []).append(
          (*chosen, report.accuracy_of_run(last, i), curve[-1][0]))
  if not out:
    raise SystemExit("error: no auxiliary-loss run among the workdirs has both a validation split "
                     "and a training subset; train with --config.validation_examples=N and "
                     "--config.train_eval_examples=N")
  return out


def aux_weight(workdirs, out: str) -> None:
  """The auxiliary weight as a regulariser: per series and weight, test at best validation,
  best validation and the training subset at the end; a table and two panels."""
  points = _weight_points(workdirs)
  print("| series | aux weight | test % at best val. | best val. % | train subset % at end "
        "| runs |")
  print("|---|---|---|---|---|---|")
  for (name, planned), by_weight in sorted(points.items()):
    for weight, runs in sorted(by_weight.items()):
      val, test, train, ran = zip(*runs)
      stopped = sorted({e for e in ran if e < planned})
      stop = (f", {sum(e < planned for e in ran)} stopped at epoch "
              f"{', '.join(f'{e:g}' for e in stopped)}" if stopped else "")
      print(f"| {name} | {weight:g} | {report.mean_std(test)} | {report.mean_std(val)} | "
            f"{report.mean_std(train)} | {len(runs)}{stop} |")
  fig, (ax_test, ax_train) = plt.subplots(1, 2, figsize=(11, 4))
  for k, ((name, _), by_weight) in enumerate(sorted(points.items())):
    weights = sorted(by_weight)
    for ax, j in ((ax_test, 1), (ax_train, 2)):
      mean, std = zip(*(_stat([r[j] for r in by_weight[w]]) for w in weights))
      ax.errorbar(weights, mean, yerr=std, marker="o", capsize=3, color=f"C{k}",
                  label=name if ax is ax_test else None)
  for ax, title in ((ax_test, "test at best validation"), (ax_train, "training subset at the end")):
    ax.set(xscale="log", xlabel="auxiliary weight", ylabel="accuracy %", title=title)
  fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=7, ncol=1)
  fig.tight_layout(); fig.savefig(out, dpi=100, bbox_inches="tight")
  print(f"\nwrote {out}")


WORKDIRS_HELP = "WORKDIR[:KEY=VALUE,...]: a workdir of train.py, or only its runs with those values"


def main(argv):
  ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  sub = ap.add_subparsers(dest="figure", required=True)
  b = sub.add_parser("bptt_length", help="Figure 4: accuracy against supervised BPTT length")
  b.add_argument("--out", required=True)
  b.add_argument("workdirs", nargs="+", help=WORKDIRS_HELP)
  f = sub.add_parser("fit", help="Figure 5: training-subset and test accuracy against steps")
  f.add_argument("--out", required=True)
  f.add_argument("workdirs", nargs="+", help=WORKDIRS_HELP)
  s = sub.add_parser("length", help="Figure 3 in kind: time, memory, accuracy against length")
  s.add_argument("--out", required=True)
  s.add_argument("sweeps", nargs="+", help="length_sweep.py JSON-lines files")
  s.add_argument("--workdirs", nargs="*", default=[], help=WORKDIRS_HELP)
  m = sub.add_parser("memory", help="the linear probe's R^2 against distance (inspect_run.py)")
  m.add_argument("--out", required=True)
  m.add_argument("inspections", nargs="+", help="[NAME=]inspect.json of inspect_run.py")
  w = sub.add_parser("aux_weight", help="ours: test, validation and training-subset accuracy "
                     "against the auxiliary weight")
  w.add_argument("--out", required=True)
  w.add_argument("workdirs", nargs="+", help=WORKDIRS_HELP)
  a = ap.parse_args(argv)
  if a.figure == "bptt_length":
    bptt_length(a.workdirs, a.out)
  elif a.figure == "fit":
    fit(a.workdirs, a.out)
  elif a.figure == "length":
    length(a.sweeps, a.workdirs, a.out)
  elif a.figure == "aux_weight":
    aux_weight(a.workdirs, a.out)
  else:
    memory(a.inspections, a.out)


if __name__ == "__main__":
  main(sys.argv[1:])
