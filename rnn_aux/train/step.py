"""Train state and the per-device train/eval steps, driven data-parallel by ``jax.pmap``.

The per-device steps are plain functions of ``(state, batch, ...)`` with one collective
(``lax.pmean``/``psum`` over ``AXIS``), so they could move to ``jax.jit`` with shardings unchanged.

Packed runs: R independent runs (own seeds, parameters, optimizer state, RNG, data order and,
optionally, learning rate and auxiliary weight) trained by one compiled step, ``jax.vmap`` over a
leading run axis of the state and the batch (:func:`init_runs`, ``pmapped(..., packed=True)``).
One run's numbers are those it would have alone, up to float rounding.
"""
from __future__ import annotations

import functools
from typing import Any, NamedTuple, Sequence

import jax
import jax.numpy as jnp
import numpy as np
import optax

from rnn_aux.train.models import Model

AXIS = "batch"


class TrainState(NamedTuple):
  step: jax.Array
  params: Any
  opt_state: Any
  rng: jax.Array


SCHEDULES = ("constant", "step", "cosine")
OPTIMIZERS = {"rmsprop": optax.rmsprop, "adam": optax.adam, "adamw": optax.adamw,
              "sgd": optax.sgd}


def make_schedule(name: str, learning_rate: float, total_steps: int, *, warmup_steps: int = 0,
                  decay_fractions=(0.5, 0.75), decay_factor: float = 0.1,
                  final_fraction: float = 0.0) -> optax.Schedule:
  """Learning rate against the optimizer's step count.

  ``constant``; ``step``: multiplied by ``decay_factor`` at each of ``decay_fractions`` of
  ``total_steps``; ``cosine``: cosine decay to ``final_fraction * learning_rate`` at
  ``total_steps``. Each starts with ``warmup_steps`` of linear warm-up from 0 when > 0.
  """
  if name not in SCHEDULES:
    raise ValueError(f"unknown lr_schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
  if learning_rate <= 0:
    raise ValueError(f"learning_rate must be positive, got {learning_rate}")
  if not 0 <= warmup_steps < max(total_steps, 1):
    raise ValueError(f"warmup_steps must be in [0, {total_steps}) (the run's steps), "
                     f"got {warmup_steps}")
  if name == "step" and not (all(0 < f < 1 for f in decay_fractions) and 0 < decay_factor):
    raise ValueError(f"decay_fractions must lie in (0, 1) and decay_factor be > 0, got "
                     f"{tuple(decay_fractions)} and {decay_factor}")
  if name == "cosine":
    return optax.warmup_cosine_decay_schedule(0.0, learning_rate, warmup_steps, total_steps,
                                              end_value=final_fraction * learning_rate)
  if name == "step":
    boundaries = {int(f * total_steps): decay_factor for f in sorted(decay_fractions)}
    after = optax.piecewise_constant_schedule(
        learning_rate, {b - warmup_steps: f for b, f in boundaries.items() if b > warmup_steps})
  else:
    after = optax.constant_schedule(learning_rate)
  if not warmup_steps:
    return after
  return optax.join_schedules(
      [optax.linear_schedule(0.0, learning_rate, warmup_steps), after], [warmup_steps])


def make_optimizer(name: str, learning_rate: float | optax.Schedule,
                   clip_norm: float | None, weight_decay: float = 0.0) -> optax.GradientTransformation:
  """``name`` (rmsprop | adam | adamw | sgd) at ``learning_rate`` (a float or a schedule), after
  global-norm clipping at ``clip_norm`` (none when 0 or None). ``weight_decay``: AdamW's decoupled
  decay of every parameter (``adamw`` only; optax's default of 1e-4 is not used: 0 means none)."""
  if name not in OPTIMIZERS:
    raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
  if not callable(learning_rate) and learning_rate <= 0:
    raise ValueError(f"learning_rate must be positive, got {learning_rate}")
  if weight_decay < 0 or (weight_decay and name != "adamw"):
    raise ValueError(f"weight_decay={weight_decay} needs optimizer=adamw and a value >= 0 "
                     f"(optimizer is {name})")
  chain = [optax.clip_by_global_norm(clip_norm)] if clip_norm else []
  if name != "adamw":
    return optax.chain(*chain, OPTIMIZERS[name](learning_rate))
  # The decay rate lives in the optimizer state (and nothing else does: the updates are bitwise
  # AdamW's), so that packed runs can each have their own (:func:`with_weight_decay`).
  adamw = optax.inject_hyperparams(
      OPTIMIZERS[name], static_args=("learning_rate", "b1", "b2", "eps", "eps_root"))
  return optax.chain(*chain, adamw(learning_rate=learning_rate, weight_decay=weight_decay))


def _holds_weight_decay(node) -> bool:
  # optax.inject_hyperparams's state (its class has changed name across optax versions)
  return "weight_decay" in (getattr(node, "hyperparams", None) or {})


def with_weight_decay(opt_state, weight_decay):
  """``opt_state`` of :func:`make_optimizer`'s AdamW with its decay rate set to
  ``weight_decay`` (a scalar; or one per run for states stacked on a run axis)."""
  def set_rate(node):
    if not _holds_weight_decay(node):
      return node
    old = node.hyperparams["weight_decay"]
    rate = jnp.broadcast_to(jnp.asarray(weight_decay, old.dtype), old.shape)
    return node._replace(hyperparams={**node.hyperparams, "weight_decay": rate})
  return jax.tree.map(set_rate, opt_state, is_leaf=_holds_weight_decay)


def init_state(model: Model, optimizer: optax.GradientTransformation, seed: int) -> TrainState:
  key, rng = jax.random.split(jax.random.PRNGKey(seed))
  params = model.init(key)
  return TrainState(jnp.zeros((), jnp.int32), params, optimizer.init(params), rng)


def init_runs(model: Model, optimizer: optax.GradientTransformation, seeds: Sequence[int],
              weight_decays: Sequence[float] | None = None) -> TrainState:
  """The states of ``len(seeds)`` runs stacked on a leading run axis (each as :func:`init_state`),
  run ``r`` with AdamW's decay rate ``weight_decays[r]`` where given."""
  state = jax.vmap(lambda seed: init_state(model, optimizer, seed))(jnp.asarray(seeds, jnp.int32))
  if weight_decays is None:
    return state
  rates = jnp.asarray(weight_decays, jnp.float32)
  if rates.shape != (len(seeds),):
    raise ValueError(f"init_runs: {len(seeds)} seeds and weight decays {tuple(weight_decays)}: "
                     "give one decay per seed")
  return state._replace(opt_state=with_weight_decay(state.opt_state, rates))


def train_step(state: TrainState, tokens, valid, labels, sup_w, aux_w, lr_scale=1.0, *,
               model: Model, optimizer: optax.GradientTransformation):
  """One optimizer step on this device's shard; gradients averaged over ``AXIS``. ``lr_scale``
  multiplies the update: the learning rate times ``lr_scale`` for these optimizers, whose rate is
  a final factor."""
  key = jax.random.fold_in(jax.random.fold_in(state.rng, state.step), jax.lax.axis_index(AXIS))
  (loss, metrics), grads = jax.value_and_grad(model.loss, has_aux=True)(
      state.params, tokens, valid, labels, key, sup_w, aux_w)
  grads = jax.lax.pmean(grads, AXIS)
  metrics = jax.lax.pmean(metrics, AXIS)
  metrics["grad_norm"] = optax.tree.norm(grads)
  updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
  updates = jax.tree.map(lambda u: u * lr_scale, updates)
  params = optax.apply_updates(state.params, updates)
  return TrainState(state.step + 1, params, opt_state, state.rng), metrics


def eval_step(params, tokens, valid, labels, weight, *, model: Model):
  """Weighted (correct, count, loss sum) over all devices' shards."""
  logits = model.logits(params, tokens, valid)
  nll = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
  correct = (jnp.argmax(logits, -1) == labels).astype(jnp.float32)
  return jax.lax.psum({"correct": jnp.sum(correct * weight), "count": jnp.sum(weight),
                       "loss_sum": jnp.sum(nll * weight)}, AXIS)


def _over_runs(fn, in_axes):
  """``fn`` mapped over the leading run axis of the arguments ``in_axes`` marks 0: ``jax.vmap``
  for several runs; for one run, ``fn`` itself on the run's slice (an unbatched step, exactly the
  single-run program: vmap of the truncated step was measured slower on GPU,
  benchmarks/RESULTS.md)."""
  vmapped = jax.vmap(fn, in_axes=in_axes)

  def mapped(*args):
    runs = jax.tree.leaves(args[0])[0].shape[0]
    if runs > 1:
      return vmapped(*args)
    sliced = [jax.tree.map(lambda x: x[0], a) if ax == 0 else a for a, ax in zip(args, in_axes)]
    return jax.tree.map(lambda x: x[None], fn(*sliced))
  return mapped


def pmapped(model: Model, optimizer: optax.GradientTransformation, devices=None,
            packed: bool = False):
  """``(p_train_step, p_eval_step)`` over ``devices`` (default: all local devices).

  ``p_train(state, tokens, valid, labels, sup_w, aux_w, lr_scale)``. With ``packed``, the state
  and the batch carry a run axis after the device axis (``n_dev x R x ...``), ``aux_w`` and
  ``lr_scale`` are per run (``R``), and ``p_eval(params, ...)`` returns per-run sums for one
  shared batch.
  """
  train = functools.partial(train_step, model=model, optimizer=optimizer)
  evaluate = functools.partial(eval_step, model=model)
  if packed:
    train = _over_runs(train, in_axes=(0, 0, 0, 0, None, 0, 0))
    evaluate = _over_runs(evaluate, in_axes=(0, None, None, None, None))
  p_train = jax.pmap(train, axis_name=AXIS, in_axes=(0, 0, 0, 0, None, None, None),
                     donate_argnums=(0,), devices=devices)
  p_eval = jax.pmap(evaluate, axis_name=AXIS, devices=devices)
  return p_train, p_eval


def replicate(tree, n_devices: int):
  """Host copies of ``tree`` with a leading device axis of ``n_devices``, as pmap takes them."""
  return jax.tree.map(lambda x: np.broadcast_to(np.asarray(x), (n_devices,) + np.shape(x)).copy(),
                      jax.device_get(tree))


def place(tree, devices: Sequence[jax.Device]):
  """``tree`` (leading axis: one entry per device) on ``devices``, sharded as the pmapped step
  returns its state. The step's first call then has the signature of every later call: given host
  arrays instead, the second call traces and compiles the whole step again (seconds on a GPU)."""
  mesh = jax.sharding.Mesh(np.asarray(devices), (AXIS,))
  return jax.device_put(tree, jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec(AXIS)))
