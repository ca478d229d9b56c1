"""Train state and the per-device train/eval steps, driven data-parallel by ``jax.pmap``.

The per-device steps are plain functions of ``(state, batch, ...)`` with one collective
(``lax.pmean``/``psum`` over ``AXIS``), so they could move to ``jax.jit`` with shardings unchanged.
"""
from __future__ import annotations

from typing import Any, NamedTuple

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


def make_optimizer(name: str, learning_rate: float, clip_norm: float | None) -> optax.GradientTransformation:
  makers = {"rmsprop": optax.rmsprop, "adam": optax.adam, "sgd": optax.sgd}
  if name not in makers:
    raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(makers)}")
  if learning_rate <= 0:
    raise ValueError(f"learning_rate must be positive, got {learning_rate}")
  chain = [optax.clip_by_global_norm(clip_norm)] if clip_norm else []
  return optax.chain(*chain, makers[name](learning_rate))


def init_state(model: Model, optimizer: optax.GradientTransformation, seed: int) -> TrainState:
  key, rng = jax.random.split(jax.random.PRNGKey(seed))
  params = model.init(key)
  return TrainState(jnp.zeros((), jnp.int32), params, optimizer.init(params), rng)


def train_step(state: TrainState, tokens, valid, labels, sup_w, aux_w, *, model: Model,
               optimizer: optax.GradientTransformation):
  """One optimizer step on this device's shard; gradients averaged over ``AXIS``."""
  key = jax.random.fold_in(jax.random.fold_in(state.rng, state.step), jax.lax.axis_index(AXIS))
  (loss, metrics), grads = jax.value_and_grad(model.loss, has_aux=True)(
      state.params, tokens, valid, labels, key, sup_w, aux_w)
  grads = jax.lax.pmean(grads, AXIS)
  metrics = jax.lax.pmean(metrics, AXIS)
  metrics["grad_norm"] = optax.tree.norm(grads)
  updates, opt_state = optimizer.update(grads, state.opt_state, state.params)
  params = optax.apply_updates(state.params, updates)
  return TrainState(state.step + 1, params, opt_state, state.rng), metrics


def eval_step(params, tokens, valid, labels, weight, *, model: Model):
  """Weighted (correct, count, loss sum) over all devices' shards."""
  logits = model.logits(params, tokens, valid)
  nll = optax.softmax_cross_entropy_with_integer_labels(logits, labels)
  correct = (jnp.argmax(logits, -1) == labels).astype(jnp.float32)
  return jax.lax.psum({"correct": jnp.sum(correct * weight), "count": jnp.sum(weight),
                       "loss_sum": jnp.sum(nll * weight)}, AXIS)


def pmapped(model: Model, optimizer: optax.GradientTransformation, devices=None):
  """``(p_train_step, p_eval_step)`` over ``devices`` (default: all local devices)."""
  p_train = jax.pmap(lambda s, t, v, l, sw, aw: train_step(s, t, v, l, sw, aw, model=model,
                                                           optimizer=optimizer),
                     axis_name=AXIS, in_axes=(0, 0, 0, 0, None, None), donate_argnums=(0,),
                     devices=devices)
  p_eval = jax.pmap(lambda p, t, v, l, w: eval_step(p, t, v, l, w, model=model), axis_name=AXIS,
                    devices=devices)
  return p_train, p_eval


def replicate(tree, n_devices: int):
  """Host copies of ``tree`` with a leading device axis of ``n_devices``, as pmap takes them."""
  return jax.tree.map(lambda x: np.broadcast_to(np.asarray(x), (n_devices,) + np.shape(x)).copy(),
                      jax.device_get(tree))
