"""Training end to end on real MNIST: loss falls, exact resume after SIGKILL, SIGTERM, pmap."""
import json
import os
import signal
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnn_aux import classifier
from rnn_aux.train import checkpoint, config_guard, models, step as step_lib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = [sys.executable, os.path.join(ROOT, "experiments", "train.py")]
PAPER = os.path.join(ROOT, "experiments", "configs", "paper.py")
SMOKE = PAPER + ":mnist,smoke"
RERUN = os.path.join(ROOT, "experiments", "configs", "rerun.py")


def _env():
  env = dict(os.environ)
  env["XLA_FLAGS"] = ""  # one CPU device in the subprocesses
  env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
  return env


def _args(workdir, mnist_dir, *extra):
  return TRAIN + ["--config", SMOKE, "--workdir", str(workdir),
                  f"--config.data_dir={mnist_dir}", "--config.progress_bar=False", *extra]


def _final_params(workdir):
  mgr = checkpoint.Checkpointer(str(workdir), keep=3)
  try:
    return mgr.latest_params()
  finally:
    mgr.close()


def test_smoke_trains_and_loss_falls(tmp_path, mnist_dir):
  wd = tmp_path / "run"
  r = subprocess.run(_args(wd, mnist_dir, "--config.train_epochs=3"), env=_env(),
                     capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  assert "test accuracy" in r.stdout
  res = json.loads((wd / "results.json").read_text())
  assert res["status"] == "completed" and res["step"] == 60
  losses = [e["loss"] for e in res["train_log"]]
  assert np.mean(losses[-3:]) < np.mean(losses[:3]) - 0.3, losses
  for e in res["train_log"]:  # the parts of the objective, logged apart (aux weight 1)
    np.testing.assert_allclose(e["supervised_loss"] + e["aux_loss"], e["loss"], rtol=1e-5)
  assert os.listdir(wd / "tb")
  # the same workdir with another config is refused, and nothing is overwritten
  r = subprocess.run(_args(wd, mnist_dir, "--config.learning_rate=0.5"), env=_env(),
                     capture_output=True, text=True, timeout=300)
  assert r.returncode != 0 and "different config" in r.stderr
  assert json.loads((wd / "results.json").read_text()) == res
  # without config.json, the checkpoint's own copy of the config still refuses the mix
  (wd / "config.json").unlink()
  r = subprocess.run(_args(wd, mnist_dir, "--config.model.hidden_sizes=(32,)"), env=_env(),
                     capture_output=True, text=True, timeout=300)
  assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
  assert "the checkpoint in" in r.stderr and "model.hidden_sizes=[16] (now [32])" in r.stderr
  assert json.loads((wd / "results.json").read_text()) == res


def test_validation_split_is_held_out_of_training_and_reported(tmp_path, mnist_dir):
  from rnn_aux.data import pipeline
  src = list(range(320))
  train, val = pipeline.split_validation(src, 64)
  seen = {train[i] for i in range(len(train))}
  held = set(val.__getitems__(list(range(len(val)))))
  assert len(train) == 256 and held == set(range(256, 320)) and not seen & held
  assert pipeline.split_validation(src, 0) == (src, None)
  with pytest.raises(ValueError, match="hold out fewer"):
    pipeline.split_validation(src, 320)
  # train_examples then caps the remaining training examples, never reaching into validation.
  wd = tmp_path / "run"
  r = subprocess.run(_args(wd, mnist_dir, "--config.validation_examples=96",
                           "--config.train_examples=160", "--config.max_steps=10",
                           "--config.train_eval_examples=48"),
                     env=_env(), capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  res = json.loads((wd / "results.json").read_text())
  last = res["history"][-1]
  assert last["validation"]["examples"] == 96 and last["examples"] == 200
  assert last["train_subset"]["examples"] == 48  # the training fit, evaluated as test is
  times = [h["wall_time_s"] for h in res["history"]]  # for time to accuracy
  assert times == sorted(times) and 0 < times[-1] <= res["wall_time_s"]
  assert res["final_validation_accuracy"] == last["validation"]["accuracy"]
  assert "validation accuracy" in r.stdout


def test_early_stopping_reads_only_the_validation_history():
  from rnn_aux.train import early_stop
  def entry(epoch, *val):  # one evaluation; several validation accuracies: packed runs
    v = ({"accuracy": val[0]} if len(val) == 1 else
         {"accuracy": sum(val) / len(val), "runs": [{"accuracy": a} for a in val]})
    return {"epoch": float(epoch), "accuracy": 0.1, "validation": v}
  hist = [entry(1, 0.9), entry(2, 0.3), entry(3, 0.5), entry(4, 0.5), entry(5, 0.4)]
  # epoch 1 is auxiliary-only pretraining (an untrained head): it does not count
  assert early_stop.best_epochs(hist, after_epoch=1) == [3.0]  # the first of equals
  assert early_stop.patience_exhausted(hist, after_epoch=1, patience=2)
  assert not early_stop.patience_exhausted(hist, after_epoch=1, patience=3)
  assert early_stop.patience_exhausted(hist, after_epoch=0, patience=4)
  assert not early_stop.patience_exhausted(hist, after_epoch=1, patience=0)  # 0: never
  assert not early_stop.patience_exhausted([{"epoch": 1.0, "accuracy": 0.2}], after_epoch=0,
                                           patience=1)  # no validation split: never
  packed = [entry(1, 0.5, 0.2), entry(2, 0.4, 0.3), entry(3, 0.4, 0.2)]
  assert early_stop.best_epochs(packed, after_epoch=0) == [1.0, 2.0]
  # a pack goes on while any of its runs still rises
  assert not early_stop.patience_exhausted(packed, after_epoch=0, patience=2)
  assert early_stop.patience_exhausted(packed, after_epoch=0, patience=1)


def test_an_early_stopped_run_stays_stopped_on_restart(tmp_path, mnist_dir):
  # a rate too small to change any prediction: validation accuracy never rises after epoch 1
  wd = tmp_path / "run"
  args = _args(wd, mnist_dir, "--config.validation_examples=64", "--config.train_epochs=5",
               "--config.early_stop_epochs=1", "--config.learning_rate=1e-12")
  r = subprocess.run(args, env=_env(), capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  res = json.loads((wd / "results.json").read_text())
  spe = res["total_steps"] // 5
  assert res["status"] == "early_stopped" and res["step"] == 2 * spe and res["epochs"] == 2
  assert "stopping early at epoch 2.00" in r.stdout and "test accuracy" in r.stdout
  r = subprocess.run(args, env=_env(), capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  again = json.loads((wd / "results.json").read_text())
  assert again["status"] == "early_stopped" and again["step"] == 2 * spe
  assert again["history"] == res["history"]
  r = subprocess.run(_args(tmp_path / "no_val", mnist_dir, "--config.early_stop_epochs=3"),
                     env=_env(), capture_output=True, text=True, timeout=300)
  assert r.returncode != 0 and "Traceback" not in r.stderr
  assert "set --config.validation_examples=N" in r.stderr


def test_a_recorded_run_reruns_to_the_same_losses(tmp_path, mnist_dir):
  # packed seeds with their own weights, flips and AdamW: fields paper.py's smoke row leaves at
  # their defaults, so the rerun must take them from the record
  first = tmp_path / "first"
  r = subprocess.run(_args(first, mnist_dir, "--config.runs.seeds=(2,7)",
                           "--config.runs.aux_weight=(1.0,0.3)", "--config.augment=flip",
                           "--config.optimizer=adamw", "--config.weight_decay=0.1"),
                     env=_env(), capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  again = tmp_path / "again"
  r = subprocess.run(TRAIN + ["--config", f"{RERUN}:{first}", "--workdir", str(again),
                              f"--config.data_dir={mnist_dir}"],
                     env=_env(), capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  a, b = (json.loads((wd / "results.json").read_text()) for wd in (first, again))
  assert [e["loss"] for e in b["train_log"]] == [e["loss"] for e in a["train_log"]]
  assert b["runs"] == a["runs"] and len(b["runs"]) == 2
  saved = json.loads((first / "config.json").read_text())
  assert {**json.loads((again / "config.json").read_text()), "data_dir": saved["data_dir"]} == {
      **saved, "progress_bar": True}


@pytest.mark.parametrize("packed", [(), ("--config.runs.seeds=(0,5)",
                                          "--config.runs.aux_weight=(1.0,0.5)",
                                          "--config.augment=flip", "--config.optimizer=adamw",
                                          "--config.runs.weight_decay=(0.1,0.3)")])
def test_sigkill_then_resume_equals_uninterrupted(tmp_path, mnist_dir, packed):
  # a step-decay schedule with warm-up: the rate at resume must come from the restored count;
  # the packed runs' images are flipped at random: the flips at resume must be the same; their
  # AdamW decay rates (one each) live in the optimizer state and must come back with it
  extra = ("--config.train_epochs=2", "--config.checkpoint_every_steps=5",
           "--config.lr_schedule=step", "--config.warmup_steps=4", "--config.decay_fractions=(0.5,)",
           *packed)
  straight, killed = tmp_path / "straight", tmp_path / "killed"
  # the uninterrupted run beside the one to be killed (each compiles on one core)
  whole = subprocess.Popen(_args(straight, mnist_dir, *extra), env=_env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
  proc = subprocess.Popen(_args(killed, mnist_dir, *extra), env=_env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
  ckpts = killed / "checkpoints"
  deadline = time.time() + 300
  while time.time() < deadline and not (ckpts.exists() and "25" in os.listdir(ckpts)):
    time.sleep(0.05)
  proc.send_signal(signal.SIGKILL)
  proc.wait()
  # killed after epoch 1 (step 20): its record as of that evaluation, each packed run's own
  cut = json.loads((killed / "results.json").read_text())
  assert (cut["status"], cut["step"], len(cut["history"])) == ("running", 20, 1)
  assert [r["final_test_accuracy"] for r in cut["runs"]] == [
      r["accuracy"] for r in cut["history"][0].get("runs", [cut["history"][0]])]
  _, err = whole.communicate(timeout=600)
  assert whole.returncode == 0, err[-2000:]
  r = subprocess.run(_args(killed, mnist_dir, *extra), env=_env(), capture_output=True,
                     text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  assert "resumed from step" in r.stdout
  s1, p1 = _final_params(straight)
  s2, p2 = _final_params(killed)
  assert s1 == s2 == 40
  assert json.loads((killed / "results.json").read_text())["status"] == "completed"
  if packed:  # each packed run's evaluations tagged by run in TensorBoard
    events = b"".join(f.read_bytes() for f in (straight / "tb").iterdir())
    assert b"run_1/test/accuracy" in events and b"run_0/test/loss" in events
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, atol=1e-6), p1, p2)


def test_sigterm_saves_a_restorable_checkpoint(tmp_path, mnist_dir):
  wd = tmp_path / "term"
  proc = subprocess.Popen(_args(wd, mnist_dir, "--config.train_epochs=50",
                                "--config.checkpoint_every_steps=1000"),
                          env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
  deadline = time.time() + 300
  while time.time() < deadline and not (wd / "tb").exists():
    time.sleep(0.05)
  time.sleep(3.0)
  proc.send_signal(signal.SIGTERM)
  out, err = proc.communicate(timeout=300)
  assert proc.returncode == 0, err[-2000:]
  res = json.loads((wd / "results.json").read_text())
  assert res["status"] == "preempted"
  step, params = _final_params(wd)
  assert step == res["step"] > 0 and jax.tree.leaves(params)


def test_pmap_8_devices_equals_1_device():
  assert jax.local_device_count() == 8
  spec = classifier.ModelSpec(num_classes=10, vocab_size=256, embed_dim=8, hidden_sizes=(8,),
                          head_sizes=(8,), horizon=10, chunk=16, unroll=2)
  model = models.lstm_model(spec)
  opt = step_lib.make_optimizer("rmsprop", 1e-3, 1.0)
  state = step_lib.init_state(model, opt, seed=0)
  rng = np.random.default_rng(0)
  tokens = rng.integers(0, 256, (16, 40, 1)).astype(np.int32)
  valid = np.ones((16, 40), bool)
  labels = rng.integers(0, 10, 16).astype(np.int32)
  results = []
  for n in (1, 8):
    p_train, _ = step_lib.pmapped(model, opt, devices=jax.local_devices()[:n])
    rep = step_lib.replicate(state, n)
    shard = lambda x: x.reshape((n, 16 // n) + x.shape[1:])
    new, m = p_train(rep, shard(tokens), shard(valid), shard(labels), jnp.float32(1), jnp.float32(1),
                     jnp.float32(1))
    results.append((jax.tree.map(lambda x: np.asarray(x[0]), new.params), float(m["loss"][0])))
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, atol=1e-6), results[0][0], results[1][0])
  assert abs(results[0][1] - results[1][1]) < 1e-5


@pytest.mark.parametrize("packed", [False, True])
def test_a_placed_state_compiles_the_step_once(packed):
  # A host copy as the first state is another signature than the step's own output: the second
  # call would trace and compile the whole step again. The loop places the state first.
  spec = classifier.ModelSpec(num_classes=10, vocab_size=256, embed_dim=8, hidden_sizes=(8,),
                              head_sizes=(8,), horizon=10, chunk=16, unroll=2)
  model, traces = models.lstm_model(spec), []
  counted = models.Model(init=model.init, logits=model.logits, has_aux=model.has_aux,
                         loss=lambda *a: (traces.append(1), model.loss(*a))[1])
  opt = step_lib.make_optimizer("rmsprop", 1e-3, 1.0)
  devices = jax.local_devices()[:2]
  runs = (2,) if packed else ()
  state = (step_lib.init_runs(counted, opt, [0, 1]) if packed
           else step_lib.init_state(counted, opt, seed=0))
  rep = step_lib.place(step_lib.replicate(state, 2), devices)
  p_train, _ = step_lib.pmapped(counted, opt, devices=devices, packed=packed)
  rng = np.random.default_rng(0)
  batch = (rng.integers(0, 256, (2,) + runs + (4, 40, 1)).astype(np.int32),
           np.ones((2,) + runs + (4, 40), bool),
           rng.integers(0, 10, (2,) + runs + (4,)).astype(np.int32))
  w = np.ones(runs, np.float32) if packed else jnp.float32(1)
  for _ in range(3):
    rep, _ = p_train(rep, *batch, jnp.float32(1), w, w)
  assert len(traces) == 1
  assert int(np.asarray(rep.step).max()) == 3


@pytest.mark.parametrize("field,value,message", [
    ("checkpoint_every_steps", 0, "checkpoint_every_steps must be an int >= 1"),
    ("log_every_steps", 0, "log_every_steps must be an int >= 1"),
    ("eval_batch_size", 0, "eval_batch_size must be an int >= 1"),
    ("train_examples", -5, "train_examples must be an int >= 0"),
    ("learning_rate", -1.0, "learning_rate must be a number > 0"),
    ("optimizer", "lamb", "optimizer='lamb': choose one of rmsprop, adam, adamw, sgd"),
    ("weight_decay", 0.1, r"weight_decay=0.1 applies to optimizer=adamw only \(optimizer=rmsprop\)"),
    ("weight_decay", -0.1, "weight_decay must be a number >= 0"),
    ("lr_schedule", "linear", "lr_schedule='linear': choose one of constant, step, cosine"),
    ("augment", "crop", "augment='crop': choose one of none, flip"),
])
def test_config_values_are_checked_before_any_work(tmp_path, field, value, message):
  from experiments.configs import paper
  from rnn_aux.train import config_checks
  config = paper.get_config("mnist,smoke")
  config_checks.check_config(config)  # the preset itself is fine
  config[field] = value
  with pytest.raises(ValueError, match=message):
    config_checks.check_config(config)
  (tmp_path / "file").write_text("")
  with pytest.raises(ValueError, match="is a file, not a directory"):
    config_checks.check_workdir(str(tmp_path / "file"))


@pytest.mark.parametrize("args,message", [
    (["--config", SMOKE.replace("smoke", "smokey")], "unknown row"),
    (["--config", SMOKE, "--config.model.horizon=-3"], "horizon must be an int >= 1"),
    (["--config", SMOKE, "--config.task=mnistt"], "known:"),
    (["--config", SMOKE, "--config.batch_size=oops"], "batch_size"),
    (["--config", SMOKE, "--import=no_such_module_xyz"], "--import no_such_module_xyz"),
    (["--config", SMOKE, "--config.model.cell=rnn"], "unknown recurrence cell 'rnn'"),
    (["--config", SMOKE, "--config.foo=1"], "unknown config field 'foo'"),
    (["--config", SMOKE.replace("paper.py", "nope.py")], "nope.py does not exist"),
    (["--config", RERUN + ":no/such/workdir"], "no/such/workdir does not exist: pass a workdir"),
    (["--config", SMOKE, "--config.model.head_sizes=(8,)", "--config.model.head_sizes=(4,)"],
     "--config.model.head_sizes given 2 times, which joins the tuples into (8, 4)"),
    (["--config", SMOKE, "--config.task=pmnist", "--config.augment=flip"],
     "pmnist is permuted; set --config.augment=none"),
])
def test_bad_flags_give_one_line_errors(tmp_path, mnist_dir, args, message):
  r = subprocess.run(TRAIN + args + ["--workdir", str(tmp_path / "w"),
                                     f"--config.data_dir={mnist_dir}"],
                     env=_env(), capture_output=True, text=True, timeout=300)
  assert r.returncode != 0
  assert message in r.stderr, r.stderr[-3000:]
  assert "Traceback" not in r.stderr, r.stderr[-3000:]


def _two_processes(wd, mnist_dir, cwd, *extra):
  """Two CPU processes, one device each, joined by jax.distributed (gloo collectives)."""
  import socket
  with socket.socket() as s:
    s.bind(("localhost", 0))
    port = s.getsockname()[1]
  procs = []
  for i in range(2):
    env = _env()
    env.update(JAX_PLATFORMS="cpu", JAX_COORDINATOR_ADDRESS=f"localhost:{port}",
               JAX_NUM_PROCESSES="2", JAX_PROCESS_ID=str(i))
    procs.append(subprocess.Popen(_args(wd, mnist_dir, *extra), env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, cwd=str(cwd)))
  return procs


def test_two_process_jax_distributed_on_localhost(tmp_path, mnist_dir):
  wd = tmp_path / "dist"
  procs = _two_processes(wd, mnist_dir, tmp_path)
  outs = [p.communicate(timeout=600) for p in procs]
  for p, (out, err) in zip(procs, outs):
    assert p.returncode == 0, err[-3000:]
  res = json.loads((wd / "results.json").read_text())
  assert res["devices"] == 2 and res["status"] == "completed"
  assert res["history"][-1]["examples"] == 200  # each test example counted once over 2 hosts


def test_sigterm_to_one_of_two_processes_stops_both_at_the_same_step(tmp_path, mnist_dir):
  """A preemption notice that reaches one host only: both stop together and checkpoint."""
  wd = tmp_path / "dist_term"
  procs = _two_processes(wd, mnist_dir, tmp_path, "--config.train_epochs=50")
  deadline = time.time() + 300
  while time.time() < deadline and not (wd / "tb").exists():
    time.sleep(0.05)
  time.sleep(3.0)
  procs[1].send_signal(signal.SIGTERM)
  outs = [p.communicate(timeout=300) for p in procs]
  for p, (out, err) in zip(procs, outs):
    assert p.returncode == 0, err[-3000:]
    assert "stopped by signal" in out
  stopped = [int(out.split("stopped by signal at step ")[1].split(";")[0]) for out, _ in outs]
  assert stopped[0] == stopped[1] < 50 * 20
  assert checkpoint.Checkpointer(str(wd), keep=3).latest_step() == stopped[0]
  assert json.loads((wd / "results.json").read_text())["status"] == "preempted"


def test_quick_preset_learns_permuted_mnist(tmp_path, mnist_dir):
  """The README's main job: 38.0% test accuracy measured (2026-11-27, chance 10%) on 2 CPU cores."""
  pm = PAPER + ":pmnist,quick"
  wd = tmp_path / "quick"
  r = subprocess.run(TRAIN + ["--config", pm, "--workdir", str(wd), f"--config.data_dir={mnist_dir}",
                              "--config.progress_bar=False"], env=_env(), capture_output=True,
                     text=True, timeout=900)
  assert r.returncode == 0, r.stderr[-2000:]
  res = json.loads((wd / "results.json").read_text())
  assert res["final_test_accuracy"] > 0.25, res["history"]


def test_non_finite_loss_stops_with_a_clear_message(tmp_path, mnist_dir):
  wd = tmp_path / "nan"
  r = subprocess.run(_args(wd, mnist_dir, "--config.optimizer=sgd", "--config.learning_rate=1e30",
                           "--config.clip_norm=0.0", "--config.checkpoint_every_steps=1000"),
                     env=_env(), capture_output=True, text=True, timeout=600)
  assert r.returncode != 0
  assert "loss is nan at step" in r.stderr and "Traceback" not in r.stderr, r.stderr[-2000:]
  assert "no checkpoint was saved" in r.stderr  # none before step 1000
  assert not (wd / "results.json").exists()
  # a checkpoint after every step: step 1's loss is finite, the parameters it makes are not
  # (the rate overflows float32); such a state is never saved
  wd = tmp_path / "inf"
  r = subprocess.run(_args(wd, mnist_dir, "--config.optimizer=sgd", "--config.learning_rate=1e39",
                           "--config.clip_norm=0.0", "--config.checkpoint_every_steps=1"),
                     env=_env(), capture_output=True, text=True, timeout=600)
  assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
  assert "parameters after step 1 are not finite; no checkpoint was saved" in r.stderr
  assert checkpoint.Checkpointer(str(wd), keep=3).latest_step() is None


def test_config_guard_names_the_changed_field_and_accepts_fields_added_later(tmp_path):
  # a run from before the fields, when the Transformer's sizes sat in the LSTM's section
  old = {"learning_rate": 1e-3, "model": {"name": "lstm", "hidden_sizes": [128], "model_dim": 128}}
  config_guard.guard_config(str(tmp_path), old)
  same_as_then = {"learning_rate": 1e-3, "validation_examples": 0, "lr_schedule": "constant",
                  "warmup_steps": 0, "decay_fractions": [0.5, 0.75], "decay_factor": 0.1,
                  "final_lr_fraction": 0.0, "weight_decay": 0.0, "augment": "none",
                  "runs": {"seeds": [], "learning_rate": [], "aux_weight": [],
                           "weight_decay": []},
                  "model": {"name": "lstm", "hidden_sizes": [128], "head_activation": "relu",
                            "recurrence": "scan", "cell": "lstm", "aligned_truncation": False,
                            "aux_min_inside": None, "decoder_recurrence": None,
                            "head_dropout": 0.0, "input_embedding": True,
                            "reset_at_truncation": False, "aux_positions": False}}
  config_guard.guard_config(str(tmp_path), same_as_then)  # resumes
  now = {**same_as_then, "model": {**same_as_then["model"], "head_activation": "gelu"}}
  with pytest.raises(config_guard.ConfigMismatchError,
                     match=r"model.head_activation='relu' \(now 'gelu'\)"):
    config_guard.guard_config(str(tmp_path), now)
  with pytest.raises(config_guard.ConfigMismatchError, match=r"model.cell='lstm' \(now 'gru'\)"):
    config_guard.guard_config(str(tmp_path), {**same_as_then, "model": {
        **same_as_then["model"], "cell": "gru"}})
  # packed runs saved before runs.weight_decay existed resume as runs without one of their own
  packed_then = {**same_as_then, "runs": {"seeds": [0, 1], "learning_rate": [], "aux_weight": []}}
  config_guard.guard_config(str(tmp_path / "packed"), packed_then)
  config_guard.guard_config(str(tmp_path / "packed"), {
      **same_as_then, "runs": {**same_as_then["runs"], "seeds": [0, 1]}})
  with pytest.raises(config_guard.ConfigMismatchError,
                     match=r"runs.weight_decay=\[\] \(now \[0.1, 0.3\]\)"):
    config_guard.guard_config(str(tmp_path / "packed"), {
        **same_as_then, "runs": {**same_as_then["runs"], "seeds": [0, 1],
                                 "weight_decay": [0.1, 0.3]}})


def test_inspect_run_reads_a_workdir(tmp_path, mnist_dir):
  wd = tmp_path / "run"
  r = subprocess.run(_args(wd, mnist_dir, "--config.max_steps=5"), env=_env(),
                     capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  tool = [sys.executable, os.path.join(ROOT, "experiments", "inspect_run.py")]
  r = subprocess.run(tool + ["--workdir", str(wd), "--examples", "8", "--probe_examples", "24"],
                     env=_env(),
                     capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  out = json.loads((wd / "inspect.json").read_text())
  assert out["step"] == 5 and out["head_activation"] == "gelu"
  assert len(out["input_grad_norm_per_time_band"]) == 8 and out["loss"] > 0
  assert sum(out["input_grad_norm_per_time_band"]) > 0  # a live head passes gradient back
  assert out["head_live_units"] == [[16, 16]]  # GELU is nonzero almost everywhere
  assert "head layer 0: 16/16" in r.stdout
  # the r-LSTM's memory: l=20 reconstructed steps in 8 bands of distance from the anchor
  bands = out["reconstruction_by_distance"]
  assert [b["distance"] for b in bands][0] == [1, 3] and bands[-1]["distance"] == [19, 20]
  assert all(0 < b["own_state_nats"] < 20 and 0 < b["other_state_nats"] < 20 for b in bands)
  assert "steps before the anchor" in r.stdout
  # the memory probe: 8 bands over the 784 steps, the state's R^2 beside the label's
  probe = out["probe_r2_by_distance"]
  assert probe[0]["distance"] == [0, 97] and probe[-1]["distance"] == [686, 783]
  assert all(np.isfinite(b["r2"]) and b["r2"] <= 1 and b["r2_from_the_label"] <= 1 for b in probe)
  r = subprocess.run(tool + ["--workdir", str(tmp_path / "none")], env=_env(),
                     capture_output=True, text=True)
  assert r.returncode != 0 and "does not exist" in r.stderr.strip().splitlines()[-1]


def _flip_a_byte_of_the_arrays(step_dir):
  files = [p for p in step_dir.joinpath("state").rglob("*") if p.is_file()]
  biggest = max(files, key=lambda p: p.stat().st_size)
  data = bytearray(biggest.read_bytes())
  data[len(data) // 2] ^= 0x10
  biggest.write_bytes(bytes(data))


def test_damaged_newest_checkpoint_falls_back_to_the_previous_one(tmp_path, mnist_dir):
  wd = tmp_path / "run"
  extra = ("--config.checkpoint_every_steps=5",)  # one epoch: 20 steps, checkpoints 10, 15, 20
  r = subprocess.run(_args(wd, mnist_dir, *extra), env=_env(), capture_output=True, text=True,
                     timeout=600)
  assert r.returncode == 0, r.stderr[-2000:]
  _flip_a_byte_of_the_arrays(wd / "checkpoints" / "20")
  r = subprocess.run(_args(wd, mnist_dir, *extra), env=_env(), capture_output=True, text=True,
                     timeout=600)
  assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
  assert "warning: checkpoint 20" in r.stderr and "is damaged" in r.stderr
  assert "resumed from step 15" in r.stdout
  assert [p.name.split(".")[0] for p in (wd / "corrupt_checkpoints").iterdir()] == ["20"]
  assert checkpoint.Checkpointer(str(wd), keep=3).latest_step() == 20  # trained again
  # every checkpoint damaged: one line naming the workdir, nothing deleted
  for step_dir in (wd / "checkpoints").iterdir():
    if step_dir.name.isdigit():
      _flip_a_byte_of_the_arrays(step_dir)
  r = subprocess.run(_args(wd, mnist_dir, *extra), env=_env(), capture_output=True, text=True,
                     timeout=600)
  assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
  assert f"no good checkpoint in {wd}" in r.stderr.strip().splitlines()[-1]
  assert len(list((wd / "corrupt_checkpoints").iterdir())) == 4
