"""Our results beside the paper's Table 2 (markdown).

  python experiments/report.py workdirs/mnist_rlstm_t300 workdirs/pmnist_lstm_t300 ...

A workdir may end in ``:KEY=VALUE[,KEY=VALUE...]`` (:func:`selected_runs`): only its runs whose
config has those values count.

A workdir's cell comes from its config.json (task, model and every setting but the seed); its runs
(several when packed) from results.json. Workdirs of one cell are pooled: mean ± std over runs.
With a validation split, each run is also reported at its best validation evaluation (the test
accuracy there: settings and epochs are chosen on validation, never on test). Time to accuracy:
the workdir's wall minutes at each run's first evaluation reaching the paper's test accuracy
(packed runs share their workdir's minutes; runs whose evaluations carry no time show "-").
Then Table 2 in the paper's layout, each cell's setting chosen on validation (:func:`table2`),
the paper's contrasts between its chosen cells with Welch's test (:func:`contrasts`), the same
contrasts at each training recipe both rows ran (:func:`recipe_contrasts`), and each chosen cell's
gap to the paper beside what says whether its runs were done: the epochs of their best validation
against the planned ones, and their fit to the training subset (:func:`gaps`).
"""
import copy
import json
import math
import os
import re
import sys

import numpy as np
from scipy import stats

from rnn_aux import auxiliary
from rnn_aux.train import config_guard, metrics
from rnn_aux.train.run_plan import PER_RUN_SETTINGS

PAPER = {  # Table 2, test accuracy %: (MNIST, pMNIST, CIFAR-10)
    "lstm_full": (98.3, 89.4, 58.8), "lstm_t300": (11.3, 88.8, 49.0),
    "rlstm_t300": (96.4, 92.8, 65.9), "plstm_t300": (95.4, 92.5, 64.7),
    "rlstm_full": (98.4, 95.2, 72.2), "plstm_full": (98.0, 92.8, 67.6),
    "transformer": (98.9, 97.9, 62.2),
}
COLUMNS = {"mnist": 0, "pmnist": 1, "cifar10": 2, "cifar10_jpeg_lossy": 2}
# a workdir whose runs did not reach their planned steps: stopped by a signal, or its record as of
# the last evaluation (the process died, or the machine was lost, before the end)
STOPPED_SHORT = {"preempted", "running"}


def stopped_short(results: dict) -> bool:
  """Whether a workdir's record stops short of its planned steps (``STOPPED_SHORT``)."""
  return results.get("status") in STOPPED_SHORT


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


# Fields that do not make two workdirs different cells (seeds are what a cell pools over).
_NOT_SETTINGS = set(config_guard.RESUMABLE_FIELDS) | {"seed", "runs.seeds", "eval_batch_size"}


def without_teacher_forcing(model: dict) -> bool:
  """Whether a run's r-LSTM decoder ran without teacher forcing (the flag means nothing to the
  other models)."""
  return model.get("aux") == "reconstruction" and not model.get("teacher_forcing", True)


def settings(config: dict) -> str:
  """The choices the paper leaves open that runs of one row differ in most often."""
  m = config["model"]
  out = f"{config['optimizer']} {config['learning_rate']:g}, {m['head_activation']} head"
  if config["lr_schedule"] != "constant":
    out += f", {config['lr_schedule']} schedule"
  if config.get("pretrain_epochs"):
    out += f", {config['pretrain_epochs']} aux-only epochs"
  if m["name"] != "lstm":
    return out
  out += "" if m.get("input_embedding", True) else ", raw pixel inputs"
  if without_teacher_forcing(m):
    out += ", no teacher forcing"
  return out + f", {m['recurrence']}" + ("" if m["cell"] == "lstm" else f", {m['cell']} cell")


def setting_items(config: dict) -> frozenset:
  """Every field of a run's config that decides what it computes (seeds aside), as items."""
  return frozenset((k, json.dumps(v)) for k, v in config_guard.flat(config).items()
                   if k not in _NOT_SETTINGS)


def _differing(items: frozenset, others) -> list:
  """The keys whose value in ``items`` (``(key, value)`` pairs) some of ``others`` lacks: what tells
  a setting apart from the others it is listed with."""
  return sorted(k for k, v in items if any((k, v) not in other for other in others))


def accuracy_of_run(entry, i: int):
  """Run ``i``'s accuracy in one evaluation's entry (packed: its ``runs``), or None."""
  return metrics.run_accuracy(entry, i) if entry else None


def run_curves(results: dict) -> list:
  """Per run (packed runs, or the one run): ``[(epoch, test accuracy, validation accuracy or
  None), ...]`` over its evaluations."""
  history = results.get("history", [])
  n = len(results.get("runs") or []) or 1
  return [[(e["epoch"], accuracy_of_run(e, i), accuracy_of_run(e.get("validation"), i))
           for e in history] for i in range(n)]


def planned_epochs(config: dict):
  """A run's planned epochs, auxiliary-only ones included."""
  return config.get("pretrain_epochs", 0) + config["train_epochs"]


def last_training_subset(results: dict) -> dict | None:
  """The workdir's last evaluation of the training subset (every packed run's), or None."""
  return next((e["train_subset"] for e in reversed(results.get("history", []))
               if e.get("train_subset")), None)


def minutes_to(results: dict, i: int, target: float):
  """Time to accuracy: the workdir's wall minutes (all its packed runs together, evaluations
  included) at the first evaluation where run ``i``'s test accuracy reaches ``target``; ``inf``
  if it never does; None if the evaluations carry no time (runs before session 9)."""
  for entry in results.get("history", []):
    if "wall_time_s" not in entry:
      return None
    if accuracy_of_run(entry, i) >= target:
      return entry["wall_time_s"] / 60
  return math.inf if results.get("history") else None


def _time_to_paper(minutes: list) -> str:
  """A cell's time to the paper's accuracy: the mean over its runs that reached it, and how many
  of its timed runs did."""
  timed = [m for m in minutes if m is not None]
  reached = [m for m in timed if m != math.inf]
  if not timed:
    return "-"
  return (f"{np.mean(reached):.1f} ({len(reached)} of {len(timed)})" if reached
          else f"not reached (0 of {len(timed)})")


def runs_of(config: dict, results: dict) -> list:
  """Each run of a workdir as ``(its own config, final test accuracy or None, curve)``. Packed
  runs given settings of their own (``runs.learning_rate``, ``runs.weight_decay``, ...) are
  different settings, so each gets its own value in its config."""
  finals = ([r.get("final_test_accuracy") for r in results.get("runs") or []]
            or [results.get("final_test_accuracy")])
  out = []
  for i, curve in enumerate(run_curves(results)):
    own = copy.deepcopy(config)
    per_run = own.get("runs") or {}
    for name in PER_RUN_SETTINGS:
      if per_run.get(name):
        own[name], per_run[name] = float(per_run[name][i]), []
    out.append((own, finals[i] if i < len(finals) else None, curve))
  return out


def _parse_selection(arg: str) -> tuple[str, dict]:
  """``WORKDIR[:KEY=VALUE,...]`` -> ``(workdir, {key: value})``; a value is JSON where it parses
  (numbers, lists, true/false/null), else a string."""
  wd, sep, spec = arg.partition(":")
  if not sep or os.path.isdir(arg):
    return arg, {}
  where = {}
  for item in spec.split(","):
    key, eq, value = item.partition("=")
    if not eq or not key:
      raise SystemExit(f"error: {arg}: write WORKDIR:KEY=VALUE[,KEY=VALUE...], e.g. "
                       f"{wd}:aux_weight=3")
    try:
      where[key] = json.loads(value)
    except json.JSONDecodeError:
      where[key] = value
  return wd, where


def _matches(value, wanted) -> bool:
  if isinstance(value, (int, float)) and isinstance(wanted, (int, float)):
    return math.isclose(value, wanted)
  return value == wanted


def selected_runs(arg: str) -> tuple[str, dict, list]:
  """``WORKDIR[:KEY=VALUE,...]`` -> ``(workdir, results, [(i, own config, final, curve), ...])``:
  the workdir's runs (``runs_of``, ``i`` their index in it) whose config has those values (keys as
  in config.json, nested ones with dots: ``model.decoder_sizes=[128]``), every run without a
  filter. A filter no run matches is an error (a typo would otherwise drop the workdir)."""
  wd, where = _parse_selection(arg)
  config, results = load_workdir(wd)
  chosen = []
  for i, (own, final, curve) in enumerate(runs_of(config, results)):
    settings = config_guard.flat(own)
    unknown = [k for k in where if k not in settings]
    if unknown:
      raise SystemExit(f"error: {arg}: no config field {unknown[0]!r} in {wd}/config.json; "
                       "name fields as it does, nested ones with dots (model.decoder_sizes)")
    if all(_matches(settings[k], v) for k, v in where.items()):
      chosen.append((i, own, final, curve))
  if where and not chosen:
    raise SystemExit(f"error: {arg}: no run of {wd} matches the KEY=VALUE filter; check it "
                     f"against {wd}/config.json")
  return wd, results, chosen


def best_evaluation(curve: list):
  """The run's evaluation ``(epoch, test, validation)`` of best validation accuracy (the first of
  equals), or None without a validation split: the model selection its own history allows."""
  scored = [entry for entry in curve if entry[2] is not None]
  return max(scored, key=lambda entry: entry[2]) if scored else None


def chosen_on_validation(curve: list):
  """``(best validation accuracy, test accuracy at that evaluation)`` (``best_evaluation``), or
  None without a validation split."""
  best = best_evaluation(curve)
  return None if best is None else (best[2], best[1])


def load_workdir(wd: str) -> tuple[dict, dict]:
  """``(config as today's code writes it, results or {} before the first evaluation)``."""
  path = os.path.join(wd, "config.json")
  if not os.path.exists(path):
    raise SystemExit(f"error: {path} does not exist; pass workdirs of experiments/train.py")
  with open(path) as f:
    config = config_guard.with_legacy_values(json.load(f))
  path = os.path.join(wd, "results.json")
  return config, (json.load(open(path)) if os.path.exists(path) else {})


def mean_std(values) -> str:
  """Accuracies (fractions) as ``mean ± std`` in % (sample std), ``-`` for none."""
  a = 100 * np.asarray(values, np.float64)
  return ("-" if not a.size else f"{a.mean():.1f}" if a.size == 1 else
          f"{a.mean():.1f} ± {a.std(ddof=1):.1f}")


def _add_workdir(cell: dict, arg: str, results: dict) -> None:
  cell["workdirs"].append(arg)
  cell["epochs"].append(results.get("epochs", 0.0))
  cell["steps"].append(results.get("step", 0))
  cell["minutes"].append(results.get("wall_time_s", 0.0) / 60)
  cell["status"].append(results.get("status", "not run"))


def _span(values, fmt: str) -> str:
  """``min-max`` of ``values`` in ``fmt`` (one value when they agree), ``-`` for none."""
  if not values:
    return "-"
  low, high = fmt.format(min(values)), fmt.format(max(values))
  return low if max(values) <= min(values) else f"{low}-{high}"


def _paper(name: str, task: str):
  """The paper's test accuracy % for a row on a task, or None."""
  return PAPER.get(name, (None,) * 3)[COLUMNS[task]] if task in COLUMNS else None


def main(workdirs):
  """One row per cell (row of Table 2, task, every setting but the seed): the mean ± std over its
  runs, from one or several workdirs (packed runs count one each)."""
  cells = {}
  for arg in workdirs:
    _, results, selected = selected_runs(arg)
    touched = {}
    # A run stopped short of its planned steps is not a sample of the runs that finished: it pools
    # only with runs stopped at the same step
    stopped = (frozenset({("stopped_at_step", json.dumps(results.get("step", 0)))})
               if stopped_short(results) else frozenset())
    fit = last_training_subset(results)
    for i, own, acc, curve in selected:
      key = (row_name(own), own["task"], setting_items(own) | stopped)
      cell = touched[key] = cells.setdefault(key, {
          "accs": [], "chosen": [], "workdirs": [], "epochs": [], "steps": [], "minutes": [],
          "status": [], "early_stop": set(),
          "to_paper": [], "best_epochs": [], "fit": [], "planned": planned_epochs(own),
          "setting": settings(own)})
      cell["accs"] += [] if acc is None else [acc]
      cell["early_stop"].add(own.get("early_stop_epochs", 0))
      paper = _paper(row_name(own), own["task"])
      cell["to_paper"].append(None if paper is None else minutes_to(results, i, paper / 100))
      best = best_evaluation(curve)
      if best is not None:
        epoch, test, val = best
        cell["chosen"].append((val, test))
        cell["best_epochs"].append(epoch)
      cell["fit"] += [] if fit is None else [accuracy_of_run(fit, i)]
    for cell in touched.values():  # what the workdir ran, once per cell it holds runs of
      _add_workdir(cell, arg, results)
  # The settings column names what tells apart cells of one row and task.
  groups = {}
  for name, task, items in cells:
    groups.setdefault((name, task), []).append(items)
  rows = []
  for (name, task, items), cell in cells.items():
    siblings = groups[(name, task)]
    differ = _differing(items, siblings)
    flat = dict(items)
    setting = ", ".join([cell["setting"]] + [f"{k}={flat[k]}" for k in differ])
    paper = _paper(name, task)
    rows.append(
        f"| {name} | {task}{' (JPEG-lossy)' if 'lossy' in task else ''} | "
        f"{mean_std(cell['accs'])} | {mean_std([t for _, t in cell['chosen']])} | "
        f"{mean_std([v for v, _ in cell['chosen']])} | {len(cell['accs'])} | "
        f"{'-' if paper is None else paper} | {_span(cell['epochs'], '{:.1f}')} | "
        f"{_span(cell['steps'], '{:d}')} | {_span(cell['minutes'], '{:.1f}')} | "
        f"{_time_to_paper(cell['to_paper'])} | {', '.join(sorted(set(cell['status'])))} | "
        f"{setting} |")
  print("| model | task | ours: final test % | test % at best validation | best validation % | "
        "runs | paper (test %) | epochs | steps | wall min per workdir | "
        "wall min to paper's test % | status | settings |")
  print("|---" * 13 + "|")
  print("\n".join(rows))
  print("\n" + table2(cells))
  print("\n" + contrasts(cells))
  print("\n" + recipe_contrasts(cells))
  print("\n" + gaps(cells))
  print("\n" + sources(cells))


def _stopped(cell: dict) -> bool:
  """Whether any workdir of a cell stopped short of its planned steps."""
  return bool(STOPPED_SHORT & set(cell["status"]))


def _stopped_epoch(cell: dict) -> str:
  """The last epoch a stopped cell's runs reached, to one decimal but never rounded up to the
  planned end (102.97 of 103 is 102.9: a stopped run must not read as finished)."""
  epoch = max(cell["epochs"])
  shown = round(epoch, 1)
  return f"{math.floor(10 * epoch) / 10 if shown >= cell['planned'] else shown:g}"


def _marks(task: str, cell: dict) -> str:
  """What a Table 2 entry must say of its cell: JPEG-derived data, runs stopped short."""
  marks = ", JPEG-lossy" if "lossy" in task else ""
  if _stopped(cell):
    marks += f", stopped at epoch {_stopped_epoch(cell)}"
  return marks


def _rank(cell: dict) -> tuple:
  """How a cell ranks among the settings of its row: its mean best-validation accuracy, and on a
  tie, runs that finished over a stopped copy of them (a run handed over to a later machine: the
  earlier machine's record is its history up to then)."""
  return float(np.mean([v for v, _ in cell["chosen"]])), not _stopped(cell)


def _best_cells(cells: dict, group) -> dict:
  """``group(row, task, items, cell) -> (task, cell)``: of Table 2's cells with a validation split,
  the best ranked (``_rank``) of each group."""
  best = {}
  for (name, task, items), cell in cells.items():
    if name not in PAPER or task not in COLUMNS or not cell["chosen"]:
      continue
    key = group(name, task, items, cell)
    if key not in best or _rank(cell) > _rank(best[key][1]):
      best[key] = (task, cell)
  return best


def chosen_cells(cells: dict) -> dict:
  """``(row, column) -> (task, cell)``: of the cells with a validation split, the setting with the
  highest mean best-validation accuracy, per row of Table 2 and task column."""
  return _best_cells(cells, lambda name, task, items, cell: (name, COLUMNS[task]))


def welch(a, b) -> tuple[float, float, float]:
  """``(t, degrees of freedom, two-sided p)`` of Welch's test of mean(a) = mean(b)."""
  res = stats.ttest_ind(a, b, equal_var=False)  # its df is Welch-Satterthwaite's
  return float(res.statistic), float(res.df), float(res.pvalue)


# The paper's contrasts: each auxiliary row against the plain LSTM at the same truncation
CONTRASTS = (("rlstm_t300", "lstm_t300"), ("plstm_t300", "lstm_t300"),
             ("rlstm_full", "lstm_full"), ("plstm_full", "lstm_full"))


def _contrast_line(task: str, a: str, b: str, cell_a: dict, cell_b: dict, recipe=None) -> str:
  """One contrast's table line: our difference of means (test % at best validation), Welch's p
  (``-`` with one run a side), each side's runs and epochs, the paper's difference."""
  tests = [[t for _, t in c["chosen"]] for c in (cell_a, cell_b)]
  p = f"{welch(*tests)[2]:.2g}" if min(len(t) for t in tests) >= 2 else "-"
  sides = [f"{len(t)}, {max(c['epochs']):.0f}" for t, c in zip(tests, (cell_a, cell_b))]
  column = COLUMNS[task]
  return (f"| {task} | {a} - {b} | " + ("" if recipe is None else f"{recipe} | ") +
          f"{100 * (np.mean(tests[0]) - np.mean(tests[1])):+.2f} | {p} | {sides[0]} | "
          f"{sides[1]} | {PAPER[a][column] - PAPER[b][column]:+.1f} |")


def contrasts(cells: dict) -> str:
  """The paper's contrasts from Table 2's chosen cells: our difference of means (test % at best
  validation) with Welch's p, each side's runs and epochs (a contrast is like for like in training
  length only where they match), beside the paper's difference."""
  chosen = chosen_cells(cells)
  lines = ["The paper's contrasts, each cell at its setting chosen on validation (as in Table 2)",
           "", "| task | A - B | ours A - B | Welch p | A: runs, epochs | B: runs, epochs | "
           "paper A - B |", "|---|---|---|---|---|---|---|"]
  for column in range(3):  # MNIST, pMNIST, CIFAR-10, as PAPER
    for a, b in CONTRASTS:
      if (a, column) not in chosen or (b, column) not in chosen:
        continue
      (task_a, cell_a), (_, cell_b) = chosen[(a, column)], chosen[(b, column)]
      lines.append(_contrast_line(task_a, a, b, cell_a, cell_b))
  return "\n".join(lines)


# What only an auxiliary loss reads, how a run's epochs split into auxiliary-only and joint ones,
# and how the same arithmetic is carried out: two rows of a contrast share a training recipe when
# every other field agrees (their planned epochs included)
_NOT_RECIPE = {"aux_weight", "runs.aux_weight", "pretrain_epochs", "train_epochs",
               "stopped_at_step", "model.aux", "model.aux_length", "model.aux_horizon",
               "model.aux_min_inside", "model.aux_positions", "model.num_anchors",
               "model.anchors_per_example", "model.decoder_sizes", "model.decoder_head_sizes",
               "model.decoder_recurrence", "model.teacher_forcing", "model.recurrence",
               "model.unroll", "distributed"}


def _recipe(items: frozenset, cell: dict) -> frozenset:
  """A cell's training recipe: its settings but ``_NOT_RECIPE``, with its planned epochs."""
  return (frozenset((k, v) for k, v in items if k not in _NOT_RECIPE)
          | {("planned_epochs", json.dumps(cell["planned"]))})


def _recipe_label(recipe: frozenset, others) -> str:
  """The recipe as read: optimizer and rate, weight decay, augmentation, epochs, then what else
  tells it apart from ``others`` (the other recipes listed for its task)."""
  r = {k: json.loads(v) for k, v in recipe}
  out = f"{r['optimizer']} {r['learning_rate']:g}"
  out += f", decay {r['weight_decay']:g}" if r.get("weight_decay") else ""
  out += f", {r['augment']}" if r.get("augment", "none") != "none" else ""
  shown = {"optimizer", "learning_rate", "weight_decay", "augment", "planned_epochs",
           "model.horizon"}  # the rows' names say it
  return ", ".join([f"{out}, {r['planned_epochs']:g} epochs"] +
                   [f"{k}={json.dumps(r[k])}" for k in _differing(recipe, others)
                    if k not in shown])


def recipe_contrasts(cells: dict) -> str:
  """The paper's contrasts like for like: for each training recipe (``_recipe``: optimizer,
  regularisers, schedule, epochs, ...) that both rows of a contrast ran on a task, each row's best
  setting there on validation (the auxiliary loss's own settings, for A), and their difference as
  in :func:`contrasts`. The paper names no regulariser, so its contrasts compare with ours at the
  recipes without one; Table 2's chosen cells may sit at different recipes."""
  best = _best_cells(cells, lambda name, task, items, cell: (COLUMNS[task], name,
                                                             _recipe(items, cell)))
  lines = ["The paper's contrasts at each training recipe both rows ran (A's and B's settings "
           "there chosen on validation)", "",
           "| task | A - B | recipe | ours A - B | Welch p | A: runs, epochs | B: runs, epochs | "
           "paper A - B |", "|---|---|---|---|---|---|---|---|"]
  for column in range(3):
    shared = {(a, b): [r for c, name, r in best
                       if (c, name) == (column, a) and (column, b, r) in best]
              for a, b in CONTRASTS}
    listed = {r for recipes in shared.values() for r in recipes}
    for (a, b), recipes in shared.items():
      for label, r in sorted((_recipe_label(r, listed), r) for r in recipes):
        (task, cell_a), (_, cell_b) = best[(column, a, r)], best[(column, b, r)]
        lines.append(_contrast_line(task, a, b, cell_a, cell_b, label))
  return "\n".join(lines)


def table2(cells: dict) -> str:
  """The paper's layout (its rows, MNIST / pMNIST / CIFAR-10 columns): per cell the setting with
  the highest mean best-validation accuracy, reported by its runs' test accuracy at their best
  validation evaluation (``mean ± std (runs)``). Settings are chosen on validation, never on test:
  a cell whose runs have no validation split shows their final test accuracy, marked, only when it
  is the one setting run there."""
  chosen, unvalidated = chosen_cells(cells), {}  # (row, column) -> cell / [text]
  for (name, task, _), cell in cells.items():
    if name in PAPER and task in COLUMNS and not cell["chosen"] and cell["accs"]:
      unvalidated.setdefault((name, COLUMNS[task]), []).append(
          f"{mean_std(cell['accs'])} ({len(cell['accs'])}{_marks(task, cell)}, no validation "
          "split)")

  def entry(key) -> str:
    if key in chosen:
      task, cell = chosen[key]
      return (f"{mean_std([t for _, t in cell['chosen']])} "
              f"({len(cell['chosen'])}{_marks(task, cell)})")
    others = unvalidated.get(key, [])
    return (others[0] if len(others) == 1 else
            f"- ({len(others)} settings without a validation split)" if others else "-")

  lines = ["Table 2, the setting per cell chosen on validation: test % at best validation, "
           "mean ± std (runs)", "",
           "| model | MNIST ours | paper | pMNIST ours | paper | CIFAR-10 ours | paper |",
           "|---|---|---|---|---|---|---|"]
  for name, paper in PAPER.items():
    lines.append(f"| {name} | " + " | ".join(f"{entry((name, c))} | {paper[c]}" for c in range(3))
                 + " |")
  return "\n".join(lines)


def gaps(cells: dict) -> str:
  """Each of Table 2's chosen cells against the paper: our mean (test % at best validation) minus
  the paper's, and what says whether the runs were done: the epochs of their best validation
  against the planned epochs (a best at the last epochs says the run was still rising), and the
  training subset at the end (near 100%: memorised; the paper's CIFAR-10 models stay at 60-65%)."""
  chosen = chosen_cells(cells)
  lines = ["Each chosen cell against the paper: ours - paper, best validation epochs of the "
           "planned, training subset at the end", "",
           "| model | task | ours - paper | runs | best validation epochs / planned | "
           "training subset % at the end |", "|---|---|---|---|---|---|"]
  for name, paper in PAPER.items():
    for column in range(3):
      if (name, column) not in chosen:
        continue
      task, cell = chosen[(name, column)]
      ours = 100 * np.mean([t for _, t in cell["chosen"]])
      fit = _span([100 * f for f in cell["fit"]], "{:.1f}")
      if 0 < len(cell["fit"]) < len(cell["chosen"]):  # runs trained without a training subset
        fit += f" ({len(cell['fit'])} of {len(cell['chosen'])} runs)"
      lines.append(
          f"| {name} | {task} | {ours - paper[column]:+.1f} | {len(cell['chosen'])}"
          f"{_marks(task, cell)} | {_span(cell['best_epochs'], '{:.0f}')} / {cell['planned']:g} | "
          f"{fit} |")
  return "\n".join(lines)


def _natural(text: str) -> list:
  """Sort key that puts ``session8`` before ``session14``."""
  return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def sources(cells: dict) -> str:
  """The workdirs behind each of Table 2's chosen cells, as given (with any ``:KEY=VALUE``
  selection), and how to run one again: ``experiments/configs/rerun.py`` rebuilds its config and
  trains the planned run (to its end or its early stop), so a cell whose runs stopped short is
  not what a rerun reproduces."""
  chosen = chosen_cells(cells)
  lines = ["The workdirs behind each chosen cell; to run one again: python experiments/train.py "
           "--config experiments/configs/rerun.py:WORKDIR --workdir NEW --config.data_dir=DIR "
           "(every packed run the workdir holds, without its :KEY=VALUE selection, as planned; "
           "on a CPU add --config.model.recurrence=scan, or for the Transformer "
           "--config.model.attention=xla)", "",
           "| model | task | workdirs | a rerun |", "|---|---|---|---|"]
  for name in PAPER:
    for column in range(3):
      if (name, column) in chosen:
        task, cell = chosen[(name, column)]
        patience = max(cell["early_stop"])
        until = f" (or to an early stop, {patience} epochs without gain)" if patience else ""
        rerun = (f"trains the {cell['planned']:g} planned epochs{until}, where these stopped at "
                 f"epoch {_stopped_epoch(cell)}" if _stopped(cell) else "the recorded run")
        workdirs = ", ".join(f"`{wd}`" for wd in sorted(cell["workdirs"], key=_natural))
        lines.append(f"| {name} | {task} | {workdirs} | {rerun} |")
  return "\n".join(lines)


if __name__ == "__main__":
  if len(sys.argv) < 2:
    sys.exit("usage: python experiments/report.py WORKDIR[:KEY=VALUE,...] [WORKDIR ...]")
  main(sys.argv[1:])
