"""The r-LSTM auxiliary loss: reconstruct the ``l`` inputs before a random anchor from the state there.

Works on anyone's recurrent model: the decoder needs only the model's state at each anchor (any
vector, ``BxNxS``) and the token sequence. Conventions (ours; the paper's text is not available):
targets ``x[a-l .. a-1]`` in forward order; decoder step ``j`` is fed ``x[a-l-1+j]`` (teacher
forcing) or only ``x[a-l-1]`` at ``j=0`` and zeros after (no teacher forcing); a feed before the
sequence start is a zero vector and targets before the start are masked. With ``positions``, step
``j``'s feed also carries the sine/cosine code of its target's position ``a-l+j`` (ours: in
permuted order nothing else tells the decoder which image location it reconstructs). The decoder's
bottom layer starts from a linear projection of the anchor state (``tanh`` on its ``h``, see
:func:`rnn_aux.recurrence.layer_state_from_vector`), higher layers from zeros. Anchors lie in
``[min(l, n-1), n-1]``: where ``l`` does not fit, the out-of-range targets are masked.

Registered as ``"reconstruction"`` (:data:`RECONSTRUCTION`).
"""
from __future__ import annotations

from typing import Sequence

import jax
import jax.numpy as jnp

from rnn_aux import auxiliary, feedforward, losses
from rnn_aux import recurrence as recurrence_lib


def init_reconstruction(key: jax.Array, *, state_size: int, vocab_size: int, channels: int,
                        embed_dim: int, hidden_sizes: Sequence[int] = (256, 256),
                        head_sizes: Sequence[int] = (256,),
                        rnn: recurrence_lib.Recurrence | None = None) -> dict:
  """Decoder: bridge from a ``state_size`` anchor state, embedding, recurrent stack, MLP head."""
  rnn = recurrence_lib.or_lstm(rnn)
  kb, ke, kl, kh = jax.random.split(key, 4)
  bridge = recurrence_lib.state_size(rnn, hidden_sizes[:1])
  return {
      "bridge": feedforward.init_mlp(kb, state_size, (bridge,)),
      "embed": feedforward.init_token_embedding(ke, vocab_size, channels, embed_dim),
      "rnn": rnn.init(kl, embed_dim, hidden_sizes),
      "head": feedforward.init_mlp(kh, hidden_sizes[-1],
                                   tuple(head_sizes) + (channels * vocab_size,)),
  }


def reconstruction_logits(params: dict, state_BxNxS: jax.Array, tokens_BxTxC: jax.Array,
                          anchors_BxN: jax.Array, *, length: int, teacher_forcing: bool = True,
                          valid_BxT: jax.Array | None = None,
                          rnn: recurrence_lib.Recurrence | None = None, positions: bool = False):
  """Decode the ``length`` inputs before each anchor.

  Returns:
    ``(logits_BxNxLxCxV, targets_BxNxLxC, mask_BxNxL)``.
  """
  rnn = recurrence_lib.or_lstm(rnn)
  auxiliary.check_tokens(tokens_BxTxC, anchors_BxN)
  auxiliary.check_length(length)
  b, n = anchors_BxN.shape
  c, v = params["embed"].shape[:2]
  if state_BxNxS.shape[:2] != (b, n):
    raise ValueError(f"anchor states must be BxNxS with B, N = {b}, {n}, got {state_BxNxS.shape}")
  carry = rnn.zero_carry(params["rnn"], b * n)
  bridged = feedforward.mlp(params["bridge"], state_BxNxS).reshape(b * n, -1)
  first = recurrence_lib.layer_state_from_vector(rnn, bridged, carry[0].h.shape[-1])
  carry = (first,) + tuple(carry[1:])

  j = jnp.arange(length)
  feed_idx = anchors_BxN[..., None] - length - 1 + j  # BxNxL
  feed_tokens, feed_ok = auxiliary.tokens_at(tokens_BxTxC, valid_BxT, feed_idx)
  if not teacher_forcing:
    feed_ok = feed_ok & (j == 0)
  feed = feedforward.embed_tokens(params["embed"], feed_tokens) * feed_ok[..., None]
  if positions:
    feed = feed + feedforward.position_codes(feed_idx + 1, feed.shape[-1])
  feed = jnp.moveaxis(feed.reshape(b * n, length, -1), 1, 0)  # L x BN x E
  _, hs = rnn.scan(params["rnn"], carry, feed)  # L x BN x H
  logits = feedforward.mlp(params["head"], jnp.moveaxis(hs, 0, 1)).reshape(b, n, length, c, v)
  targets, mask = auxiliary.tokens_at(tokens_BxTxC, valid_BxT, feed_idx + 1)
  return logits, targets, mask


def reconstruction_loss(decoder_params: dict, state_BxNxS: jax.Array, tokens_BxTxC: jax.Array,
                        anchors_BxN: jax.Array, *, length: int, teacher_forcing: bool = True,
                        valid_BxT: jax.Array | None = None,
                        rnn: recurrence_lib.Recurrence | None = None, positions: bool = False):
  """r-LSTM loss ``(loss, metrics)``: reconstruct the ``length`` tokens before each anchor from
  the state there."""
  return losses.token_loss(*reconstruction_logits(
      decoder_params, state_BxNxS, tokens_BxTxC, anchors_BxN, length=length,
      teacher_forcing=teacher_forcing, valid_BxT=valid_BxT, rnn=rnn, positions=positions))


def _anchor_range(lengths_B, length):
  last = lengths_B - 1
  return jnp.minimum(length, last), last


def _init(key, s: auxiliary.Setting):
  return init_reconstruction(
      key, state_size=recurrence_lib.state_size(s.rnn, s.main_hidden_sizes),
      vocab_size=s.vocab_size, channels=s.channels, embed_dim=s.embed_dim,
      hidden_sizes=s.hidden_sizes, head_sizes=s.head_sizes, rnn=s.rnn)


def _loss(params, states, tokens_BxTxC, anchors_BxN, valid_BxT, s: auxiliary.Setting):
  state_BxNxS = recurrence_lib.flatten(jax.tree.map(lambda x: x[:, :, 0], states))
  return reconstruction_loss(params, state_BxNxS, tokens_BxTxC, anchors_BxN, length=s.length,
                             teacher_forcing=s.teacher_forcing, valid_BxT=valid_BxT, rnn=s.rnn,
                             positions=s.positions)


RECONSTRUCTION = auxiliary.register(auxiliary.AuxiliaryLoss(
    name="reconstruction", init=_init, anchor_range=_anchor_range, span=lambda length: 1,
    loss=_loss, label="rlstm"))
