"""Losses, each a pure function returning ``(loss, metrics)``, and the paper's combined objective.

Compose them with your own recurrent model::

    dec = auxiliary.init_reconstruction(key, state_size=H, vocab_size=256, channels=1, embed_dim=64)
    anchors = auxiliary.sample_anchors(key, *auxiliary.anchor_range("reconstruction", lengths, 600), 1)
    loss, metrics = reconstruction_loss(dec, auxiliary.gather_states(my_hs_BxTxH, anchors),
                                        tokens_BxTxC, anchors, length=600)
"""
from __future__ import annotations

from typing import Optional

import jax
import jax.numpy as jnp

from rnn_aux import auxiliary, lstm, models

Metrics = dict


def classification_loss(logits_BxK: jax.Array, labels_B: jax.Array) -> tuple[jax.Array, Metrics]:
  """Mean softmax cross-entropy and accuracy."""
  if logits_BxK.ndim != 2 or labels_B.shape != logits_BxK.shape[:1]:
    raise ValueError(f"classification_loss takes logits BxK and labels B, got "
                     f"{logits_BxK.shape} and {labels_B.shape}")
  logp = jax.nn.log_softmax(logits_BxK)
  loss = -jnp.mean(jnp.take_along_axis(logp, labels_B[:, None].astype(jnp.int32), axis=1))
  accuracy = jnp.mean(jnp.argmax(logits_BxK, -1) == labels_B)
  return loss, {"loss": loss, "accuracy": accuracy}


def token_loss(logits_xCxV: jax.Array, targets_xC: jax.Array,
               mask_x: jax.Array) -> tuple[jax.Array, Metrics]:
  """Softmax cross-entropy over token values, averaged over the unmasked steps and channels.

  A batch with no unmasked step gives loss 0 (and no gradient), never NaN.
  """
  logp = jax.nn.log_softmax(logits_xCxV)
  nll = -jnp.take_along_axis(logp, targets_xC[..., None].astype(jnp.int32), axis=-1)[..., 0]
  weight = mask_x.astype(nll.dtype)[..., None] * jnp.ones_like(nll)
  count = jnp.maximum(jnp.sum(weight), 1.0)
  loss = jnp.sum(nll * weight) / count
  accuracy = jnp.sum((jnp.argmax(logits_xCxV, -1) == targets_xC) * weight) / count
  return loss, {"loss": loss, "accuracy": accuracy, "fraction_valid": jnp.mean(mask_x)}


def reconstruction_loss(decoder_params: dict, state_BxNxS: jax.Array, tokens_BxTxC: jax.Array,
                        anchors_BxN: jax.Array, *, length: int, teacher_forcing: bool = True,
                        valid_BxT: Optional[jax.Array] = None, unroll: int = 1,
                        impl: str = "scan") -> tuple[jax.Array, Metrics]:
  """r-LSTM loss: reconstruct the ``length`` tokens before each anchor from the state there."""
  return token_loss(*auxiliary.reconstruction_logits(
      decoder_params, state_BxNxS, tokens_BxTxC, anchors_BxN, length=length,
      teacher_forcing=teacher_forcing, valid_BxT=valid_BxT, unroll=unroll, impl=impl))


def prediction_loss(predictor_params: dict, hidden_BxNxLxH: jax.Array, tokens_BxTxC: jax.Array,
                    anchors_BxN: jax.Array, *, valid_BxT: Optional[jax.Array] = None,
                    unroll: int = 1, impl: str = "scan") -> tuple[jax.Array, Metrics]:
  """p-LSTM loss: predict the tokens after each anchor from the hidden states from it on."""
  return token_loss(*auxiliary.prediction_logits(
      predictor_params, hidden_BxNxLxH, tokens_BxTxC, anchors_BxN, valid_BxT=valid_BxT,
      unroll=unroll, impl=impl))


def objective(params: dict, spec: models.ModelSpec, tokens_BxTxC: jax.Array, labels_B: jax.Array,
              key: jax.Array, *, valid_BxT: Optional[jax.Array] = None,
              supervised_weight: jax.Array | float = 1.0,
              aux_weight: jax.Array | float = 1.0) -> tuple[jax.Array, Metrics]:
  """``supervised_weight * classification + aux_weight * auxiliary`` for the LSTM classifier.

  The weights may be traced scalars: the pretraining phase (``supervised_weight=0``) and the joint
  phase then share one compiled step. ``key`` draws the anchors.
  """
  last = models.last_positions(tokens_BxTxC, valid_BxT)
  metrics = {}

  def read(positions, horizon, span=1):
    return models.encoder_states(params, spec, tokens_BxTxC, positions, horizon=horizon,
                                 span=span, valid_BxT=valid_BxT)

  aux_states = None
  if spec.aux is None:
    sup_states = read(last, spec.horizon)
  else:
    low, high = auxiliary.anchor_range(spec.aux, last[:, 0] + 1, spec.aux_length)
    anchors = auxiliary.sample_anchors(key, low, high, spec.num_anchors, spec.anchors_per_example)
    anchors = jnp.broadcast_to(anchors, (tokens_BxTxC.shape[0], spec.num_anchors))
    span = spec.aux_length if spec.aux == auxiliary.PREDICTION else 1
    if spec.horizon == spec.aux_horizon and (span == 1 or spec.horizon is None):
      # One pass serves both losses: the windows (or the full scan) are shared.
      states = read(jnp.concatenate([last, anchors], axis=1), spec.horizon, span)
      sup_states = jax.tree.map(lambda x: x[:, :1], states)
      aux_states = jax.tree.map(lambda x: x[:, 1:], states)
    else:
      sup_states = read(last, spec.horizon)
      aux_states = read(anchors, spec.aux_horizon, span)
  final_h = sup_states[-1].h[:, 0, 0]
  sup_loss, sup_metrics = classification_loss(
      models.classify(params, final_h, spec.head_activation), labels_B)
  metrics.update({f"supervised/{k}": v for k, v in sup_metrics.items()})
  loss = supervised_weight * sup_loss
  if spec.aux == auxiliary.RECONSTRUCTION:
    state = lstm.carry_vector(jax.tree.map(lambda x: x[:, :, 0], aux_states))  # BxNxS
    aux_loss, aux_metrics = reconstruction_loss(
        params["reconstruction"], state, tokens_BxTxC, anchors, length=spec.aux_length,
        teacher_forcing=spec.teacher_forcing, valid_BxT=valid_BxT, unroll=spec.unroll,
        impl=spec.recurrence)
  elif spec.aux == auxiliary.PREDICTION:
    aux_loss, aux_metrics = prediction_loss(params["prediction"], aux_states[-1].h, tokens_BxTxC,
                                            anchors, valid_BxT=valid_BxT, unroll=spec.unroll,
                                            impl=spec.recurrence)
  else:
    aux_loss, aux_metrics = jnp.zeros(()), {}
  metrics.update({f"{spec.aux}/{k}": v for k, v in aux_metrics.items()})
  loss = loss + aux_weight * aux_loss
  metrics["loss"] = loss
  return loss, metrics
