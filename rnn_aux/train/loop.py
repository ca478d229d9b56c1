"""``train_and_evaluate(config, workdir)``: the paper's schedule, data parallel, resumable.

Schedule: ``pretrain_epochs`` of the auxiliary loss alone (supervised weight 0), then
``train_epochs`` of ``supervised + aux_weight * auxiliary``. The weights are traced scalars, so both
phases share one compiled step. A run killed at any point and started again with the same config
and workdir continues from its last checkpoint (state, RNG and data position) and ends with the
parameters an uninterrupted run would have. SIGTERM (preemption) saves a checkpoint and returns;
with several processes, all stop at the same step when any of them got the signal.
"""
from __future__ import annotations

import os
import signal
import time
from typing import Optional

import jax
import jax.numpy as jnp
from jax.experimental import multihost_utils
import ml_collections
import numpy as np

from rnn_aux import feedforward, models, transformer
from rnn_aux.data import pipeline, tasks
from rnn_aux.train import checkpoint, metrics, step as step_lib


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


def build_model(config: ml_collections.ConfigDict, task: tasks.Task) -> step_lib.Model:
  m = config.model
  if m.name == "lstm":
    spec = models.ModelSpec(
        num_classes=task.num_classes, vocab_size=task.vocab_size, channels=task.channels,
        embed_dim=m.embed_dim, hidden_sizes=tuple(m.hidden_sizes), head_sizes=tuple(m.head_sizes),
        horizon=m.horizon, aux=m.aux, aux_length=m.aux_length, aux_horizon=m.aux_horizon,
        num_anchors=m.num_anchors, anchors_per_example=m.anchors_per_example,
        decoder_sizes=tuple(m.decoder_sizes), decoder_head_sizes=tuple(m.decoder_head_sizes),
        teacher_forcing=m.teacher_forcing, chunk=m.chunk, unroll=m.unroll,
        recurrence=m.recurrence, head_activation=m.head_activation)
    return step_lib.lstm_model(spec)
  if m.name == "transformer":
    spec = transformer.TransformerSpec(
        num_classes=task.num_classes, vocab_size=task.vocab_size, channels=task.channels,
        model_dim=m.model_dim, num_heads=m.num_heads, mlp_dim=m.mlp_dim, num_layers=m.num_layers,
        head_sizes=tuple(m.head_sizes), head_activation=m.head_activation, dropout=m.dropout)
    return step_lib.transformer_model(spec, task.seq_len)
  raise ValueError(f"unknown model.name {m.name!r}; choose 'lstm' or 'transformer'")


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


def _train_and_evaluate(config: ml_collections.ConfigDict, workdir: str) -> dict:
  task = tasks.get_task(config.task)
  checkpoint.guard_config(workdir, config.to_dict())
  model = build_model(config, task)
  optimizer = step_lib.make_optimizer(config.optimizer, config.learning_rate, config.clip_norm)

  n_dev = jax.local_device_count()
  n_total = jax.device_count()
  if config.batch_size % n_total:
    raise ValueError(f"batch_size {config.batch_size} does not divide over {n_total} devices; "
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
  eval_bs = config.get("eval_batch_size") or config.batch_size
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
  history, train_log = [], []  # test evaluations; logged training losses
  wall_before = 0.0  # training wall time of earlier sessions of this run
  if ckpt.latest_step() is not None:
    state, data = ckpt.restore(state)
    train_data.set_state(data["loader"])
    history = data.get("history", [])
    train_log.extend(data.get("train_log", []))
    wall_before = float(data.get("wall_time_s", 0.0))
    print(f"resumed from step {int(state.step)} in {workdir}", flush=True)
  else:
    print(f"{config.model.name} model, {n_params:,} parameters; {total_steps} steps "
          f"({spe} per epoch, {pretrain_steps} auxiliary-only)", flush=True)

  p_train, p_eval = step_lib.pmapped(model, optimizer)
  rstate = step_lib.replicate(state, n_dev)
  writer = metrics.MetricWriter(workdir, enabled=jax.process_index() == 0)
  stop = {"signal": None}
  previous = signal.signal(signal.SIGTERM, lambda s, f: stop.update(signal=s))

  def check_finite(loss):
    loss = np.asarray(jax.device_get(loss))
    if not np.isfinite(loss).all():
      raise NonFiniteLossError(
          f"loss is {loss.ravel()[0]} at step {step}; the last good checkpoint is step "
          f"{ckpt.latest_step()} in {workdir} (try a lower learning_rate or clip_norm)")

  def stop_requested(sync_point: bool) -> bool:
    """Whether to stop now. With several processes they must stop at the same step (checkpoint
    saving and the steps are collective), so a signal that reached only some of them is shared at
    the next sync point (log, epoch end or checkpoint step: they sync there anyway)."""
    local = stop["signal"] is not None
    if jax.process_count() == 1:
      return local
    if not sync_point:
      return False
    return bool(np.any(multihost_utils.process_allgather(np.int32(local))))

  def save(step):
    host_state = jax.tree.map(lambda x: x[0], rstate)
    ckpt.save(step, host_state, {"loader": train_data.get_state(), "history": history,
                                 "train_log": train_log,
                                 "wall_time_s": wall_before + time.perf_counter() - t_start})

  step = int(state.step)
  bar = _progress(total_steps, step, config.progress_bar)
  t_last, steps_last = time.perf_counter(), step
  t_start = time.perf_counter()
  status = "completed"
  last_metrics = None
  try:
    while step < total_steps:
      sup_w = 0.0 if step < pretrain_steps else 1.0
      batch = next(train_data)
      rstate, m = p_train(rstate, *_shard(batch, n_dev)[:3], jnp.float32(sup_w),
                          jnp.float32(config.aux_weight))
      step += 1
      last_metrics = m
      if bar is not None:
        bar.update(1)
      at_epoch_end = step % spe == 0 or step == total_steps
      log_step = step % config.log_every_steps == 0 or at_epoch_end
      checkpoint_step = step % config.checkpoint_every_steps == 0 or at_epoch_end
      if log_step:
        values = {k: float(v[0]) for k, v in jax.device_get(m).items()}
        check_finite(values["loss"])
        now = time.perf_counter()
        rate = (step - steps_last) / max(now - t_last, 1e-9)
        values.update({"learning_rate": config.learning_rate, "steps_per_s": rate,
                       "step_time_s": 1.0 / max(rate, 1e-9),
                       "sequences_per_s": rate * config.batch_size, "supervised_weight": sup_w})
        t_last, steps_last = now, step
        writer.scalars(step, values)
        train_log.append({"step": step, "loss": values["loss"],
                          "accuracy": values.get("supervised/accuracy")})
        if bar is not None:
          bar.set_postfix(loss=f"{values['loss']:.3f}",
                          acc=f"{values.get('supervised/accuracy', 0):.3f}")
      if at_epoch_end:
        evals = {name: evaluate(p_eval, rstate.params, data, n_dev)
                 for name, data in eval_data.items()}
        # A history entry is the test result (as before validation existed) plus the others.
        result = {**evals.pop("test"), **evals, "step": step, "epoch": step / spe}
        history.append(result)
        writer.scalars(step, {f"{name}/{k}": r[k] for name, r in
                              [("test", result)] + list(evals.items()) for k in ("accuracy", "loss")})
        shown = "".join(f", {name} accuracy {r['accuracy']:.4f}" for name, r in evals.items())
        print(f"\nstep {step} epoch {step / spe:.2f}: test accuracy {result['accuracy']:.4f}"
              f"{shown}", flush=True)
      if stop_requested(log_step or checkpoint_step):
        status = "preempted"
        break
      if checkpoint_step:
        check_finite(m["loss"])  # never save a diverged state
        save(step)
    if last_metrics is not None:
      check_finite(last_metrics["loss"])
    if ckpt.latest_step() != step:
      save(step)
  finally:
    signal.signal(signal.SIGTERM, previous)
    if bar is not None:
      bar.close()
    writer.close()
    ckpt.close()

  results = {"status": status, "task": task.name, "task_note": task.note, "step": step,
             "total_steps": total_steps, "epochs": step / spe, "parameters": n_params,
             "history": history, "train_log": train_log,
             "wall_time_s": wall_before + time.perf_counter() - t_start,
             "devices": n_total, "device_kind": jax.devices()[0].device_kind,
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
