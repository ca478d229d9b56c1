"""``train_and_evaluate(config, workdir)``: the paper's schedule, data parallel, resumable.

Schedule: ``pretrain_epochs`` of the auxiliary loss alone (supervised weight 0), then
``train_epochs`` of ``supervised + aux_weight * auxiliary``. The weights are traced scalars, so both
phases share one compiled step. A run killed at any point and started again with the same config
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
from rnn_aux.data import pipeline, tasks
from rnn_aux.train import checkpoint, config_guard, metrics, models, step as step_lib


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


def _shard(batch: pipeline.Batch, n_dev: int):
  def split(x):
    return x.reshape((n_dev, x.shape[0] // n_dev) + x.shape[1:])
  return (split(batch.tokens.astype(np.int32)), split(batch.valid), split(batch.labels),
          split(batch.weight))


def evaluate(p_eval, params, loader: pipeline.SequenceLoader, n_dev: int) -> dict:
  totals = {"correct": 0.0, "count": 0.0, "loss_sum": 0.0}
  for batch in loader.epoch_batches():
    out = jax.device_get(p_eval(params, *_shard(batch, n_dev)))
    for k in totals:
      totals[k] += float(out[k][0])
  # pmap collectives span every device of every process: the psum above is already global.
  n = max(totals["count"], 1.0)
  return {"accuracy": totals["correct"] / n, "loss": totals["loss_sum"] / n,
          "examples": int(totals["count"])}


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
  optimizer: Any
  train_data: pipeline.SequenceLoader
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
  task = tasks.get_task(config.task)
  config_guard.guard_config(workdir, config.to_dict())
  model = models.build(config.model, task)
  optimizer = step_lib.make_optimizer(config.optimizer, config.learning_rate, config.clip_norm)
  n_total = jax.device_count()
  eval_bs = config.get("eval_batch_size") or config.batch_size
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
  train_data = pipeline.SequenceLoader(task, train_src, global_batch_size=config.batch_size,
                                       seed=config.seed, **host)
  eval_sets = {"test": test_src} if val_src is None else {"validation": val_src, "test": test_src}
  eval_data = {name: pipeline.SequenceLoader(task, src, global_batch_size=eval_bs, shuffle=False,
                                             drop_remainder=False, **host)
               for name, src in eval_sets.items()}

  spe = train_data.steps_per_epoch
  pretrain_steps = config.pretrain_epochs * spe if model.has_aux else 0
  total_steps = pretrain_steps + config.train_epochs * spe
  if config.get("max_steps"):
    total_steps = min(total_steps, config.max_steps)
  if total_steps <= 0:
    raise ValueError("nothing to train: set train_epochs (or max_steps) > 0")

  state = step_lib.init_state(model, optimizer, config.seed)
  n_params = feedforward.count_params(state.params)
  ckpt = checkpoint.Checkpointer(workdir, config.keep_checkpoints)
  run = _Setup(task, model, optimizer, train_data, eval_data, spe, pretrain_steps, total_steps,
               state, n_params, ckpt, history=[], train_log=[], wall_before=0.0)
  if ckpt.latest_step() is not None:
    run.state, data = ckpt.restore(state)
    train_data.set_state(data["loader"])
    run.history = data.get("history", [])
    run.train_log = list(data.get("train_log", []))
    run.wall_before = float(data.get("wall_time_s", 0.0))
    print(f"resumed from step {int(run.state.step)} in {workdir}", flush=True)
  else:
    print(f"{config.model.name} model, {n_params:,} parameters; {total_steps} steps "
          f"({spe} per epoch, {pretrain_steps} auxiliary-only)", flush=True)
  return run


class _Periodic:
  """The actions between steps: log, evaluate, checkpoint, and the preemption check."""

  def __init__(self, config, workdir: str, run: _Setup, p_eval, n_dev: int):
    self.config, self.workdir, self.run, self.p_eval, self.n_dev = config, workdir, run, p_eval, n_dev
    self.writer = metrics.MetricWriter(workdir, enabled=jax.process_index() == 0)
    self.signal = None
    self.t_start = self.t_last = time.perf_counter()
    self.steps_last = int(run.state.step)

  def check_finite(self, loss, step: int) -> None:
    loss = np.asarray(jax.device_get(loss))
    if not np.isfinite(loss).all():
      raise NonFiniteLossError(
          f"loss is {loss.ravel()[0]} at step {step}; the last good checkpoint is step "
          f"{self.run.ckpt.latest_step()} in {self.workdir} (try a lower learning_rate or "
          "clip_norm)")

  def log(self, step: int, m, sup_w: float) -> dict:
    values = {k: float(v[0]) for k, v in jax.device_get(m).items()}
    self.check_finite(values["loss"], step)
    now = time.perf_counter()
    rate = (step - self.steps_last) / max(now - self.t_last, 1e-9)
    values.update({"learning_rate": self.config.learning_rate, "steps_per_s": rate,
                   "step_time_s": 1.0 / max(rate, 1e-9),
                   "sequences_per_s": rate * self.config.batch_size, "supervised_weight": sup_w})
    self.t_last, self.steps_last = now, step
    self.writer.scalars(step, values)
    self.run.train_log.append({"step": step, "loss": values["loss"],
                               "accuracy": values.get("supervised/accuracy")})
    return values

  def evaluate(self, step: int, params) -> None:
    spe = self.run.steps_per_epoch
    evals = {name: evaluate(self.p_eval, params, data, self.n_dev)
             for name, data in self.run.eval_data.items()}
    # A history entry is the test result (as before validation existed) plus the others.
    result = {**evals.pop("test"), **evals, "step": step, "epoch": step / spe}
    self.run.history.append(result)
    self.writer.scalars(step, {f"{name}/{k}": r[k] for name, r in
                               [("test", result)] + list(evals.items()) for k in ("accuracy", "loss")})
    shown = "".join(f", {name} accuracy {r['accuracy']:.4f}" for name, r in evals.items())
    print(f"\nstep {step} epoch {step / spe:.2f}: test accuracy {result['accuracy']:.4f}{shown}",
          flush=True)

  def save(self, step: int, rstate) -> None:
    host_state = jax.tree.map(lambda x: x[0], rstate)
    self.run.ckpt.save(step, host_state, {
        "loader": self.run.train_data.get_state(), "history": self.run.history,
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
  p_train, p_eval = step_lib.pmapped(run.model, run.optimizer)
  rstate = step_lib.replicate(run.state, n_dev)
  periodic = _Periodic(config, workdir, run, p_eval, n_dev)
  previous = signal.signal(signal.SIGTERM, lambda s, f: setattr(periodic, "signal", s))
  step, spe, total_steps = int(run.state.step), run.steps_per_epoch, run.total_steps
  bar = _progress(total_steps, step, config.progress_bar)
  status, last_metrics = "completed", None
  try:
    while step < total_steps:
      sup_w = 0.0 if step < run.pretrain_steps else 1.0
      batch = next(run.train_data)
      rstate, last_metrics = p_train(rstate, *_shard(batch, n_dev)[:3], jnp.float32(sup_w),
                                     jnp.float32(config.aux_weight))
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
  history, spe = run.history, run.steps_per_epoch
  results = {"status": status, "task": run.task.name, "task_note": run.task.note, "step": step,
             "total_steps": run.total_steps, "epochs": step / spe, "parameters": run.n_params,
             "history": history, "train_log": run.train_log, "wall_time_s": wall_time_s,
             "devices": jax.device_count(), "device_kind": jax.devices()[0].device_kind,
             "final_test_accuracy": history[-1]["accuracy"] if history else None,
             "final_validation_accuracy": (history[-1]["validation"]["accuracy"]
                                           if history and "validation" in history[-1] else None)}
  if jax.process_index() == 0:
    metrics.write_json_atomic(os.path.join(workdir, "results.json"), results)
  if status == "completed" and history:
    print(f"test accuracy {history[-1]['accuracy']:.4f} after {step} steps "
          f"({step / spe:.2f} epochs)", flush=True)
  elif status == "preempted":
    print(f"stopped by signal at step {step}; checkpoint saved in {workdir}", flush=True)
  return results
