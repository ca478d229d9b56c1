"""experiments/report.py and plot.py on workdirs shaped like the training loop's."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from experiments import report
from experiments.configs import paper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _workdir(tmp_path, name, task, preset, accuracy, packed=(), **overrides):
  wd = tmp_path / name
  wd.mkdir()
  config = paper.make(task, preset)
  config.update(overrides)
  (wd / "config.json").write_text(json.dumps(config.to_dict()))
  results = {"status": "completed", "epochs": 2.0, "step": 200, "wall_time_s": 90.0,
             "final_test_accuracy": accuracy,
             "history": [{"epoch": 1.0, "step": 100, "accuracy": accuracy / 2},
                         {"epoch": 2.0, "step": 200, "accuracy": accuracy}],
             "train_log": [{"step": 10, "loss": 2.3}, {"step": 20, "loss": 1.9}]}
  if packed:
    results["runs"] = [{"seed": i, "final_test_accuracy": acc} for i, acc in enumerate(packed)]
  (wd / "results.json").write_text(json.dumps(results))
  return str(wd)


def _set_history(tmp_path, name, history):
  """Replace a workdir's evaluations (``results.json``'s history) with ``history``."""
  path = tmp_path / name / "results.json"
  path.write_text(json.dumps({**json.loads(path.read_text()), "history": history}))


def _draw(capsys, png, figure, *args):
  """``experiments/figures.py FIGURE --out PNG ARGS...``: its table (stdout); the PNG is drawn."""
  from experiments import figures
  figures.main([figure, "--out", str(png), *args])
  assert png.stat().st_size > 1000
  return capsys.readouterr().out


def test_report_and_plot(tmp_path, capsys):
  a = _workdir(tmp_path, "a", "mnist", "rlstm_t300", 0.9)
  res_a = json.loads((tmp_path / "a" / "results.json").read_text())
  for e in res_a["train_log"]:  # an auxiliary run logs its objective's two parts
    e.update(supervised_loss=e["loss"] / 3, aux_loss=2 * e["loss"] / 3)
  (tmp_path / "a" / "results.json").write_text(json.dumps(res_a))
  b = _workdir(tmp_path, "b", "pmnist", "lstm_full", 0.5)
  c = _workdir(tmp_path, "c", "cifar10_jpeg_lossy", "transformer", 0.3)
  # one cell from a packed workdir (2 runs) and a single-run workdir: 3 runs pooled
  d = _workdir(tmp_path, "d", "pmnist", "lstm_t300", 0.85, packed=(0.8, 0.9))
  e = _workdir(tmp_path, "e", "pmnist", "lstm_t300", 0.7)
  old = json.loads((tmp_path / "b" / "config.json").read_text())  # a run from before the fields
  del old["model"]["head_activation"], old["model"]["recurrence"], old["model"]["cell"]
  old["model"]["model_dim"] = 128  # the Transformer's sizes once sat in every model section
  (tmp_path / "b" / "config.json").write_text(json.dumps(old))
  report.main([a, b, c, d, e])
  out = capsys.readouterr().out
  assert "| rlstm_t300 | mnist | 90.0 | - | - | 1 | 96.4 |" in out
  assert "| completed | rmsprop 0.001, gelu head, scan |" in out
  assert ("| lstm_full | pmnist | 50.0 | - | - | 1 | 89.4 | 2.0 | 200 | 1.5 | - | completed | "
          "rmsprop 0.001, relu head, scan |") in out
  assert "| transformer | cifar10_jpeg_lossy (JPEG-lossy) | 30.0 | - | - | 1 | 62.2 |" in out
  assert "| lstm_t300 | pmnist | 80.0 ± 10.0 | - | - | 3 | 88.8 |" in out
  png = tmp_path / "curves.png"
  r = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "plot.py"), "--out",
                      str(png), a, b], capture_output=True, text=True, timeout=120)
  assert r.returncode == 0, r.stderr
  assert png.stat().st_size > 1000
  png.unlink()
  r = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "plot.py"), "--x", "step",
                      "--out", str(png), a, b], capture_output=True, text=True, timeout=120)
  assert r.returncode == 0 and png.stat().st_size > 1000, r.stderr
  r = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "plot.py"), "--out",
                      str(png), str(tmp_path / "missing")], capture_output=True, text=True)
  assert r.returncode != 0 and "train first" in r.stderr


def test_plot_per_run_draws_one_line_per_packed_run(tmp_path):
  from experiments import plot
  wd = _workdir(tmp_path, "packed", "mnist", "lstm_t300", 0.5, packed=(0.11, 0.9, 0.8))
  results = json.load(open(os.path.join(wd, "results.json")))
  for h in results["history"]:  # as the loop writes a packed run's evaluations
    h["runs"] = [{"accuracy": a * h["epoch"] / 2} for a in (0.11, 0.9, 0.8)]
  open(os.path.join(wd, "results.json"), "w").write(json.dumps(results))
  _, ax_acc = plot.draw([wd], per_run=True).axes
  assert [list(l.get_ydata()) for l in ax_acc.lines] == [[0.055, 0.11], [0.45, 0.9], [0.4, 0.8]]
  assert len({l.get_color() for l in ax_acc.lines}) == 1  # one workdir, one colour
  _, ax_acc = plot.draw([wd]).axes  # without: the runs' mean
  assert [list(l.get_ydata()) for l in ax_acc.lines] == [[0.25, 0.5]]


def test_figures_fit_tables_training_and_test_accuracy_per_series(tmp_path, capsys):
  from experiments import figures
  def run(name, row, curve, **overrides):  # curve: (step, train subset, test) per evaluation
    wd = _workdir(tmp_path, name, "cifar10_jpeg_lossy", row, curve[-1][2], **overrides)
    _set_history(tmp_path, name, [{"step": s, "epoch": s / 100, "accuracy": test,
                                   "train_subset": {"accuracy": train}} for s, train, test in curve])
    return wd
  lstm = run("lstm", "lstm_t300", [(100, 0.3, 0.2), (200, 0.6, 0.4), (400, 0.9, 0.45)],
             train_epochs=4)
  rlstm = run("rlstm", "rlstm_t300", [(100, 0.4, 0.3), (200, 0.5, 0.5)], train_epochs=2)
  flipped = run("flipped", "lstm_t300", [(100, 0.25, 0.22), (200, 0.5, 0.42), (400, 0.7, 0.5)],
                train_epochs=4, augment="flip")
  png = tmp_path / "fit.png"
  out = _draw(capsys, png, "fit", lstm, rlstm, flipped)
  # the table's steps: a quarter ... the end of the longest series (400), each at or after; a
  # series that stopped sooner has "-" where it has no evaluation
  assert "| series (runs) | step 100 | step 200 | step 400 |" in out
  assert "| lstm_t300, 4 epochs (1) | 30.0 / 20.0 | 60.0 / 40.0 | 90.0 / 45.0 |" in out
  assert "| rlstm_t300, 2 epochs (no teacher forcing) (1) | 40.0 / 30.0 | 50.0 / 50.0 | - |" in out
  # a regulariser makes another series of the same row, never pooled with it
  assert ("| lstm_t300, 4 epochs (flip augmentation) (1) | 25.0 / 22.0 | 50.0 / 42.0 | 70.0 / 50.0 |"
          in out)
  with pytest.raises(SystemExit, match="train_eval_examples"):
    figures.main(["fit", "--out", str(png), _workdir(tmp_path, "bare", "mnist", "lstm_t300", 0.5)])


def test_figures_aux_weight_tables_each_weight_per_series(tmp_path, capsys):
  from experiments import figures
  def packed(name, row, weights, evaluations, **overrides):
    # evaluations: per epoch, (test, validation, train subset) of each packed run
    wd = _workdir(tmp_path, name, "pmnist", row, 0.5, packed=[0.5] * len(weights),
                  runs={"seeds": tuple(range(len(weights))), "aux_weight": weights,
                        "learning_rate": (), "weight_decay": ()}, **overrides)
    part = lambda k, e: {"accuracy": 0.0, "runs": [{"accuracy": r[k]} for r in e]}
    _set_history(tmp_path, name, [{"epoch": n + 1.0, "step": 100 * (n + 1), **part(0, e),
                                   "validation": part(1, e), "train_subset": part(2, e)}
                                  for n, e in enumerate(evaluations)])
    return wd
  # weight 1 peaks on validation at epoch 1 and memorises; weight 10 at epoch 2
  a = packed("a", "plstm_t300", (1.0, 10.0), [[(0.80, 0.82, 0.90), (0.70, 0.75, 0.60)],
                                               [(0.78, 0.81, 1.00), (0.90, 0.92, 0.95)]],
             pretrain_epochs=0, train_epochs=2)
  # the same series planned for 3 epochs, stopped after 2: another series, marked stopped
  b = packed("b", "plstm_t300", (10.0,), [[(0.6, 0.6, 0.6)], [(0.7, 0.8, 0.9)]],
             pretrain_epochs=0, train_epochs=3)
  lstm = _workdir(tmp_path, "lstm", "pmnist", "lstm_t300", 0.5)  # no auxiliary loss: left out
  png = tmp_path / "w.png"
  out = _draw(capsys, png, "aux_weight", a, b, lstm)
  assert "| pmnist plstm_t300, 2 epochs | 1 | 80.0 | 82.0 | 100.0 | 1 |" in out
  assert "| pmnist plstm_t300, 2 epochs | 10 | 90.0 | 92.0 | 95.0 | 1 |" in out
  assert "| pmnist plstm_t300, 3 epochs | 10 | 70.0 | 80.0 | 90.0 | 1, 1 stopped at epoch 2 |" in out
  with pytest.raises(SystemExit, match="validation_examples"):
    figures.main(["aux_weight", "--out", str(png), lstm])


def test_report_gives_time_to_the_papers_accuracy(tmp_path, capsys):
  # pMNIST r-LSTM t300: the paper's 92.8. Packed seeds 0, 1: run 0 reaches it at the second
  # evaluation (the workdir's 6.0 minutes), run 1 never does; a run of before timed
  # evaluations counts in neither.
  wd = _workdir(tmp_path, "packed", "pmnist", "rlstm_t300", 0.9, packed=(0.93, 0.9))
  results = json.load(open(os.path.join(wd, "results.json")))
  results["history"] = [{"epoch": e, "accuracy": 0, "wall_time_s": 180.0 * e,
                         "runs": [{"accuracy": a} for a in accs]}
                        for e, accs in ((1.0, (0.5, 0.4)), (2.0, (0.928, 0.8)), (3.0, (0.93, 0.9)))]
  open(os.path.join(wd, "results.json"), "w").write(json.dumps(results))
  old = _workdir(tmp_path, "old", "pmnist", "rlstm_t300", 0.95, seed=2)
  report.main([wd, old])
  out = capsys.readouterr().out
  assert "| wall min to paper's test % |" in out
  assert "| 6.0 (1 of 2) | completed |" in out
  results["history"] = results["history"][:1]
  open(os.path.join(wd, "results.json"), "w").write(json.dumps(results))
  report.main([wd])
  assert "| not reached (0 of 2) |" in capsys.readouterr().out
  assert report.minutes_to({"history": []}, 0, 0.5) is None


def test_report_chooses_on_validation_and_keeps_settings_apart(tmp_path, capsys):
  def with_validation(name, val, test, **overrides):
    wd = _workdir(tmp_path, name, "pmnist", "rlstm_t300", test[-1], validation_examples=5000,
                  lr_schedule="cosine", **overrides)
    path = os.path.join(wd, "results.json")
    results = json.load(open(path))
    results["history"] = [{"epoch": i + 1.0, "accuracy": t, "validation": {"accuracy": v}}
                          for i, (v, t) in enumerate(zip(val, test))]
    json.dump(results, open(path, "w"))
    return wd
  a = with_validation("a", [0.80, 0.90, 0.85], [0.70, 0.88, 0.95])  # chosen: epoch 2
  b = with_validation("b", [0.86, 0.82, 0.84], [0.90, 0.60, 0.85], seed=1)  # epoch 1
  c = with_validation("c", [0.5, 0.9, 0.7], [0.5, 0.6, 0.7], aux_weight=10.0)
  report.main([a, b, c])
  out = capsys.readouterr().out
  # a and b differ only in the seed: one cell of two runs, each taken at its best validation
  assert ("| rlstm_t300 | pmnist | 90.0 ± 7.1 | 89.0 ± 1.4 | 88.0 ± 2.8 | 2 | 92.8 |") in out
  assert "rmsprop 0.001, gelu head, cosine schedule, scan, aux_weight=1.0 |" in out
  assert "| rlstm_t300 | pmnist | 70.0 | 60.0 | 90.0 | 1 |" in out
  assert "aux_weight=10.0 |" in out


def test_packed_runs_with_their_own_weights_are_separate_cells(tmp_path, capsys):
  runs = {"seeds": (0, 0), "learning_rate": (), "aux_weight": (10.0, 100.0)}
  a = _workdir(tmp_path, "a", "pmnist", "rlstm_t300", 0.85, packed=(0.8, 0.9), runs=runs)
  b = _workdir(tmp_path, "b", "pmnist", "rlstm_t300", 0.7, aux_weight=10.0, seed=1)
  report.main([a, b])
  out = capsys.readouterr().out
  assert "| rlstm_t300 | pmnist | 75.0 ± 7.1 | - | - | 2 | 92.8 |" in out  # a's first run + b
  assert "| rlstm_t300 | pmnist | 90.0 | - | - | 1 | 92.8 |" in out
  assert "aux_weight=100.0 |" in out and "aux_weight=10.0 |" in out
  assert len([line for line in out.splitlines() if line.startswith("| rlstm_t300 | pmnist")]) == 2
  # a KEY=VALUE filter keeps one weight of the packed workdir
  report.main([a + ":aux_weight=100", b])
  out = capsys.readouterr().out
  assert "| rlstm_t300 | pmnist | 90.0 | - | - | 1 | 92.8 |" in out
  assert "| rlstm_t300 | pmnist | 70.0 | - | - | 1 | 92.8 |" in out  # b alone


def test_cifar_lstms_read_scaled_pixels_by_default_and_the_report_says_so():
  for task in ("cifar10", "cifar10_jpeg_lossy", "cifar10_jpeg_lossy@64"):
    config = paper.make(task, "rlstm_t300")
    assert config.model.input_embedding is False, task
    assert "raw pixel inputs" in report.settings(config.to_dict())
  for task in ("mnist", "pmnist"):
    config = paper.make(task, "lstm_t300")
    assert config.model.input_embedding is True
    assert "raw pixel inputs" not in report.settings(config.to_dict())
  # CIFAR-10's r-LSTM decoder without teacher forcing (chosen on validation); the others keep it
  for task, row, forcing in (("cifar10_jpeg_lossy@40", "rlstm_t300", False),
                             ("cifar10", "rlstm_full", False), ("pmnist", "rlstm_t300", True),
                             ("cifar10_jpeg_lossy", "plstm_t300", True)):
    config = paper.make(task, row)
    assert config.model.teacher_forcing is forcing, (task, row)
    assert ("no teacher forcing" in report.settings(config.to_dict())) is not forcing
  assert "input_embedding" not in paper.make("cifar10_jpeg_lossy", "transformer").model


def test_figures_bptt_length_and_length(tmp_path, capsys):
  from experiments import figures
  wds = []
  for name, row, horizon, val_test, tf in (("r300a", "rlstm_t300", 300, (0.6, 0.5), True),
                                           ("r300b", "rlstm_t300", 300, (0.7, 0.6), True),
                                           ("r300stop", "rlstm_t300", 300, (0.5, 0.4), True),
                                           ("r300nt", "rlstm_t300", 300, (0.8, 0.7), False),
                                           ("r300nt128", "rlstm_t300", 300, (0.7, 0.5), False),
                                           ("p0", "plstm_t300", 0, (0.4, 0.3), True),
                                           ("full", "lstm_full", None, (0.6, 0.55), True),
                                           ("full33", "lstm_full", None, (0.6, 0.45), True)):
    wd = _workdir(tmp_path, name, "cifar10_jpeg_lossy", row, val_test[1] + 0.05)
    config = json.loads((tmp_path / name / "config.json").read_text())
    config["model"]["horizon"] = horizon
    config["model"]["teacher_forcing"] = tf
    if name == "r300nt128":
      config["model"]["decoder_sizes"] = [128]
    if name == "full33":
      config["train_epochs"] = 33
    (tmp_path / name / "config.json").write_text(json.dumps(config))
    res = json.loads((tmp_path / name / "results.json").read_text())
    # validation peaks at the first evaluation: the run counts with the test accuracy there
    res["history"] = [{"epoch": 1.0, "accuracy": val_test[1], "validation": {"accuracy": val_test[0]}},
                      {"epoch": 2.0, "accuracy": val_test[1] + 0.05,
                       "validation": {"accuracy": val_test[0] - 0.1}}]
    if name == "r300stop":
      res["status"] = "preempted"
    (tmp_path / name / "results.json").write_text(json.dumps(res))
    wds.append(wd)
  png = tmp_path / "bptt.png"
  out = _draw(capsys, png, "bptt_length", *wds)
  # without teacher forcing, with another decoder, and stopped short: series of their own, not
  # pooled; every series says its training length
  assert ("| supervised BPTT length | rlstm (100 epochs) ours (runs) "
          "| rlstm (100 epochs, no teacher forcing) ours (runs) "
          "| rlstm (100 epochs, no teacher forcing, decoder 128) ours (runs) "
          "| rlstm (100 epochs, stopped at epoch 2) ours (runs) | rlstm paper "
          "| plstm (100 epochs) ours (runs) | plstm paper |") in out
  assert "| 300 | 55.0 ± 7.1 (2) | 70.0 (1) | 50.0 (1) | 40.0 (1) | 66.0 | - | 64.5 |" in out
  assert "| none | - | - | - | - | 37.5 | 30.0 (1) | 35.0 |" in out
  assert "LSTM full BPTT: ours 100 epochs: 55.0 (1); 33 epochs: 45.0 (1), paper 58.8" in out
  # a KEY=VALUE filter selects runs, as contrast.py's does; one that matches none is an error
  out = _draw(capsys, png, "bptt_length", wds[0], wds[3] + ":model.teacher_forcing=false")
  assert "| 300 | 50.0 (1) | 70.0 (1) | 66.0 | - | 64.5 |" in out
  with pytest.raises(SystemExit, match="matches the KEY=VALUE filter"):
    figures.main(["bptt_length", "--out", str(png), wds[0] + ":model.teacher_forcing=false"])

  sweep = tmp_path / "sweep.jsonl"
  lines = [{"row": "lstm_full", "side": 40, "T": 1600, "s_per_batch": 0.5, "peak_MiB": 900.0},
           {"row": "lstm_full", "side": 128, "T": 16384, "batch": 128,
            "error": "RESOURCE_EXHAUSTED: Out of memory"},
           {"row": "rlstm_t300", "side": 40, "T": 1600, "s_per_batch": 0.2, "peak_MiB": 3000.0},
           # the same row under another override: a line of its own
           {"row": "transformer", "side": 40, "T": 1600, "overrides": [],
            "error": "RESOURCE_EXHAUSTED"},
           {"row": "transformer", "side": 40, "T": 1600, "s_per_batch": 0.1, "peak_MiB": 2000.0,
            "overrides": ["model.attention=cudnn"]}]
  sweep.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
  resized = _workdir(tmp_path, "resized", "cifar10_jpeg_lossy@40", "rlstm_t300", 0.25)
  native = _workdir(tmp_path, "native", "cifar10_jpeg_lossy", "rlstm_t300", 0.5)
  decoder_128 = _workdir(tmp_path, "d128", "cifar10_jpeg_lossy@40", "rlstm_t300", 0.3)
  config = json.loads((tmp_path / "d128" / "config.json").read_text())
  config["model"]["decoder_sizes"] = [128]
  (tmp_path / "d128" / "config.json").write_text(json.dumps(config))
  figures.main(["length", "--out", str(png), str(sweep), "--workdirs", resized, native,
                decoder_128])
  out = capsys.readouterr().out
  assert "| lstm_full | 0.5 s, 900 MiB | error: RESOURCE_EXHAUSTED: Out of memory |" in out
  assert "| rlstm_t300 | 0.2 s, 3000 MiB | - |" in out
  assert "| transformer (default) | error: RESOURCE_EXHAUSTED | - |" in out
  assert "| transformer (model.attention=cudnn) | 0.1 s, 2000 MiB | - |" in out
  # the task's own length beside its resized ones; another decoder is a series of its own
  assert "| rlstm_t300 (100 epochs, no teacher forcing) | 1024 | 50.0 (1) | - |" in out
  assert "| rlstm_t300 (100 epochs, no teacher forcing) | 1600 | 25.0 (1) | 6.8 |" in out
  assert ("| rlstm_t300 (100 epochs, no teacher forcing, decoder 128) | 1600 | 30.0 (1) "
          "| 6.8 |") in out
  with pytest.raises(SystemExit, match="length_sweep"):
    figures.main(["length", "--out", str(png), str(tmp_path / "missing.jsonl")])


def _evaluated(tmp_path, name, preset, val_test_per_run, task="cifar10_jpeg_lossy", **runs):
  """A workdir whose runs (packed when several) peak on validation at the first of two
  evaluations; ``runs`` are per-run settings (``seeds``, ``aux_weight``)."""
  wd = _workdir(tmp_path, name, task, preset, 0.1)
  config = json.loads((tmp_path / name / "config.json").read_text())
  config["runs"].update(runs)
  (tmp_path / name / "config.json").write_text(json.dumps(config))
  entry = lambda k: {"runs": [{"accuracy": vt[k]} for vt in val_test_per_run]}
  first = {"epoch": 1.0, **entry(1), "validation": entry(0)}
  later = {"epoch": 2.0, "runs": [{"accuracy": 0.0} for _ in val_test_per_run],
           "validation": {"runs": [{"accuracy": 0.0} for _ in val_test_per_run]}}
  res = {"status": "completed", "history": [first, later],
         "runs": [{"final_test_accuracy": 0.0} for _ in val_test_per_run]}
  (tmp_path / name / "results.json").write_text(json.dumps(res))
  return wd


def test_contrast_selects_runs_and_agrees_with_welchs_formula(tmp_path, capsys):
  from experiments import contrast
  sweep = _evaluated(tmp_path, "sweep", "rlstm_t300", [(0.60, 0.55), (0.62, 0.53), (0.61, 0.54)],
                     seeds=[0, 0, 0], aux_weight=[0.3, 1.0, 3.0])
  seeds = _evaluated(tmp_path, "seeds", "rlstm_t300", [(0.58, 0.52), (0.59, 0.535)],
                     seeds=[1, 2], aux_weight=[3.0, 3.0])
  lstm = _evaluated(tmp_path, "lstm", "lstm_t300", [(0.57, 0.50), (0.55, 0.49), (0.56, 0.505)],
                    seeds=[0, 1, 2])
  contrast.main([sweep + ":aux_weight=3", seeds, "--against", lstm])
  out = capsys.readouterr().out
  # only the weight-3 run of the sweep, with each packed run's seed, at its best validation
  assert "| A | sweep | 0 | 61.0 | 54.0 |" in out and "| A | sweep | 0 | 60.0" not in out
  assert "| A | seeds | 2 | 59.0 | 53.5 |" in out and "| B | lstm | 1 | 55.0 | 49.0 |" in out
  # each run's epoch of best validation beside it; these workdirs evaluate no training subset
  assert "| A | sweep | 0 | 61.0 | 54.0 | 1 | - |" in out
  a, b = np.array([0.54, 0.52, 0.535]), np.array([0.50, 0.49, 0.505])
  va, vb = a.var(ddof=1) / 3, b.var(ddof=1) / 3
  t = (a.mean() - b.mean()) / np.sqrt(va + vb)
  df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 2)
  assert f"Welch's t = {t:.2f} ({df:.1f} degrees of freedom)" in out
  assert f"A - B = {100 * (a.mean() - b.mean()):+.2f} points" in out
  with pytest.raises(SystemExit, match="no config field 'aux_wieght'"):
    contrast.main([sweep + ":aux_wieght=3", "--against", lstm])
  with pytest.raises(SystemExit, match="no run of .*sweep matches the KEY=VALUE filter"):
    contrast.main([sweep + ":aux_weight=10", "--against", lstm])
  fresh = tmp_path / "fresh"  # started, never evaluated: no results.json yet
  fresh.mkdir()
  (fresh / "config.json").write_text((tmp_path / "lstm" / "config.json").read_text())
  with pytest.raises(SystemExit, match="no evaluated run"):
    contrast.main([str(fresh), "--against", lstm])
  with pytest.raises(SystemExit, match="WORKDIR:KEY=VALUE"):
    contrast.main([sweep + ":aux_weight", "--against", lstm])
  contrast.main([sweep + ":aux_weight=3", "--against", lstm])
  assert "needs at least 2 runs in each group" in capsys.readouterr().out
  # packed runs with a weight decay each are told apart by it
  decay = _evaluated(tmp_path, "decay", "lstm_t300",
                     [(0.60, 0.56), (0.61, 0.57), (0.50, 0.40), (0.51, 0.41)],
                     seeds=[0, 1, 0, 1], weight_decay=[0.1, 0.1, 0.3, 0.3])
  contrast.main([decay + ":weight_decay=0.3", "--against", decay + ":weight_decay=0.1"])
  out = capsys.readouterr().out
  assert "| A | decay | 0 | 50.0 | 40.0 |" in out and "| B | decay | 1 | 61.0 | 57.0 |" in out
  # and each packed run's own last accuracy on the training subset
  _set_history(tmp_path, "lstm", [
      {"epoch": 1.0, "runs": [{"accuracy": a} for a in (0.50, 0.49, 0.505)],
       "validation": {"runs": [{"accuracy": a} for a in (0.57, 0.55, 0.56)]},
       "train_subset": {"runs": [{"accuracy": a} for a in (0.70, 0.80, 0.90)]}},
      {"epoch": 2.0, "runs": [{"accuracy": 0.1}] * 3,
       "validation": {"runs": [{"accuracy": 0.1}] * 3},
       "train_subset": {"runs": [{"accuracy": a} for a in (0.71, 0.81, 0.91)]}}])
  contrast.main([seeds, "--against", lstm])
  assert "| B | lstm | 1 | 55.0 | 49.0 | 1 | 81.0 |" in capsys.readouterr().out
  assert "A: 40.5 ± 0.7 (2 runs); B: 56.5 ± 0.7 (2 runs)" in out


def test_table2_chooses_each_cells_setting_on_validation_never_on_test(tmp_path, capsys):
  # r-LSTM t300 on CIFAR-10: weight 3 has the higher validation, weight 1 the higher test
  w1 = _evaluated(tmp_path, "w1", "rlstm_t300", [(0.55, 0.56), (0.55, 0.56)], seeds=[0, 1],
                  aux_weight=[1.0, 1.0])
  w3 = _evaluated(tmp_path, "w3", "rlstm_t300", [(0.60, 0.50), (0.58, 0.52)], seeds=[0, 1],
                  aux_weight=[3.0, 3.0])
  # MNIST LSTM t300: one setting without a validation split; pMNIST: two such settings
  mnist = _workdir(tmp_path, "mnist", "mnist", "lstm_t300", 0.9)
  pm_a = _workdir(tmp_path, "pm_a", "pmnist", "lstm_t300", 0.8)
  pm_b = _workdir(tmp_path, "pm_b", "pmnist", "lstm_t300", 0.85, learning_rate=0.01)
  report.main([w1, w3, mnist, pm_a, pm_b])
  out = capsys.readouterr().out
  assert "| rlstm_t300 | - | 96.4 | - | 92.8 | 51.0 ± 1.4 (2, JPEG-lossy) | 65.9 |" in out
  assert ("| lstm_t300 | 90.0 (1, no validation split) | 11.3 | "
          "- (2 settings without a validation split) | 88.8 | - | 49.0 |") in out
  assert "| transformer | - | 98.9 | - | 97.9 | - | 62.2 |" in out


def test_report_contrasts_the_chosen_cells_with_welchs_test(tmp_path, capsys):
  from scipy import stats
  # r-LSTM t300: weight 3 chosen on validation over weight 1; LSTM t300 has two seeds
  w1 = _evaluated(tmp_path, "w1", "rlstm_t300", [(0.55, 0.60), (0.55, 0.61)], seeds=[0, 1],
                  aux_weight=[1.0, 1.0])
  w3 = _evaluated(tmp_path, "w3", "rlstm_t300", [(0.60, 0.56), (0.58, 0.54), (0.59, 0.55)],
                  seeds=[0, 1, 2], aux_weight=[3.0, 3.0, 3.0])
  lstm = _evaluated(tmp_path, "lstm", "lstm_t300", [(0.57, 0.50), (0.55, 0.53)], seeds=[0, 1])
  plstm = _evaluated(tmp_path, "plstm", "plstm_t300", [(0.57, 0.52)], seeds=[0])
  path = tmp_path / "lstm" / "results.json"
  path.write_text(json.dumps({**json.loads(path.read_text()), "epochs": 100.0}))
  report.main([w1, w3, lstm, plstm])
  out = capsys.readouterr().out
  p = stats.ttest_ind([0.56, 0.54, 0.55], [0.50, 0.53], equal_var=False).pvalue
  assert (f"| cifar10_jpeg_lossy | rlstm_t300 - lstm_t300 | +3.50 | {p:.2g} | 3, 0 | 2, 100 | "
          "+16.9 |") in out
  # one run: a difference, no test; no LSTM full cell: no full-BPTT contrast
  assert "| cifar10_jpeg_lossy | plstm_t300 - lstm_t300 | +0.50 | - | 1, 0 | 2, 100 | +15.7 |" in out
  assert "rlstm_full - lstm_full" not in out


def test_report_gaps_give_each_chosen_cell_its_best_epochs_and_fit(tmp_path, capsys):
  # two seeds peaking at epoch 1 of 2 and 3 planned, their training subset measured at epoch 1
  # only; one LSTM run peaking at its last epoch with no training subset at all
  rlstm = _evaluated(tmp_path, "r", "rlstm_t300", [(0.60, 0.56), (0.58, 0.54)], seeds=[0, 1])
  path = tmp_path / "r" / "config.json"
  path.write_text(json.dumps({**json.loads(path.read_text()), "pretrain_epochs": 1,
                              "train_epochs": 2}))
  _set_history(tmp_path, "r", [
      {"epoch": 1.0, "runs": [{"accuracy": 0.56}, {"accuracy": 0.54}],
       "validation": {"runs": [{"accuracy": 0.60}, {"accuracy": 0.58}]},
       "train_subset": {"runs": [{"accuracy": 0.70}, {"accuracy": 0.64}]}},
      {"epoch": 2.0, "runs": [{"accuracy": 0.5}, {"accuracy": 0.5}],
       "validation": {"runs": [{"accuracy": 0.5}, {"accuracy": 0.5}]}}])
  lstm = _evaluated(tmp_path, "l", "lstm_t300", [(0.50, 0.45)], seeds=[0])
  _set_history(tmp_path, "l", [{"epoch": e, "runs": [{"accuracy": a}],
                                "validation": {"runs": [{"accuracy": a}]}}
                               for e, a in ((1.0, 0.40), (2.0, 0.45))])
  report.main([rlstm, lstm])
  out = capsys.readouterr().out.split("Each chosen cell against the paper")[1]
  # 55.0 against the paper's 65.9; 45.0 against 49.0
  assert ("| rlstm_t300 | cifar10_jpeg_lossy | -10.9 | 2, JPEG-lossy | 1 / 3 | 64.0-70.0 |"
          in out)
  assert "| lstm_t300 | cifar10_jpeg_lossy | -4.0 | 1, JPEG-lossy | 2 / 100 | - |" in out
  assert "| lstm_full |" not in out
  # the workdirs behind each chosen cell, to run again with experiments/configs/rerun.py
  out = out.split("The workdirs behind each chosen cell")[1]
  assert f"| rlstm_t300 | cifar10_jpeg_lossy | `{rlstm}` | the recorded run |" in out
  assert f"| lstm_t300 | cifar10_jpeg_lossy | `{lstm}` | the recorded run |" in out
  assert sorted(["s14/a", "s8/b", "s8/a"], key=report._natural) == ["s8/a", "s8/b", "s14/a"]


# preempted: stopped by a signal; running: the record of a process that died before its end
@pytest.mark.parametrize("status", ["preempted", "running"])
def test_a_run_stopped_short_never_pools_with_finished_runs_of_its_setting(tmp_path, capsys,
                                                                             status):
  done = _evaluated(tmp_path, "done", "rlstm_t300", [(0.60, 0.58), (0.59, 0.57)], seeds=[0, 1])
  cut = _evaluated(tmp_path, "cut", "rlstm_t300", [(0.50, 0.48), (0.49, 0.47)], seeds=[2, 3])
  path = tmp_path / "cut" / "results.json"
  res = json.loads(path.read_text())
  path.write_text(json.dumps({**res, "status": status, "step": 5935, "epochs": 16.9}))
  report.main([done, cut])
  out = capsys.readouterr().out
  cells = [line for line in out.splitlines()
           if line.startswith("| rlstm_t300 | cifar10_jpeg_lossy (JPEG-lossy)")]
  assert len(cells) == 2 and "stopped_at_step=5935 |" in cells[1]
  assert "| rlstm_t300 | - | 96.4 | - | 92.8 | 57.5 ± 0.7 (2, JPEG-lossy) | 65.9 |" in out
  # alone, the stopped runs fill the cell, marked as such
  report.main([cut])
  out = capsys.readouterr().out
  assert "47.5 ± 0.7 (2, JPEG-lossy, stopped at epoch 16.9) | 65.9 |" in out
  # and a rerun of them trains the planned run, not what stopped
  assert (f"| rlstm_t300 | cifar10_jpeg_lossy | `{cut}` | trains the 100 planned epochs, where "
          "these stopped at epoch 16.9 |") in out
  # to one decimal, but a run stopped just short never reads as finished
  assert [report._stopped_epoch({"epochs": [e], "planned": 103}) for e in (79.97, 100.895, 102.97)
          ] == ["80", "100.9", "102.9"]


def test_a_stopped_run_with_early_stopping_reruns_to_its_end_or_its_early_stop(tmp_path, capsys):
  cut = _evaluated(tmp_path, "cut", "rlstm_t300", [(0.50, 0.48)], seeds=[0])
  for name, change in (("config.json", {"early_stop_epochs": 25}),
                       ("results.json", {"status": "preempted", "step": 5935, "epochs": 16.9})):
    path = tmp_path / "cut" / name
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))
  report.main([cut])
  assert ("| trains the 100 planned epochs (or to an early stop, 25 epochs without gain), where "
          "these stopped at epoch 16.9 |") in capsys.readouterr().out


def test_a_handed_over_run_is_chosen_over_its_earlier_stopped_copy(tmp_path, capsys):
  # the same two runs: machine 1's record stopped at epoch 1 (the best validation so far), then
  # the finished record of the machine they were handed over to, whose best is still epoch 1
  early = _evaluated(tmp_path, "early", "rlstm_t300", [(0.60, 0.58), (0.59, 0.57)], seeds=[0, 1])
  path = tmp_path / "early" / "results.json"
  res = json.loads(path.read_text())
  path.write_text(json.dumps({**res, "status": "preempted", "step": 100, "epochs": 1.0,
                              "history": res["history"][:1]}))
  later = _evaluated(tmp_path, "later", "rlstm_t300", [(0.60, 0.58), (0.59, 0.57)], seeds=[0, 1])
  report.main([early, later])
  assert "| rlstm_t300 | - | 96.4 | - | 92.8 | 57.5 ± 0.7 (2, JPEG-lossy) | 65.9 |" in (
      capsys.readouterr().out)


def test_figures_memory_tables_the_probe_by_distance(tmp_path, capsys):
  from experiments import figures
  def inspection(name, r2, bands=((0, 9), (10, 19))):
    path = tmp_path / f"inspect_{name}.json"
    path.write_text(json.dumps({"probe_r2_by_distance": [
        {"distance": list(d), "r2": v, "r2_from_the_label": 0.01} for d, v in zip(bands, r2)]}))
    return str(path)
  png = tmp_path / "memory.png"
  out = _draw(capsys, png, "memory", "ours=" + inspection("a", [0.7, 0.4]),
              inspection("lstm_t300", [0.6, -0.1]))
  assert "| run (inspections) | 0-9 | 10-19 |" in out
  assert "| ours (1) | 0.700 | 0.400 |" in out
  assert "| lstm_t300 (1) | 0.600 | -0.100 |" in out  # named by its file
  assert "| from the label alone | 0.010 | 0.010 |" in out
  # the seeds of one setting, given one name, pool into mean ± std
  out = _draw(capsys, png, "memory", "r=" + inspection("s0", [0.7, 0.4]),
              "r=" + inspection("s1", [0.5, 0.2]), "lstm=" + inspection("l0", [0.6, -0.1]))
  assert "| r (2) | 0.600 ± 0.141 | 0.300 ± 0.141 |" in out
  assert "| lstm (1) | 0.600 | -0.100 |" in out
  bare = tmp_path / "bare.json"
  bare.write_text(json.dumps({"loss": 1.0}))
  with pytest.raises(SystemExit, match="run inspect_run.py with --probe_examples N"):
    figures.main(["memory", "--out", str(png), str(bare)])
  with pytest.raises(SystemExit, match="different distance bands"):
    figures.main(["memory", "--out", str(png), inspection("b", [0.5, 0.2]),
                  inspection("c", [0.5, 0.2], bands=((0, 4), (5, 9)))])


def test_compact_results_keeps_what_the_reports_print(tmp_path, capsys):
  from experiments import compact_results
  from experiments import report
  third = 1 / 3
  wd = _evaluated(tmp_path, "wd", "rlstm_t300", [(0.6 + third / 100, 0.5 + third / 100),
                                                  (0.61 + third / 1000, 0.52)], seeds=[0, 1])
  path = tmp_path / "wd" / "results.json"
  res = json.loads(path.read_text())
  res["train_log"] = [{"step": s, "loss": 2.3 - s * third / 1000, "learning_rate": 1e-3 * third}
                      for s in range(50, 5001, 50)]
  path.write_text(json.dumps(res, indent=1))
  report.main([wd])
  before = capsys.readouterr().out
  compact_results.main([wd])
  assert "results.json:" in capsys.readouterr().out
  compacted = json.loads(path.read_text())
  assert len(path.read_text()) < 0.7 * len(json.dumps(res, indent=1))
  # every float kept to 6 significant digits, every int and string as it was
  assert compacted["train_log"][0] == {"step": 50, "loss": 2.28333, "learning_rate": 0.000333333}
  assert compacted["history"][0]["runs"][0]["accuracy"] == 0.503333
  assert compacted["history"][0]["validation"]["runs"][0]["accuracy"] == 0.603333
  assert compacted["status"] == "completed"
  report.main([wd])
  assert capsys.readouterr().out == before
  path.write_text("[1, 2]")
  with pytest.raises(SystemExit, match="not a results.json"):
    compact_results.main([wd])
  with pytest.raises(SystemExit, match="not a directory"):
    compact_results.main([str(tmp_path / "missing")])


def test_report_contrasts_each_training_recipe_both_rows_ran(tmp_path, capsys):
  from scipy import stats

  def run(name, preset, val_test, recipe, **runs):
    wd = _evaluated(tmp_path, name, preset, val_test, **runs)
    path = tmp_path / name / "config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **recipe}))
    return wd

  adam = {"optimizer": "adam", "weight_decay": 0.0}
  decay = {"optimizer": "adamw", "weight_decay": 0.1}
  aux = {"pretrain_epochs": 3, "train_epochs": 30}  # 33 planned, as the LSTM's
  wds = [
      run("r_adam", "rlstm_t300", [(0.50, 0.52), (0.52, 0.53)], {**adam, **aux}),
      # at decay 0.1 the r-LSTM's weight 3 is chosen on validation over weight 1
      run("r_decay", "rlstm_t300", [(0.60, 0.70), (0.61, 0.71), (0.65, 0.58), (0.64, 0.56)],
          {**decay, **aux}, seeds=[0, 1, 0, 1], aux_weight=[1.0, 1.0, 3.0, 3.0]),
      run("l_adam", "lstm_t300", [(0.50, 0.49), (0.50, 0.51)], {**adam, "train_epochs": 33}),
      run("l_decay", "lstm_t300", [(0.55, 0.54), (0.56, 0.52)], {**decay, "train_epochs": 33}),
      # the same optimizer and decay for fewer planned epochs: another recipe, no r-LSTM there
      run("l_short", "lstm_t300", [(0.70, 0.69), (0.71, 0.70)], {**decay, "train_epochs": 30}),
  ]
  report.main(wds)
  out = capsys.readouterr().out
  table = out.split("at each training recipe")[1].split("\n\n")[1]
  p_adam = stats.ttest_ind([0.52, 0.53], [0.49, 0.51], equal_var=False).pvalue
  p_decay = stats.ttest_ind([0.58, 0.56], [0.54, 0.52], equal_var=False).pvalue
  assert table.splitlines()[2:] == [
      f"| cifar10_jpeg_lossy | rlstm_t300 - lstm_t300 | adam 0.001, 33 epochs | +2.50 | "
      f"{p_adam:.2g} | 2, 0 | 2, 0 | +16.9 |",
      f"| cifar10_jpeg_lossy | rlstm_t300 - lstm_t300 | adamw 0.001, decay 0.1, 33 epochs | +4.00 | "
      f"{p_decay:.2g} | 2, 0 | 2, 0 | +16.9 |"]
