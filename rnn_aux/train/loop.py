"""``train_and_evaluate(config, workdir)``: the paper's schedule, data parallel, resumable.

Schedule: ``pretrain_epochs`` of the auxiliary loss alone (supervised weight 0), then
``train_epochs`` of ``supervised + aux_weight * auxiliary`` (fewer with ``early_stop_epochs``:
:mod:`rnn_aux.train.early_stop`). The weights are traced scalars, so both phases share one
compiled step. A run killed at any point and started again with the same config
and workdir continues from its last checkpoint (state, RNG and data position) and ends with the
parameters an uninterrupted run would have. SIGTERM (preemption) saves a checkpoint and returns;
with several processes, all stop at the same step when any of them got the signal.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import time
from typing import Any

import jax
import jax.numpy as jnp
from jax.experimental import multihost_utils
import ml_collections
import numpy as np

from rnn_aux import feedforward
from rnn_aux.data import augment, pipeline, tasks
from rnn_aux.train import (checkpoint, config_checks, config_guard, early_stop, metrics, models,
                           step as step_lib)
from rnn_aux.train.run_plan import RunPlan, run_plan


class NonFiniteLossError(RuntimeError):
  pass


def initialize_distributed(requested: bool) -> bool:
  """``jax.distributed.initialize()`` when asked (flag) or when ``JAX_COORDINATOR_ADDRESS`` is set.

  On TPU pods and SLURM clusters JAX finds the rest itself; elsewhere (several GPU hosts,
  localhost CPU processes) set ``JAX_COORDINATOR_ADDRESS``, ``JAX_NUM_PROCESSES`` and
  ``JAX_PROCESS_ID``.
  """
  if not (requested or os.environ.get("JAX_COORDINATOR_ADDRESS")) or jax.distributed.is_initialized():
    return False
  kwargs = {}
  if os.environ.get("JAX_NUM_PROCESSES"):
    kwargs = {"num_processes": int(os.environ["JAX_NUM_PROCESSES"]),
              "process_id": int(os.environ.get("JAX_PROCESS_ID", "0"))}
  if os.environ.get("JAX_PLATFORMS", "") == "cpu":
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
  jax.distributed.initialize(**kwargs)
  return True


def shutdown_distributed() -> None:
  """Wait for every process, then leave the distributed runtime in order (no failed barriers)."""
  multihost_utils.sync_global_devices("rnn_aux_train_and_evaluate_done")
  jax.distributed.shutdown()


# The evaluation of the first ``train_eval_examples`` training examples, beside validation and test.
TRAIN_SUBSET = "train_subset"


def _shard(batch: pipeline.Batch, n_dev: int):
  def split(x):
    return x.reshape((n_dev, x.shape[0] // n_dev) + x.shape[1:])
  return (split(batch.tokens.astype(np.int32)), split(batch.valid), split(batch.labels),
          split(batch.weight))


def _shard_runs(batches: list, n_dev: int):
  """One batch per run -> ``(tokens, valid, labels)``, each ``n_dev x R x B/n_dev x ...``."""
  shards = [_shard(b, n_dev)[:3] for b in batches]
  return tuple(np.stack(parts, axis=1) for parts in zip(*shards))


def evaluate(p_eval, params, loader: pipeline.SequenceLoader, n_dev: int) -> list[dict]:
  """Accuracy, loss and example count of each packed run over one pass of ``loader``."""
  totals = None
  for batch in loader.epoch_batches():
    out = jax.device_get(p_eval(params, *_shard(batch, n_dev)))
    out = {k: np.asarray(v[0], np.float64) for k, v in out.items()}  # R each
    totals = out if totals is None else {k: totals[k] + out[k] for k in totals}
  # pmap collectives span every device of every process: the psum above is already global.
  n = np.maximum(totals["count"], 1.0)
  return [{"accuracy": float(c), "loss": float(l), "examples": int(k)}
          for c, l, k in zip(totals["correct"] / n, totals["loss_sum"] / n, totals["count"])]


def _combine(per_run: list[dict]) -> dict:
  """One evaluation over the packed runs: their mean, with the spread and each run's own under
  ``runs`` when there are several."""
  out = {k: float(np.mean([r[k] for r in per_run])) for k in ("accuracy", "loss")}
  out["examples"] = per_run[0]["examples"]
  if len(per_run) > 1:
    out["accuracy_std"] = float(np.std([r["accuracy"] for r in per_run], ddof=1))
    out["runs"] = per_run
  return out


def _progress(total, initial, enabled):
  if not enabled or jax.process_index() != 0:
    return None
  from tqdm import tqdm
  return tqdm(total=total, initial=initial, dynamic_ncols=True, desc="train")


def train_and_evaluate(config: ml_collections.ConfigDict, workdir: str) -> dict:
  """Train per ``config`` in ``workdir`` (resuming if it holds checkpoints); returns the results."""
  owns_distributed = initialize_distributed(config.get("distributed", False))
  try:
    return _train_and_evaluate(config, workdir)
  finally:
    if owns_distributed:
      shutdown_distributed()


@dataclasses.dataclass
class _Setup:
  """Everything a run needs before its first step, restored from the workdir when resuming."""
  task: tasks.Task
  model: models.Model
  schedule: Any              # step -> learning rate
  optimizer: Any
  plan: RunPlan
  train_data: list           # one loader per packed run (its seed's data order)
  eval_data: dict            # name -> loader; "test", and "validation" when held out
  steps_per_epoch: int
  pretrain_steps: int
  total_steps: int
  state: step_lib.TrainState
  n_params: int
  ckpt: checkpoint.Checkpointer
  history: list              # evaluations at epoch ends
  train_log: list            # logged training losses
  wall_before: float         # training wall time of earlier sessions of this run


def _setup(config: ml_collections.ConfigDict, workdir: str) -> _Setup:
  config_checks.check_config(config)
  config_checks.check_workdir(workdir)
  task = tasks.get_task(config.task, config.data_dir or None)
  augment.check(task, config.get("augment", "none"))  # before the data is read
  config_guard.guard_config(workdir, config.to_dict())
  model = models.build(config.model, task)
  n_total = jax.device_count()
  eval_bs = config.eval_batch_size
  for name, size in (("batch_size", config.batch_size), ("eval_batch_size", eval_bs)):
    if size % n_total:
      raise ValueError(f"{name} {size} does not divide over {n_total} devices; "
                       f"use a multiple of {n_total}")
  train_src = pipeline.load_source(task, "train", config.data_dir, config.data_source)
  test_src = pipeline.load_source(task, "test", config.data_dir, config.data_source)
  train_src, val_src = pipeline.split_validation(train_src,
                                                 config.get("validation_examples", 0))
  if config.get("train_examples"):
    train_src = pipeline.ExampleRange(train_src, 0, config.train_examples)
  if config.get("eval_examples"):
    test_src = pipeline.ExampleRange(test_src, 0, config.eval_examples)
  host = dict(process_index=jax.process_index(), process_count=jax.process_count())
  plan = run_plan(config)
  train_data = [pipeline.SequenceLoader(task, train_src, global_batch_size=config.batch_size,
                                        seed=seed, augment=config.get("augment", "none"), **host)
                for seed in plan.seeds]
  eval_sets = {"test": test_src} if val_src is None else {"validation": val_src, "test": test_src}
  n_fit = config.get("train_eval_examples", 0)
  if n_fit:  # the fit to the training data, measured as test is (no dropout, whole examples)
    if n_fit > len(train_src):
      raise ValueError(f"train_eval_examples={n_fit} exceeds the {len(train_src)} training "
                       "examples; evaluate fewer")
    eval_sets[TRAIN_SUBSET] = pipeline.ExampleRange(train_src, 0, n_fit)
  eval_data = {name: pipeline.SequenceLoader(task, src, global_batch_size=eval_bs, shuffle=False,
                                             drop_remainder=False, **host)
               for name, src in eval_sets.items()}

  spe = train_data[0].steps_per_epoch
  pretrain_steps = config.pretrain_epochs * spe if model.has_aux else 0
  total_steps = pretrain_steps + config.train_epochs * spe
  if config.get("max_steps"):
    total_steps = min(total_steps, config.max_steps)
  if total_steps <= 0:
    raise ValueError("nothing to train: set train_epochs (or max_steps) > 0")
  schedule = step_lib.make_schedule(
      config.lr_schedule, config.learning_rate, total_steps, warmup_steps=config.warmup_steps,
      decay_fractions=tuple(config.decay_fractions), decay_factor=config.decay_factor,
      final_fraction=config.final_lr_fraction)
  optimizer = step_lib.make_optimizer(config.optimizer, schedule, config.clip_norm,
                                      config.weight_decay)

  state = step_lib.init_runs(model, optimizer, plan.seeds, plan.weight_decays)
  n_params = feedforward.count_params(state.params) // plan.size
  ckpt = checkpoint.Checkpointer(workdir, config.keep_checkpoints)
  run = _Setup(task, model, schedule, optimizer, plan, train_data, eval_data, spe, pretrain_steps,
               total_steps, state, n_params, ckpt, history=[], train_log=[], wall_before=0.0)
  if ckpt.latest_step() is not None:
    def same_run(data):  # checkpoints from before the config was stored: config.json guards
      if data.get("config") is not None:
        config_guard.check_same_run(f"the checkpoint in {workdir}", data["config"],
                                    config.to_dict())
    try:
      run.state, data = ckpt.restore(state, check_data=same_run)
    except BaseException:
      ckpt.close()  # an open manager left to interpreter exit prints a traceback there
      raise
    for loader, position in zip(train_data, data["loaders"]):
      loader.set_state(position)
    run.history = data.get("history", [])
    run.train_log = list(data.get("train_log", []))
    run.wall_before = float(data.get("wall_time_s", 0.0))
    print(f"resumed from step {int(run.state.step[0])} in {workdir}", flush=True)
  else:
    packed = f"; {plan.size} packed runs (seeds {list(plan.seeds)})" if plan.size > 1 else ""
    print(f"{config.model.name} model, {n_params:,} parameters; {total_steps} steps "
          f"({spe} per epoch, {pretrain_steps} auxiliary-only){packed}", flush=True)
  return run


class _Periodic:
  """The actions between steps: log, evaluate, checkpoint, and the preemption check."""

  def __init__(self, config, workdir: str, run: _Setup, p_eval, n_dev: int):
    self.config, self.workdir, self.run, self.p_eval, self.n_dev = config, workdir, run, p_eval, n_dev
    self.saved_config = config_guard.as_saved(config.to_dict())  # stored in every checkpoint
    self.writer = metrics.MetricWriter(workdir, enabled=jax.process_index() == 0)
    self.signal = None
    self.t_start = self.t_last = time.perf_counter()
    self.steps_last = int(run.state.step[0])

  def check_finite(self, loss, step: int) -> None:
    loss = np.asarray(jax.device_get(loss)).reshape(-1, self.run.plan.size)[0]  # per run
    if not np.isfinite(loss).all():
      bad = [self.run.plan.seeds[r] for r in np.flatnonzero(~np.isfinite(loss))]
      raise NonFiniteLossError(
          f"loss is {loss[~np.isfinite(loss)][0]} at step {step} (runs of seeds {bad}); "
          f"{self.last_good()}")

  def last_good(self) -> str:
    latest = self.run.ckpt.latest_step()
    where = (f"the last good checkpoint is step {latest} in {self.workdir}" if latest is not None
             else f"no checkpoint was saved in {self.workdir}")
    return f"{where} (try a lower learning_rate or clip_norm)"

  def log(self, step: int, m, sup_w: float) -> dict:
    per_run = {k: np.asarray(v[0], np.float64) for k, v in jax.device_get(m).items()}  # R each
    self.check_finite(per_run["loss"], step)
    values = {k: float(v.mean()) for k, v in per_run.items()}
    now = time.perf_counter()
    rate = (step - self.steps_last) / max(now - self.t_last, 1e-9)
    plan = self.run.plan
    values.update({"learning_rate": float(self.run.schedule(step - 1)), "steps_per_s": rate,
                   "step_time_s": 1.0 / max(rate, 1e-9),
                   "sequences_per_s": rate * self.config.batch_size * plan.size,
                   "supervised_weight": sup_w})
    self.t_last, self.steps_last = now, step
    if plan.size > 1:
      # each run's own rate: the schedule's (above, at config.learning_rate) times its scale
      per_run["learning_rate"] = values["learning_rate"] * (
          np.asarray(plan.learning_rates) / self.config.learning_rate)
      values.update({f"run_{r}/{k}": float(v[r]) for k, v in per_run.items()
                     for r in range(plan.size)})
    self.writer.scalars(step, values)
    entry = {"step": step, "loss": values["loss"], "accuracy": values.get("supervised/accuracy"),
             "learning_rate": values["learning_rate"]}
    # the objective's parts, unweighted: loss = supervised_weight * supervised + aux_weight * aux
    for name, key in [("supervised_loss", "supervised/loss")] + [
        ("aux_loss", k) for k in per_run if k.endswith("/loss") and k != "supervised/loss"]:
      entry[name] = values[key]
    if plan.size > 1:
      entry["loss_per_run"] = [float(x) for x in per_run["loss"]]
      entry["learning_rate_per_run"] = [float(x) for x in per_run["learning_rate"]]
    self.run.train_log.append(entry)
    return values

  def evaluate(self, step: int, params) -> None:
    spe = self.run.steps_per_epoch
    evals = {name: _combine(evaluate(self.p_eval, params, data, self.n_dev))
             for name, data in self.run.eval_data.items()}
    # A history entry is the test result (as before validation existed) plus the others.
    # wall_time_s: the run's time so far (resumes included), for time to accuracy
    result = {**evals.pop("test"), **evals, "step": step, "epoch": step / spe,
              "wall_time_s": self.wall_time()}
    self.run.history.append(result)
    named = [("test", result)] + list(evals.items())
    scalars = {f"{name}/{k}": r[k] for name, r in named for k in ("accuracy", "loss")}
    scalars.update({f"run_{i}/{name}/{k}": one[k] for name, r in named  # packed: each run's own
                    for i, one in enumerate(r.get("runs", [])) for k in ("accuracy", "loss")})
    self.writer.scalars(step, scalars)
    shown = "".join(f", {name} accuracy {r['accuracy']:.4f}" for name, r in evals.items())
    print(f"\nstep {step} epoch {step / spe:.2f}: test accuracy {result['accuracy']:.4f}{shown}",
          flush=True)

  def save(self, step: int, rstate) -> None:
    """Checkpoint ``rstate`` unless a parameter or optimizer value is not finite: the last saved
    checkpoint is always one a run can go on from."""
    host_state = jax.device_get(jax.tree.map(lambda x: x[0], rstate))
    if not all(np.isfinite(x).all() for x in jax.tree.leaves((host_state.params,
                                                               host_state.opt_state))
               if np.issubdtype(np.asarray(x).dtype, np.floating)):
      raise NonFiniteLossError(f"the parameters after step {step} are not finite; "
                               f"{self.last_good()}")
    self.run.ckpt.save(step, host_state, {
        "loaders": [d.get_state() for d in self.run.train_data], "history": self.run.history,
        "config": self.saved_config,
        "train_log": self.run.train_log, "wall_time_s": self.wall_time()})

  def wall_time(self) -> float:
    return self.run.wall_before + time.perf_counter() - self.t_start

  def stop_requested(self, sync_point: bool) -> bool:
    """Whether to stop now. With several processes they must stop at the same step (checkpoint
    saving and the steps are collective), so a signal that reached only some of them is shared at
    the next sync point (log, epoch end or checkpoint step: they sync there anyway)."""
    local = self.signal is not None
    if jax.process_count() == 1:
      return local
    if not sync_point:
      return False
    return bool(np.any(multihost_utils.process_allgather(np.int32(local))))

  def close(self):
    self.writer.close()


def _train_and_evaluate(config: ml_collections.ConfigDict, workdir: str) -> dict:
  run = _setup(config, workdir)
  n_dev = jax.local_device_count()
  p_train, p_eval = step_lib.pmapped(run.model, run.optimizer, packed=True)
  rstate = step_lib.replicate(run.state, n_dev)
  if jax.process_count() == 1:  # several hosts: each passes its local host copy, as pmap takes it
    rstate = step_lib.place(rstate, jax.local_devices())
  periodic = _Periodic(config, workdir, run, p_eval, n_dev)
  previous = signal.signal(signal.SIGTERM, lambda s, f: setattr(periodic, "signal", s))
  step, spe, total_steps = int(run.state.step[0]), run.steps_per_epoch, run.total_steps
  aux_weights = np.asarray(run.plan.aux_weights, np.float32)
  lr_scales = np.asarray(run.plan.learning_rates, np.float32) / np.float32(config.learning_rate)
  bar = _progress(total_steps, step, config.progress_bar)
  patience = config.get("early_stop_epochs", 0)

  def stop_early() -> bool:
    if not early_stop.patience_exhausted(run.history, after_epoch=run.pretrain_steps / spe,
                                         patience=patience):
      return False
    print(f"stopping early at epoch {step / spe:.2f}: no run's validation accuracy rose in the "
          f"last {patience} epochs", flush=True)
    return True

  status = "early_stopped" if stop_early() else "completed"  # a resumed run that had stopped
  last_metrics = None
  try:
    while step < total_steps and status == "completed":
      sup_w = 0.0 if step < run.pretrain_steps else 1.0
      batches = [next(data) for data in run.train_data]
      rstate, last_metrics = p_train(rstate, *_shard_runs(batches, n_dev), jnp.float32(sup_w),
                                     aux_weights, lr_scales)
      step += 1
      if bar is not None:
        bar.update(1)
      at_epoch_end = step % spe == 0 or step == total_steps
      log_step = step % config.log_every_steps == 0 or at_epoch_end
      checkpoint_step = step % config.checkpoint_every_steps == 0 or at_epoch_end
      if log_step:
        values = periodic.log(step, last_metrics, sup_w)
        if bar is not None:
          bar.set_postfix(loss=f"{values['loss']:.3f}",
                          acc=f"{values.get('supervised/accuracy', 0):.3f}")
      if at_epoch_end:
        periodic.evaluate(step, rstate.params)
      if periodic.stop_requested(log_step or checkpoint_step):
        status = "preempted"
        break
      if checkpoint_step:
        periodic.check_finite(last_metrics["loss"], step)  # never save a diverged state
        periodic.save(step, rstate)
      if at_epoch_end:
        if stop_early():
          status = "early_stopped"
        elif step < total_steps:  # the last record is _finish's
          # a machine lost before the end leaves every evaluation so far, per run, in the workdir
          _write_results(run, workdir, "running", step, periodic.wall_time())
    if last_metrics is not None:
      periodic.check_finite(last_metrics["loss"], step)
    if run.ckpt.latest_step() != step:
      periodic.save(step, rstate)
  finally:
    signal.signal(signal.SIGTERM, previous)
    if bar is not None:
      bar.close()
    periodic.close()
    run.ckpt.close()
  return _finish(run, workdir, status, step, periodic.wall_time())


def _finish(run: _Setup, workdir: str, status: str, step: int, wall_time_s: float) -> dict:
  """Write ``results.json`` (process 0) and say how the run ended."""
  results = _write_results(run, workdir, status, step, wall_time_s)
  last, epochs = (run.history or [None])[-1], step / run.steps_per_epoch
  if status in ("completed", "early_stopped") and last:
    spread = (f" (mean of {run.plan.size} runs, std {last['accuracy_std']:.4f})"
              if run.plan.size > 1 else "")
    print(f"test accuracy {last['accuracy']:.4f}{spread} after {step} steps ({epochs:.2f} epochs)",
          flush=True)
  elif status == "preempted":
    print(f"stopped by signal at step {step}; checkpoint saved in {workdir}", flush=True)
  return results


def _write_results(run: _Setup, workdir: str, status: str, step: int,
                   wall_time_s: float) -> dict:
  """``results.json`` (process 0, atomically) as of ``step``: ``status`` is ``running`` while
  the run goes on (and stays so if its process dies), else how it ended."""
  history, spe, plan = run.history, run.steps_per_epoch, run.plan

  def per_run(entry):  # each run's part of one evaluation (its mean when there is one run)
    return [None] * plan.size if entry is None else entry.get("runs") or [entry]

  last = history[-1] if history else None
  val = last.get("validation") if last else None
  runs = [{**plan.run_settings(r), "final_test_accuracy": t and t["accuracy"],
           "final_validation_accuracy": v and v["accuracy"]}
          for r, (t, v) in enumerate(zip(per_run(last), per_run(val)))]
  results = {"status": status, "task": run.task.name, "task_note": run.task.note, "step": step,
             "total_steps": run.total_steps, "epochs": step / spe, "parameters": run.n_params,
             "history": history, "train_log": run.train_log, "wall_time_s": wall_time_s,
             "devices": jax.device_count(), "device_kind": jax.devices()[0].device_kind,
             "final_test_accuracy": last and last["accuracy"],
             "final_validation_accuracy": val and val["accuracy"], "runs": runs}
  if plan.size > 1 and history:
    results["final_test_accuracy_std"] = last["accuracy_std"]
  if jax.process_index() == 0:
    metrics.write_json_atomic(os.path.join(workdir, "results.json"), results)
  return results
