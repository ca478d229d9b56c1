"""The paper's sequence classifier (LSTM, optionally with an r-LSTM or p-LSTM auxiliary network).

``ModelSpec`` holds the static sizes and gradient horizons (a frozen, hashable dataclass, so it
can be a static argument of ``jit``); parameters are a plain dict pytree:
``{"embed": CxVxE, "lstm": stack, "head": mlp[, "reconstruction" | "prediction": decoder]}``.

The baselines of the paper's Table 2 are specs of the same model: ``aux=None`` with
``horizon=None`` (LSTM, full BPTT) or ``horizon=300`` (LSTM, truncated 300). The Transformer
baseline lives in :mod:`rnn_aux.transformer`.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import jax
import jax.numpy as jnp

from rnn_aux import auxiliary, feedforward, lstm, truncation


@dataclasses.dataclass(frozen=True)
class ModelSpec:
  """Sizes and horizons of the LSTM classifier. Defaults: the paper as reported by reviews."""
  num_classes: int
  vocab_size: int = 256          # pixel values 0..255, or the character vocabulary
  channels: int = 1              # tokens per step (3 for RGB pixels)
  embed_dim: int = 128
  hidden_sizes: tuple = (128,)
  head_sizes: tuple = (256, 256)
  # Classifier head's hidden activation: gelu | relu | tanh. GELU: with ReLU, full-BPTT MNIST runs
  # collapsed to chance (every head unit off for every example; docs/results.md).
  head_activation: str = "gelu"
  horizon: Optional[int] = None  # supervised gradient horizon; None = full BPTT
  aux: Optional[str] = None      # None, "reconstruction" or "prediction"
  aux_length: int = 600          # l: steps reconstructed or predicted per anchor
  aux_horizon: Optional[int] = 300  # steps of the main LSTM that the auxiliary gradient reaches
  num_anchors: int = 1
  anchors_per_example: bool = True
  decoder_sizes: tuple = (256, 256)
  decoder_head_sizes: tuple = (256,)
  teacher_forcing: bool = True
  chunk: int = 128               # steps per chunk of the no-gradient pass
  unroll: int = 8                # lax.scan unroll of every recurrence
  recurrence: str = "scan"       # "scan" or "fused" (Pallas kernel, GPU): see lstm.scan

  def __post_init__(self):
    truncation.check_horizon(self.horizon, "horizon")
    if self.aux is not None:
      if self.aux not in auxiliary.KINDS:
        raise ValueError(f"unknown aux {self.aux!r}: use None, 'reconstruction' or 'prediction'")
      truncation.check_horizon(self.aux_horizon, "aux_horizon")
      if self.aux_length < 1:
        raise ValueError(f"aux_length must be >= 1, got {self.aux_length}")
      if self.num_anchors < 1:
        raise ValueError(f"num_anchors must be >= 1, got {self.num_anchors}")
    lstm.check_impl(self.recurrence)
    feedforward.check_activation(self.head_activation)
    for name in ("num_classes", "vocab_size", "channels", "embed_dim", "chunk", "unroll"):
      if getattr(self, name) < 1:
        raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")


def init(key: jax.Array, spec: ModelSpec) -> dict:
  ke, kl, kh, ka = jax.random.split(key, 4)
  params = {
      "embed": feedforward.init_token_embedding(ke, spec.vocab_size, spec.channels, spec.embed_dim),
      "lstm": lstm.init(kl, spec.embed_dim, spec.hidden_sizes),
      "head": feedforward.init_mlp(kh, spec.hidden_sizes[-1],
                                   tuple(spec.head_sizes) + (spec.num_classes,)),
  }
  if spec.aux == auxiliary.RECONSTRUCTION:
    params["reconstruction"] = auxiliary.init_reconstruction(
        ka, state_size=2 * sum(spec.hidden_sizes), vocab_size=spec.vocab_size,
        channels=spec.channels, embed_dim=spec.embed_dim, hidden_sizes=spec.decoder_sizes,
        head_sizes=spec.decoder_head_sizes)
  elif spec.aux == auxiliary.PREDICTION:
    params["prediction"] = auxiliary.init_prediction(
        ka, input_size=spec.hidden_sizes[-1], vocab_size=spec.vocab_size, channels=spec.channels,
        hidden_sizes=spec.decoder_sizes, head_sizes=spec.decoder_head_sizes)
  return params


def encoder_states(params: dict, spec: ModelSpec, tokens_BxTxC: jax.Array,
                   positions_BxN: jax.Array, *, horizon: Optional[int], span: int = 1,
                   valid_BxT: Optional[jax.Array] = None) -> lstm.Carry:
  """The main LSTM's carries at ``positions + j`` (``j < span``), truncated at ``horizon``."""
  if tokens_BxTxC.ndim != 3 or tokens_BxTxC.shape[2] != spec.channels:
    raise ValueError(f"tokens must be BxTxC with C={spec.channels} channels, "
                     f"got shape {tokens_BxTxC.shape}")
  return truncation.states_at(
      params["lstm"], tokens_BxTxC, positions_BxN, horizon=horizon, span=span,
      valid_BxT=valid_BxT, embed=feedforward.embed_tokens, embed_params=params["embed"],
      chunk=spec.chunk, unroll=spec.unroll, impl=spec.recurrence)


def classify(params: dict, final_h_BxH: jax.Array, activation: str = "relu") -> jax.Array:
  """Class logits ``BxK`` from the main LSTM's last hidden state."""
  return feedforward.mlp(params["head"], final_h_BxH, activation)


def last_positions(tokens_BxTxC: jax.Array, valid_BxT: Optional[jax.Array]) -> jax.Array:
  """Index of each sequence's last real step, ``Bx1`` (sequences are right-padded)."""
  b, t = tokens_BxTxC.shape[:2]
  if valid_BxT is None:
    return jnp.full((b, 1), t - 1, jnp.int32)
  return (jnp.sum(valid_BxT.astype(jnp.int32), axis=1, keepdims=True) - 1).astype(jnp.int32)


def logits(params: dict, spec: ModelSpec, tokens_BxTxC: jax.Array,
           valid_BxT: Optional[jax.Array] = None) -> jax.Array:
  """Class logits ``BxK`` for evaluation, through the no-gradient pass (memory flat in T)."""
  if tokens_BxTxC.ndim != 3 or tokens_BxTxC.shape[2] != spec.channels:
    raise ValueError(f"tokens must be BxTxC with C={spec.channels} channels, "
                     f"got shape {tokens_BxTxC.shape}")
  carry = truncation.carries_before(
      params["lstm"], tokens_BxTxC, last_positions(tokens_BxTxC, valid_BxT) + 1,
      valid_BxT=valid_BxT, embed=feedforward.embed_tokens, embed_params=params["embed"],
      chunk=spec.chunk, unroll=spec.unroll, impl=spec.recurrence)
  return classify(params, carry[-1].h[:, 0], spec.head_activation)
