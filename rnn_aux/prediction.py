"""The p-LSTM auxiliary loss: predict the ``l`` inputs after a random anchor.

A recurrent stack on top of the main network reads its hidden states ``h[a .. a+l-1]`` from a zero
state and predicts ``x[a+1 .. a+l]``; targets past the end or on padding are masked (ours; the
paper's text is not available). With ``positions``, the sine/cosine code of each target's position
is added to the state the stack reads (ours). Anchors lie in ``[0, max(n-1-l, 0)]``. Works on
anyone's model: it needs only the model's hidden states from each anchor on (``BxNxLxH``).

Registered as ``"prediction"`` (:data:`PREDICTION`).
"""
from __future__ import annotations

from typing import Sequence

import jax
import jax.numpy as jnp

from rnn_aux import auxiliary, feedforward, losses
from rnn_aux import recurrence as recurrence_lib


def init_prediction(key: jax.Array, *, input_size: int, vocab_size: int, channels: int,
                    hidden_sizes: Sequence[int] = (256, 256), head_sizes: Sequence[int] = (256,),
                    rnn: recurrence_lib.Recurrence | None = None) -> dict:
  """Predictor: a recurrent stack over the main network's ``input_size`` hidden states, MLP head."""
  rnn = recurrence_lib.or_lstm(rnn)
  kl, kh = jax.random.split(key)
  return {
      "rnn": rnn.init(kl, input_size, hidden_sizes),
      "head": feedforward.init_mlp(kh, hidden_sizes[-1],
                                   tuple(head_sizes) + (channels * vocab_size,)),
  }


def prediction_logits(params: dict, hidden_BxNxLxH: jax.Array, tokens_BxTxC: jax.Array,
                      anchors_BxN: jax.Array, *, valid_BxT: jax.Array | None = None,
                      rnn: recurrence_lib.Recurrence | None = None, positions: bool = False):
  """Predict ``x[a+1 .. a+L]`` from the main network's states ``h[a .. a+L-1]``.

  Returns:
    ``(logits_BxNxLxCxV, targets_BxNxLxC, mask_BxNxL)``.
  """
  rnn = recurrence_lib.or_lstm(rnn)
  auxiliary.check_tokens(tokens_BxTxC, anchors_BxN)
  b, n = anchors_BxN.shape
  if hidden_BxNxLxH.ndim != 4 or hidden_BxNxLxH.shape[:2] != (b, n):
    raise ValueError(f"hidden states must be BxNxLxH with B, N = {b}, {n}, "
                     f"got {hidden_BxNxLxH.shape}")
  length = hidden_BxNxLxH.shape[2]
  c = tokens_BxTxC.shape[2]
  vocab_size = params["head"][-1]["b"].shape[0] // c
  target_idx = anchors_BxN[..., None] + 1 + jnp.arange(length)  # BxNxL
  if positions:
    hidden_BxNxLxH = hidden_BxNxLxH + feedforward.position_codes(target_idx,
                                                                 hidden_BxNxLxH.shape[-1])
  x = jnp.moveaxis(hidden_BxNxLxH.reshape(b * n, length, -1), 1, 0)
  _, hs = rnn.scan(params["rnn"], rnn.zero_carry(params["rnn"], b * n), x)
  logits = feedforward.mlp(params["head"], jnp.moveaxis(hs, 0, 1)).reshape(
      b, n, length, c, vocab_size)
  targets, mask = auxiliary.tokens_at(tokens_BxTxC, valid_BxT, target_idx)
  return logits, targets, mask


def prediction_loss(predictor_params: dict, hidden_BxNxLxH: jax.Array, tokens_BxTxC: jax.Array,
                    anchors_BxN: jax.Array, *, valid_BxT: jax.Array | None = None,
                    rnn: recurrence_lib.Recurrence | None = None, positions: bool = False):
  """p-LSTM loss ``(loss, metrics)``: predict the tokens after each anchor from the hidden states
  from it on."""
  return losses.token_loss(*prediction_logits(predictor_params, hidden_BxNxLxH, tokens_BxTxC,
                                              anchors_BxN, valid_BxT=valid_BxT, rnn=rnn,
                                              positions=positions))


def _anchor_range(lengths_B, length):
  last = lengths_B - 1
  return jnp.zeros_like(last), jnp.maximum(last - length, 0)


def _init(key, s: auxiliary.Setting):
  return init_prediction(key, input_size=s.main_hidden_sizes[-1], vocab_size=s.vocab_size,
                         channels=s.channels, hidden_sizes=s.hidden_sizes,
                         head_sizes=s.head_sizes, rnn=s.rnn)


def _loss(params, states, tokens_BxTxC, anchors_BxN, valid_BxT, s: auxiliary.Setting):
  return prediction_loss(params, recurrence_lib.top_hidden(states), tokens_BxTxC, anchors_BxN,
                         valid_BxT=valid_BxT, rnn=s.rnn, positions=s.positions)


PREDICTION = auxiliary.register(auxiliary.AuxiliaryLoss(
    name="prediction", init=_init, anchor_range=_anchor_range, span=lambda length: length,
    loss=_loss, label="plstm"))
