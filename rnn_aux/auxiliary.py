"""The paper's auxiliary losses' networks: anchors, the r-LSTM decoder and the p-LSTM predictor.

Both work on anyone's recurrent model: the reconstruction decoder needs only the model's state at
each anchor (any vector, ``BxNxS``) and the token sequence; the predictor needs the model's hidden
states from each anchor on (``BxNxLxH``). Tokens are integers ``BxTxC`` (C channels per step, each in
``[0, vocab_size)``); ``valid_BxT`` marks real steps (right padding).

Conventions (the paper's text is not available; these are our documented choices):

* anchor ``a`` is a position whose state has read ``x[0..a]``;
* r-LSTM, length ``l``: targets ``x[a-l .. a-1]`` in forward order. Decoder step ``j`` is fed
  ``x[a-l-1+j]`` (teacher forcing) or only ``x[a-l-1]`` at ``j=0`` and zeros after (no teacher
  forcing); a feed before the sequence start is a zero vector; targets before the start are masked.
  The bottom decoder layer starts from ``tanh(W_h s + b_h), W_c s + b_c`` of the anchor state ``s``,
  higher layers from zeros.
* p-LSTM, length ``l``: an LSTM stacked on the main network reads its hidden states
  ``h[a .. a+l-1]`` from a zero state and predicts ``x[a+1 .. a+l]``; targets past the end or on
  padding are masked.
* Anchors: ``num_anchors`` per sequence, drawn independently for every example (uniform over the
  range where the whole target span lies inside the sequence, when there is one). Per-example
  anchors give more varied positions per batch at no cost here, because truncated windows are
  gathered per example (see ``truncation``).
"""
from __future__ import annotations

from typing import Sequence

import jax
import jax.numpy as jnp

from rnn_aux import feedforward, lstm

RECONSTRUCTION = "reconstruction"
PREDICTION = "prediction"
KINDS = (RECONSTRUCTION, PREDICTION)


def anchor_range(kind: str, lengths_B: jax.Array, length: int) -> tuple[jax.Array, jax.Array]:
  """Inclusive per-example ``(low, high)`` anchor bounds for sequences of ``lengths_B`` steps.

  Reconstruction: ``[min(l, n-1), n-1]``; prediction: ``[0, max(n-1-l, 0)]``. When ``l`` does not fit,
  anchors still lie inside the sequence and the out-of-range targets are masked.
  """
  last = lengths_B - 1
  if kind == RECONSTRUCTION:
    return jnp.minimum(length, last), last
  if kind == PREDICTION:
    return jnp.zeros_like(last), jnp.maximum(last - length, 0)
  raise ValueError(f"unknown auxiliary loss {kind!r}; choose one of {KINDS}")


def sample_anchors(key: jax.Array, low_B: jax.Array, high_B: jax.Array, num_anchors: int,
                   per_example: bool = True) -> jax.Array:
  """Uniform integer anchors in ``[low_B, high_B]``: ``BxN`` int32.

  With ``per_example=False`` every sequence of the batch gets the same fractional position.
  """
  if num_anchors < 1:
    raise ValueError(f"num_anchors must be >= 1, got {num_anchors}")
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


def _targets(tokens_BxTxC, valid_BxT, idx_BxNxL):
  """Tokens at ``idx`` and a mask that is False outside the sequence or on padding."""
  t = tokens_BxTxC.shape[1]
  inside = (idx_BxNxL >= 0) & (idx_BxNxL < t)
  idx = jnp.clip(idx_BxNxL, 0, t - 1)
  targets = jax.vmap(lambda x, i: x[i])(tokens_BxTxC, idx)  # BxNxLxC
  valid = jnp.ones(tokens_BxTxC.shape[:2], bool) if valid_BxT is None else valid_BxT.astype(bool)
  mask = inside & jax.vmap(lambda v, i: v[i])(valid, idx)
  return targets, mask


def _check_tokens(tokens_BxTxC, positions_BxN):
  if tokens_BxTxC.ndim != 3:
    raise ValueError(f"tokens must be BxTxC integers, got shape {tokens_BxTxC.shape}")
  if positions_BxN.ndim != 2 or positions_BxN.shape[0] != tokens_BxTxC.shape[0]:
    raise ValueError(f"anchors must be BxN with B={tokens_BxTxC.shape[0]}, "
                     f"got shape {positions_BxN.shape}")


def _check_length(length):
  if length < 1:
    raise ValueError(f"auxiliary length l must be >= 1, got {length}")


# ----------------------------------------------------------------------------- r-LSTM


def init_reconstruction(key: jax.Array, *, state_size: int, vocab_size: int, channels: int,
                        embed_dim: int, hidden_sizes: Sequence[int] = (256, 256),
                        head_sizes: Sequence[int] = (256,)) -> dict:
  """Reconstruction decoder: bridge from a ``state_size`` anchor state, embedding, LSTM, MLP head."""
  kb, ke, kl, kh = jax.random.split(key, 4)
  h0 = hidden_sizes[0]
  return {
      "bridge": feedforward.init_mlp(kb, state_size, (2 * h0,)),
      "embed": feedforward.init_token_embedding(ke, vocab_size, channels, embed_dim),
      "lstm": lstm.init(kl, embed_dim, hidden_sizes),
      "head": feedforward.init_mlp(kh, hidden_sizes[-1], tuple(head_sizes) + (channels * vocab_size,)),
  }


def reconstruction_logits(params: dict, state_BxNxS: jax.Array, tokens_BxTxC: jax.Array,
                          anchors_BxN: jax.Array, *, length: int, teacher_forcing: bool = True,
                          valid_BxT: jax.Array | None = None, unroll: int = 1,
                          impl: str = "scan"):
  """Decode the ``length`` inputs before each anchor.

  Returns:
    ``(logits_BxNxLxCxV, targets_BxNxLxC, mask_BxNxL)``.
  """
  _check_tokens(tokens_BxTxC, anchors_BxN)
  _check_length(length)
  b, n = anchors_BxN.shape
  c, v = params["embed"].shape[:2]
  if state_BxNxS.shape[:2] != (b, n):
    raise ValueError(f"anchor states must be BxNxS with B, N = {b}, {n}, got {state_BxNxS.shape}")
  hidden = lstm.hidden_sizes(params["lstm"])
  hc = feedforward.mlp(params["bridge"], state_BxNxS).reshape(b * n, 2 * hidden[0])
  carry = lstm.zero_carry(params["lstm"], b * n)
  carry = (lstm.LSTMState(jnp.tanh(hc[:, :hidden[0]]), hc[:, hidden[0]:]),) + carry[1:]

  j = jnp.arange(length)
  feed_idx = anchors_BxN[..., None] - length - 1 + j  # BxNxL
  feed_tokens, feed_ok = _targets(tokens_BxTxC, valid_BxT, feed_idx)
  if not teacher_forcing:
    feed_ok = feed_ok & (j == 0)
  feed = feedforward.embed_tokens(params["embed"], feed_tokens) * feed_ok[..., None]
  feed = jnp.moveaxis(feed.reshape(b * n, length, -1), 1, 0)  # L x BN x E
  _, hs = lstm.scan(params["lstm"], carry, feed, unroll=unroll, impl=impl)  # L x BN x H
  logits = feedforward.mlp(params["head"], jnp.moveaxis(hs, 0, 1)).reshape(b, n, length, c, v)
  targets, mask = _targets(tokens_BxTxC, valid_BxT, feed_idx + 1)
  return logits, targets, mask


# ----------------------------------------------------------------------------- p-LSTM


def init_prediction(key: jax.Array, *, input_size: int, vocab_size: int, channels: int,
                    hidden_sizes: Sequence[int] = (256, 256),
                    head_sizes: Sequence[int] = (256,)) -> dict:
  """Prediction network: an LSTM over the main network's ``input_size`` hidden states, MLP head."""
  kl, kh = jax.random.split(key)
  return {
      "lstm": lstm.init(kl, input_size, hidden_sizes),
      "head": feedforward.init_mlp(kh, hidden_sizes[-1], tuple(head_sizes) + (channels * vocab_size,)),
  }


def prediction_logits(params: dict, hidden_BxNxLxH: jax.Array, tokens_BxTxC: jax.Array,
                      anchors_BxN: jax.Array, *, valid_BxT: jax.Array | None = None,
                      unroll: int = 1, impl: str = "scan"):
  """Predict ``x[a+1 .. a+L]`` from the main network's states ``h[a .. a+L-1]``.

  Returns:
    ``(logits_BxNxLxCxV, targets_BxNxLxC, mask_BxNxL)``.
  """
  _check_tokens(tokens_BxTxC, anchors_BxN)
  b, n = anchors_BxN.shape
  if hidden_BxNxLxH.ndim != 4 or hidden_BxNxLxH.shape[:2] != (b, n):
    raise ValueError(f"hidden states must be BxNxLxH with B, N = {b}, {n}, "
                     f"got {hidden_BxNxLxH.shape}")
  length = hidden_BxNxLxH.shape[2]
  c = tokens_BxTxC.shape[2]
  vocab_size = params["head"][-1]["b"].shape[0] // c
  x = jnp.moveaxis(hidden_BxNxLxH.reshape(b * n, length, -1), 1, 0)
  _, hs = lstm.scan(params["lstm"], lstm.zero_carry(params["lstm"], b * n), x, unroll=unroll,
                    impl=impl)
  logits = feedforward.mlp(params["head"], jnp.moveaxis(hs, 0, 1)).reshape(b, n, length, c, vocab_size)
  targets, mask = _targets(tokens_BxTxC, valid_BxT, anchors_BxN[..., None] + 1 + jnp.arange(length))
  return logits, targets, mask
