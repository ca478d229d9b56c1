"""Generic, composable losses, each a pure function returning ``(loss, metrics)``.

The auxiliary losses built on them live with their networks (:mod:`rnn_aux.reconstruction`,
:mod:`rnn_aux.prediction`); the classifier's combined objective in :mod:`rnn_aux.classifier`.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

Metrics = dict


def classification_loss(logits_BxK: jax.Array, labels_B: jax.Array) -> tuple[jax.Array, Metrics]:
  """Mean softmax cross-entropy and accuracy."""
  if logits_BxK.ndim != 2 or labels_B.shape != logits_BxK.shape[:1]:
    raise ValueError(f"classification_loss takes logits BxK and labels B, got "
                     f"{logits_BxK.shape} and {labels_B.shape}")
  loss = jnp.mean(optax.softmax_cross_entropy_with_integer_labels(
      logits_BxK, labels_B.astype(jnp.int32)))
  accuracy = jnp.mean(jnp.argmax(logits_BxK, -1) == labels_B)
  return loss, {"loss": loss, "accuracy": accuracy}


def token_loss(logits_xCxV: jax.Array, targets_xC: jax.Array,
               mask_x: jax.Array) -> tuple[jax.Array, Metrics]:
  """Softmax cross-entropy over token values, averaged over the unmasked steps and channels.

  A batch with no unmasked step gives loss 0 (and no gradient), never NaN.
  """
  nll = optax.softmax_cross_entropy_with_integer_labels(logits_xCxV, targets_xC.astype(jnp.int32))
  weight = mask_x.astype(nll.dtype)[..., None] * jnp.ones_like(nll)
  count = jnp.maximum(jnp.sum(weight), 1.0)
  loss = jnp.sum(jnp.where(weight > 0, nll, 0.0)) / count  # NaN-safe where masked
  accuracy = jnp.sum((jnp.argmax(logits_xCxV, -1) == targets_xC) * weight) / count
  return loss, {"loss": loss, "accuracy": accuracy, "fraction_valid": jnp.mean(mask_x)}
