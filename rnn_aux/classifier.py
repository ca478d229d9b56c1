"""The paper's sequence classifier: spec, init, logits and its training objective, in one module.

A recurrent network (LSTM by default; any registered recurrence, ``cell``) reads integer tokens
``BxTxC`` through a per-channel embedding; an MLP head classifies its last state. Optionally an
auxiliary loss (``aux``: any registered :class:`rnn_aux.auxiliary.AuxiliaryLoss`, e.g.
``"reconstruction"`` = r-LSTM, ``"prediction"`` = p-LSTM) trains the network at random anchors.
Parameters are a dict pytree ``{"embed": CxVxE, "rnn": stack, "head": mlp[, <aux name>: ...]}``.

The baselines of the paper's Table 2 are specs of the same model: ``aux=None`` with
``horizon=None`` (full BPTT) or ``horizon=300`` (truncated 300). The Transformer baseline lives in
:mod:`rnn_aux.transformer`.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Optional

import jax
import jax.numpy as jnp
import numpy as np

from rnn_aux import auxiliary, feedforward, losses, truncation, validation
from rnn_aux import recurrence as recurrence_lib

Metrics = dict


@dataclasses.dataclass(frozen=True)
class ModelSpec:
  """Sizes, horizons and options of the classifier (a hashable, static description)."""
  num_classes: int
  vocab_size: int = 256          # pixel values 0..255, or the character vocabulary
  channels: int = 1              # tokens per step (3 for RGB pixels)
  embed_dim: int = 128
  # False: each channel's value / (vocab_size - 1) is the recurrent network's input (no learned
  # embedding; ours, a lead for the paper's truncated-LSTM MNIST result, issue 13)
  input_embedding: bool = True
  hidden_sizes: tuple = (128,)
  head_sizes: tuple = (256, 256)
  # Classifier head's hidden activation: gelu | relu | tanh. GELU: with ReLU, full-BPTT MNIST runs
  # collapsed to chance (every head unit off for every example; docs/results.md).
  head_activation: str = "gelu"
  head_dropout: float = 0.0      # dropout on the head's inputs in training (ours: a regulariser)
  cell: str = "lstm"             # the recurrence of the main and auxiliary networks (registered)
  # Supervised gradient horizon; None = full BPTT; 0 = none into the recurrent network (only the
  # auxiliary loss trains it, the head still learns: the paper's Figure 4 "no BPTT" point).
  horizon: Optional[int] = None
  # Horizons counted from fixed boundaries k, 2k, ... of the sequence (classic chunked truncated
  # BPTT: a read-out gets 1..k steps of gradient) instead of the last k steps before each read-out.
  aligned_truncation: bool = False
  # The state at the start of each truncation window is the initial one: the read-out sees only
  # the window's inputs, in training and evaluation (truncated BPTT with each window a sequence of
  # its own; ours, a lead for the paper's truncated-LSTM MNIST result, issue 13). Needs horizon.
  reset_at_truncation: bool = False
  aux: Optional[str] = None      # None or a registered auxiliary loss
  aux_length: int = 600          # l: steps reconstructed or predicted per anchor
  aux_horizon: Optional[int] = 300  # steps of the main network that the auxiliary gradient reaches
  # Anchors are drawn where at least this many of the l reconstructed/predicted steps lie inside
  # the sequence (the rest are masked). None = all l: with l=600 and T=784 every r-LSTM anchor then
  # lies in the last 184 steps and no auxiliary gradient reaches the first T-l-aux_horizon steps.
  aux_min_inside: Optional[int] = None
  num_anchors: int = 1
  anchors_per_example: bool = True
  decoder_sizes: tuple = (256, 256)
  decoder_head_sizes: tuple = (256,)
  teacher_forcing: bool = True
  # The auxiliary network is told each target's position in the sequence (sine/cosine codes; ours,
  # a lead for permuted MNIST, where nothing else says which pixel it reconstructs)
  aux_positions: bool = False
  chunk: int = 128               # steps per chunk of the no-gradient pass
  unroll: int = 8                # lax.scan unroll of every recurrence
  recurrence: str = "scan"       # "scan", "fused" (the LSTM's Pallas kernel, GPU), "wavefront"
  # The auxiliary networks' implementation (None: ``recurrence``). The fused kernel holds layers of
  # up to 128 units, so the 256-unit decoders run on lax.scan under "fused"; "wavefront" overlaps
  # their layers (rnn_aux.lstm).
  decoder_recurrence: Optional[str] = None

  def __post_init__(self):
    if self.horizon is not None and not (validation.is_count(self.horizon) and self.horizon >= 0):
      raise ValueError(f"horizon must be an int >= 1 (steps), 0 (no supervised gradient into the "
                       f"network) or None (full BPTT), got {self.horizon!r}")
    if self.reset_at_truncation and not self.horizon:
      raise ValueError("reset_at_truncation needs a horizon >= 1 (the window that starts from "
                       f"the initial state), got horizon={self.horizon!r}")
    for name in ("num_classes", "vocab_size", "channels", "embed_dim", "chunk", "unroll"):
      validation.positive_int(getattr(self, name), name)
    for name in ("hidden_sizes", "head_sizes", "decoder_sizes", "decoder_head_sizes"):
      sizes = getattr(self, name)
      if not all(validation.is_count(h) and h >= 1 for h in sizes) or (
          name in ("hidden_sizes", "decoder_sizes") and not sizes):
        raise ValueError(f"{name} must be a tuple of positive ints, got {sizes!r}")
    if self.aux is not None:
      auxiliary.get(self.aux)
      truncation.check_horizon(self.aux_horizon, "aux_horizon")
      for name in ("aux_length", "num_anchors"):
        validation.positive_int(getattr(self, name), name)
      if self.aux_min_inside is not None and not (
          validation.is_count(self.aux_min_inside) and 1 <= self.aux_min_inside <= self.aux_length):
        raise ValueError(f"aux_min_inside must be None or an int in [1, aux_length="
                         f"{self.aux_length}], got {self.aux_min_inside!r}")
    feedforward.check_activation(self.head_activation)
    if not (isinstance(self.head_dropout, (int, float)) and 0 <= self.head_dropout < 1):
      raise ValueError(f"head_dropout must be a number in [0, 1), got {self.head_dropout!r}")
    self.rnn  # unknown cell or an implementation the cell lacks: fail here, in one line
    if self.aux is not None:
      self.decoder_rnn

  @functools.cached_property  # fields are frozen; equality and hashing ignore the cache
  def rnn(self) -> recurrence_lib.Recurrence:
    return recurrence_lib.build(self.cell, self.recurrence, self.unroll)

  @functools.cached_property
  def decoder_rnn(self) -> recurrence_lib.Recurrence:
    if self.decoder_recurrence is None:
      return self.rnn
    return recurrence_lib.build(self.cell, self.decoder_recurrence, self.unroll)

  @property
  def aux_setting(self) -> auxiliary.Setting:
    return auxiliary.Setting(
        vocab_size=self.vocab_size, channels=self.channels, embed_dim=self.embed_dim,
        main_hidden_sizes=tuple(self.hidden_sizes), length=self.aux_length,
        hidden_sizes=tuple(self.decoder_sizes), head_sizes=tuple(self.decoder_head_sizes),
        teacher_forcing=self.teacher_forcing, rnn=self.decoder_rnn, positions=self.aux_positions)


def init(key: jax.Array, spec: ModelSpec) -> dict:
  ke, kl, kh, ka = jax.random.split(key, 4)
  params = {
      "embed": (feedforward.init_token_embedding(ke, spec.vocab_size, spec.channels, spec.embed_dim)
                if spec.input_embedding else {}),
      "rnn": spec.rnn.init(kl, spec.embed_dim if spec.input_embedding else spec.channels,
                           spec.hidden_sizes),
      "head": feedforward.init_mlp(kh, spec.hidden_sizes[-1],
                                   tuple(spec.head_sizes) + (spec.num_classes,)),
  }
  if spec.aux is not None:
    params[spec.aux] = auxiliary.get(spec.aux).init(ka, spec.aux_setting)
  return params


def _in_range(name: str, values: jax.Array, size: int) -> None:
  """Out-of-range ids would be clamped (embedding rows) or wrap (labels) silently inside JAX, so
  concrete arrays are checked here; traced ones (inside ``jit``) cannot be, and are the
  caller's to keep in range (the training pipeline checks them on the host)."""
  if isinstance(values, jax.core.Tracer) or not values.size:
    return
  # numpy, not jnp: a concrete array closed over inside a jit trace must not become a tracer
  host = np.asarray(values)
  low, high = int(host.min()), int(host.max())
  if low < 0 or high >= size:
    raise ValueError(f"{name} must lie in [0, {size}), got values from {low} to {high}")


def _check_tokens(spec: ModelSpec, tokens_BxTxC: jax.Array) -> None:
  if tokens_BxTxC.ndim != 3 or tokens_BxTxC.shape[2] != spec.channels:
    raise ValueError(f"tokens must be BxTxC with C={spec.channels} channels, "
                     f"got shape {tokens_BxTxC.shape}")
  _in_range("token ids", tokens_BxTxC, spec.vocab_size)


def encoder_states(params: dict, spec: ModelSpec, tokens_BxTxC: jax.Array,
                   positions_BxN: jax.Array, *, horizon: Optional[int], span: int = 1,
                   valid_BxT: Optional[jax.Array] = None) -> recurrence_lib.Carry:
  """The main network's carries at ``positions + j`` (``j < span``), truncated at ``horizon``."""
  _check_tokens(spec, tokens_BxTxC)
  return truncation.states_at(
      params["rnn"], tokens_BxTxC, positions_BxN, horizon=horizon, rnn=spec.rnn, span=span,
      valid_BxT=valid_BxT, embed=input_embedding(spec), embed_params=params["embed"],
      chunk=spec.chunk, aligned=spec.aligned_truncation, reset=spec.reset_at_truncation)


def _scaled_values(scale: float, _, tokens_xC: jax.Array) -> jax.Array:
  return tokens_xC.astype(jnp.float32) * scale


def input_embedding(spec: ModelSpec):
  """``embed(params["embed"], tokens_xC) -> inputs`` of the recurrent network: the learned
  per-channel table, or the scaled raw values (``input_embedding=False``)."""
  if spec.input_embedding:
    return feedforward.embed_tokens
  return functools.partial(_scaled_values, 1.0 / max(spec.vocab_size - 1, 1))


def classify(params: dict, final_h_BxH: jax.Array, activation: str = "relu", *,
             dropout: float = 0.0, key: jax.Array | None = None) -> jax.Array:
  """Class logits ``BxK`` from the main network's last hidden state (``dropout`` in training)."""
  return feedforward.mlp(params["head"], final_h_BxH, activation, dropout=dropout, key=key)


def last_positions(tokens_BxTxC: jax.Array, valid_BxT: Optional[jax.Array]) -> jax.Array:
  """Index of each sequence's last real step, ``Bx1`` (sequences are right-padded)."""
  b, t = tokens_BxTxC.shape[:2]
  if valid_BxT is None:
    return jnp.full((b, 1), t - 1, jnp.int32)
  return (jnp.sum(valid_BxT.astype(jnp.int32), axis=1, keepdims=True) - 1).astype(jnp.int32)


def logits(params: dict, spec: ModelSpec, tokens_BxTxC: jax.Array,
           valid_BxT: Optional[jax.Array] = None) -> jax.Array:
  """Class logits ``BxK`` for evaluation, through the no-gradient pass (memory flat in T)."""
  _check_tokens(spec, tokens_BxTxC)
  if spec.reset_at_truncation:  # the same window as in training, from the initial state
    carry = jax.lax.stop_gradient(encoder_states(
        params, spec, tokens_BxTxC, last_positions(tokens_BxTxC, valid_BxT),
        horizon=spec.horizon, valid_BxT=valid_BxT))
    return classify(params, recurrence_lib.top_hidden(carry)[:, 0, 0], spec.head_activation)
  carry = truncation.carries_before(
      params["rnn"], tokens_BxTxC, last_positions(tokens_BxTxC, valid_BxT) + 1, rnn=spec.rnn,
      valid_BxT=valid_BxT, embed=input_embedding(spec), embed_params=params["embed"],
      chunk=spec.chunk)
  return classify(params, recurrence_lib.top_hidden(carry)[:, 0], spec.head_activation)


def objective(params: dict, spec: ModelSpec, tokens_BxTxC: jax.Array, labels_B: jax.Array,
              key: jax.Array, *, valid_BxT: Optional[jax.Array] = None,
              supervised_weight: jax.Array | float = 1.0,
              aux_weight: jax.Array | float = 1.0) -> tuple[jax.Array, Metrics]:
  """``supervised_weight * classification + aux_weight * auxiliary``.

  The weights may be traced scalars: the pretraining phase (``supervised_weight=0``) and the joint
  phase then share one compiled step. ``key`` draws the anchors.
  """
  _check_tokens(spec, tokens_BxTxC)
  _in_range("labels", labels_B, spec.num_classes)
  last = last_positions(tokens_BxTxC, valid_BxT)
  metrics = {}

  def read(positions, horizon, span=1):
    return encoder_states(params, spec, tokens_BxTxC, positions, horizon=horizon, span=span,
                          valid_BxT=valid_BxT)

  def read_supervised():
    if spec.horizon == 0:  # the head learns; nothing reaches the network from this loss
      return jax.lax.stop_gradient(read(last, 1))
    return read(last, spec.horizon)

  aux = None if spec.aux is None else auxiliary.get(spec.aux)
  if aux is None:
    sup_states = read_supervised()
  else:
    low, high = aux.anchor_range(last[:, 0] + 1, spec.aux_min_inside or spec.aux_length)
    anchors = auxiliary.sample_anchors(key, low, high, spec.num_anchors, spec.anchors_per_example)
    anchors = jnp.broadcast_to(anchors, (tokens_BxTxC.shape[0], spec.num_anchors))
    span = aux.span(spec.aux_length)
    if spec.horizon == spec.aux_horizon and (span == 1 or spec.horizon is None):
      # One pass serves both losses: the windows (or the full scan) are shared.
      states = read(jnp.concatenate([last, anchors], axis=1), spec.horizon, span)
      sup_states = jax.tree.map(lambda x: x[:, :1], states)
      aux_states = jax.tree.map(lambda x: x[:, 1:], states)
    else:
      sup_states = read_supervised()
      aux_states = read(anchors, spec.aux_horizon, span)
  final_h = recurrence_lib.top_hidden(sup_states)[:, 0, 0]
  sup_loss, sup_metrics = losses.classification_loss(
      classify(params, final_h, spec.head_activation, dropout=spec.head_dropout,
               key=jax.random.fold_in(key, 1) if spec.head_dropout else None), labels_B)
  metrics.update({f"supervised/{k}": v for k, v in sup_metrics.items()})
  loss = supervised_weight * sup_loss
  if aux is not None:
    aux_loss, aux_metrics = aux.loss(params[spec.aux], aux_states, tokens_BxTxC, anchors,
                                     valid_BxT, spec.aux_setting)
    metrics.update({f"{spec.aux}/{k}": v for k, v in aux_metrics.items()})
    loss = loss + aux_weight * aux_loss
  metrics["loss"] = loss
  return loss, metrics
