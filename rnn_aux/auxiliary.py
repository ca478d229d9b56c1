"""Auxiliary losses as values: the registry, the anchors, and what every auxiliary network shares.

An auxiliary loss is an :class:`AuxiliaryLoss` (init, anchor range, how many consecutive states of
the main network it reads from each anchor, loss) registered under a name; the classifier, the
configs, the report and the validation look it up with :func:`get`. The paper's two are
:mod:`rnn_aux.reconstruction` (r-LSTM) and :mod:`rnn_aux.prediction` (p-LSTM); a new one is one
new file (or a few lines in your own code) ending in ``auxiliary.register(AuxiliaryLoss(...))``.

Tokens are integers ``BxTxC`` (C channels per step, each in ``[0, vocab_size)``); ``valid_BxT``
marks real steps (right padding). Conventions (the paper's text is not available; these are our
documented choices): anchor ``a`` is a position whose state has read ``x[0..a]``; ``num_anchors``
anchors per sequence are drawn independently for every example, uniform over the loss's anchor
range (per-example anchors give more varied positions per batch at no cost, because truncated
windows are gathered per example, see ``truncation``).
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from rnn_aux import recurrence as recurrence_lib
from rnn_aux import validation


class Setting(NamedTuple):
  """What an auxiliary network knows of the task and of the main network (built by the model)."""
  vocab_size: int
  channels: int
  embed_dim: int
  main_hidden_sizes: tuple      # the main network's layers
  length: int                   # l: steps reconstructed or predicted per anchor
  hidden_sizes: tuple           # the auxiliary network's recurrent layers
  head_sizes: tuple             # its MLP head's hidden layers
  teacher_forcing: bool
  rnn: recurrence_lib.Recurrence  # the auxiliary networks' recurrence (the main network's cell)
  positions: bool = False       # tell the auxiliary network each target's position in the sequence


class AuxiliaryLoss(NamedTuple):
  """One auxiliary loss. ``states`` given to ``loss`` are the main network's carries at
  ``anchor + j`` for ``j < span(length)`` (leaves ``BxNxSxH``), truncated at the auxiliary horizon."""
  name: str
  init: Callable[[jax.Array, Setting], Any]
  # (lengths_B, length) -> inclusive (low_B, high_B) anchor bounds
  anchor_range: Callable[[jax.Array, int], tuple]
  span: Callable[[int], int]
  # (params, states, tokens_BxTxC, anchors_BxN, valid_BxT or None, setting) -> (loss, metrics)
  loss: Callable[..., tuple]
  label: str = ""  # short name for tables (the paper's "rlstm"); the name when empty


_REGISTRY: dict[str, AuxiliaryLoss] = {}


def register(aux: AuxiliaryLoss) -> AuxiliaryLoss:
  """Make ``aux`` available by name (configs: ``--config.model.aux=NAME``); returns it."""
  if not isinstance(aux, AuxiliaryLoss):
    raise TypeError(f"register takes an AuxiliaryLoss, got {type(aux).__name__}")
  aux = aux._replace(label=aux.label or aux.name)
  if aux.name in _REGISTRY and _REGISTRY[aux.name] != aux:
    raise ValueError(f"an auxiliary loss named {aux.name!r} is already registered; pick another "
                     "name")
  _REGISTRY[aux.name] = aux
  return aux


def names() -> tuple[str, ...]:
  return tuple(sorted(_REGISTRY))


def get(name: str) -> AuxiliaryLoss:
  if name not in _REGISTRY:
    raise ValueError(f"unknown auxiliary loss {name!r}; choose one of: {', '.join(names())} "
                     "(or register your own with rnn_aux.auxiliary.register)")
  return _REGISTRY[name]


def anchor_range(kind: str, lengths_B: jax.Array, length: int) -> tuple[jax.Array, jax.Array]:
  """Inclusive per-example ``(low, high)`` anchor bounds of the loss ``kind``."""
  return get(kind).anchor_range(lengths_B, length)


def sample_anchors(key: jax.Array, low_B: jax.Array, high_B: jax.Array, num_anchors: int,
                   per_example: bool = True) -> jax.Array:
  """Uniform integer anchors in ``[low_B, high_B]``: ``BxN`` int32.

  With ``per_example=False`` every sequence of the batch gets the same fractional position.
  """
  num_anchors = validation.positive_int(num_anchors, "num_anchors")
  if not isinstance(low_B, jax.core.Tracer) and not isinstance(high_B, jax.core.Tracer):
    bad = np.flatnonzero(np.asarray(low_B) > np.asarray(high_B))
    if bad.size:
      raise ValueError(f"anchor range is empty for examples {bad[:5].tolist()}: low > high "
                       f"({int(np.asarray(low_B)[bad[0]])} > {int(np.asarray(high_B)[bad[0]])})")
  shape = (low_B.shape[0], num_anchors) if per_example else (1, num_anchors)
  u = jax.random.uniform(key, shape)
  span = (high_B - low_B + 1)[:, None]
  return (low_B[:, None] + jnp.minimum(jnp.floor(u * span), span - 1)).astype(jnp.int32)


def gather_states(states_BxTxS: jax.Array, positions_BxN: jax.Array) -> jax.Array:
  """``states[b, positions[b, n]]``: pick a model's per-step states at anchors, ``BxNxS``."""
  t = states_BxTxS.shape[1]
  return jax.vmap(lambda s, p: s[jnp.clip(p, 0, t - 1)])(states_BxTxS, positions_BxN)


def gather_spans(states_BxTxS: jax.Array, positions_BxN: jax.Array, length: int) -> jax.Array:
  """``states[b, positions[b, n] + j]`` for ``j < length`` (clipped to the sequence): ``BxNxLxS``."""
  t = states_BxTxS.shape[1]
  idx = jnp.clip(positions_BxN[..., None] + jnp.arange(length), 0, t - 1)
  return jax.vmap(lambda s, i: s[i])(states_BxTxS, idx)


def tokens_at(tokens_BxTxC: jax.Array, valid_BxT: jax.Array | None, idx_BxNxL: jax.Array):
  """Tokens at ``idx`` (``BxNxLxC``) and a mask that is False outside the sequence or on padding."""
  t = tokens_BxTxC.shape[1]
  inside = (idx_BxNxL >= 0) & (idx_BxNxL < t)
  idx = jnp.clip(idx_BxNxL, 0, t - 1)
  targets = jax.vmap(lambda x, i: x[i])(tokens_BxTxC, idx)  # BxNxLxC
  valid = jnp.ones(tokens_BxTxC.shape[:2], bool) if valid_BxT is None else valid_BxT.astype(bool)
  mask = inside & jax.vmap(lambda v, i: v[i])(valid, idx)
  return targets, mask


def check_tokens(tokens_BxTxC: jax.Array, positions_BxN: jax.Array) -> None:
  if tokens_BxTxC.ndim != 3:
    raise ValueError(f"tokens must be BxTxC integers, got shape {tokens_BxTxC.shape}")
  if positions_BxN.ndim != 2 or positions_BxN.shape[0] != tokens_BxTxC.shape[0]:
    raise ValueError(f"anchors must be BxN with B={tokens_BxTxC.shape[0]}, "
                     f"got shape {positions_BxN.shape}")


def check_length(length: int) -> None:
  validation.positive_int(length, "auxiliary length l")
