"""Transformer baseline of the paper's Table 2 (pre-LayerNorm encoder, sinusoidal positions).

A flax.linen module over the same integer tokens ``BxTxC`` as the LSTM classifier: per-channel
token embeddings summed, sinusoidal position codes (no parameters, any length), ``num_layers``
encoder blocks, mean pooling over real steps, and the same MLP head as the LSTM classifier. The
paper gives no size beyond "comparable"; :func:`matching_num_layers` picks the depth whose
parameter count is closest to a given model's.

``attention`` chooses how self-attention is computed; the parameters are the same for all three
(a checkpoint moves between them): ``"flax"``, flax's ``MultiHeadDotProductAttention`` with a
``BxTxT`` padding mask and dropout on the attention weights; ``"xla"`` and ``"cudnn"``,
``jax.nn.dot_product_attention`` told each example's length instead of a mask (valid steps
first, as every pipeline here pads), dropout on the attention output. ``"cudnn"`` is the fused
(flash) kernel in bfloat16 on a GPU: memory linear in length where the others hold
``heads x T x T`` scores per example.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import flax.linen as nn
import jax
import jax.numpy as jnp

from rnn_aux import feedforward

ATTENTION = ("flax", "xla", "cudnn")


@dataclasses.dataclass(frozen=True)
class TransformerSpec:
  num_classes: int
  vocab_size: int = 256
  channels: int = 1
  model_dim: int = 128
  num_heads: int = 8
  mlp_dim: int = 512
  num_layers: int = 7
  head_sizes: tuple = (256, 256)
  head_activation: str = "gelu"  # see models.ModelSpec.head_activation
  dropout: float = 0.0
  remat: bool = True  # recompute each block in the backward pass: attention memory of one layer
  attention: str = "flax"  # flax | xla | cudnn (module docstring)

  def __post_init__(self):
    feedforward.check_activation(self.head_activation)
    if self.attention not in ATTENTION:
      raise ValueError(f"unknown attention {self.attention!r}; choose one of: "
                       f"{', '.join(ATTENTION)}")


def sinusoidal_positions(length: int, dim: int) -> jax.Array:
  """``TxD`` sine/cosine position codes (Vaswani et al. 2017)."""
  return feedforward.position_codes(jnp.arange(length), dim)


class _DotProductAttention(nn.Module):
  """Self-attention through ``jax.nn.dot_product_attention``, with the parameter names and shapes
  of flax's ``MultiHeadDotProductAttention``."""
  num_heads: int
  implementation: str  # xla | cudnn

  @nn.compact
  def __call__(self, x_BxTxD, lengths_B):
    d = x_BxTxD.shape[-1]
    q, k, v = (nn.DenseGeneral((self.num_heads, d // self.num_heads), name=n)(x_BxTxD)
               for n in ("query", "key", "value"))
    if self.implementation == "cudnn":  # the fused kernel takes 16-bit inputs
      q, k, v = (a.astype(jnp.bfloat16) for a in (q, k, v))
    y_BxTxHxK = jax.nn.dot_product_attention(q, k, v, key_value_seq_lengths=lengths_B,
                                             implementation=self.implementation)
    return nn.DenseGeneral(d, axis=(-2, -1), name="out")(y_BxTxHxK.astype(x_BxTxD.dtype))


class _Block(nn.Module):
  spec: TransformerSpec

  @nn.compact
  def __call__(self, x, mask, train):
    """``mask``: the ``Bx1xTxT`` padding mask (attention ``"flax"``), else the lengths ``B``."""
    s = self.spec
    y = nn.LayerNorm()(x)
    if s.attention == "flax":
      y = nn.MultiHeadDotProductAttention(num_heads=s.num_heads, dropout_rate=s.dropout,
                                          deterministic=not train)(y, y, mask=mask)
    else:
      y = _DotProductAttention(s.num_heads, s.attention, name="MultiHeadDotProductAttention_0")(
          y, mask)
      y = nn.Dropout(s.dropout, deterministic=not train)(y)
    x = x + y
    y = nn.LayerNorm()(x)
    y = nn.Dense(s.model_dim)(nn.gelu(nn.Dense(s.mlp_dim)(y)))
    return x + nn.Dropout(s.dropout, deterministic=not train)(y)


class TransformerClassifier(nn.Module):
  spec: TransformerSpec

  @nn.compact
  def __call__(self, tokens_BxTxC, valid_BxT: Optional[jax.Array] = None, train: bool = False):
    s = self.spec
    if tokens_BxTxC.ndim != 3 or tokens_BxTxC.shape[2] != s.channels:
      raise ValueError(f"tokens must be BxTxC with C={s.channels}, got {tokens_BxTxC.shape}")
    b, t, _ = tokens_BxTxC.shape
    valid = jnp.ones((b, t), bool) if valid_BxT is None else valid_BxT.astype(bool)
    table = self.param("embed", lambda k: feedforward.init_token_embedding(
        k, s.vocab_size, s.channels, s.model_dim))
    x = feedforward.embed_tokens(table, tokens_BxTxC) + sinusoidal_positions(t, s.model_dim)
    if s.attention == "flax":
      mask = nn.make_attention_mask(valid, valid)
    else:
      if s.attention == "cudnn" and jax.default_backend() != "gpu":
        raise ValueError(f"attention='cudnn' needs a GPU (backend here: "
                         f"{jax.default_backend()}); use attention='xla' or 'flax'")
      mask = jnp.sum(valid, axis=1, dtype=jnp.int32)  # lengths: valid steps come first
    block = nn.remat(_Block, static_argnums=(3,)) if s.remat else _Block
    for i in range(s.num_layers):
      x = block(s, name=f"block_{i}")(x, mask, train)  # same names with or without remat
    x = nn.LayerNorm()(x)
    w = valid[..., None].astype(x.dtype)
    pooled = jnp.sum(x * w, axis=1) / jnp.maximum(jnp.sum(w, axis=1), 1.0)
    for size in s.head_sizes:
      pooled = feedforward.ACTIVATIONS[s.head_activation](nn.Dense(size)(pooled))
    return nn.Dense(s.num_classes)(pooled)


def init(key: jax.Array, spec: TransformerSpec, seq_len: int = 8) -> dict:
  dummy = jnp.zeros((1, seq_len, spec.channels), jnp.int32)
  return TransformerClassifier(spec).init(key, dummy)["params"]


def logits(params: dict, spec: TransformerSpec, tokens_BxTxC: jax.Array,
           valid_BxT: Optional[jax.Array] = None, *, train: bool = False,
           dropout_key: Optional[jax.Array] = None) -> jax.Array:
  rngs = {"dropout": dropout_key} if (train and spec.dropout > 0) else None
  return TransformerClassifier(spec).apply({"params": params}, tokens_BxTxC, valid_BxT, train,
                                           rngs=rngs)


def matching_num_layers(spec: TransformerSpec, target_params: int, max_layers: int = 64) -> int:
  """The depth whose parameter count is closest to ``target_params`` (other sizes fixed)."""
  def count(n):
    shapes = jax.eval_shape(lambda: init(jax.random.PRNGKey(0), dataclasses.replace(spec, num_layers=n)))
    return feedforward.count_params(shapes)
  best, best_gap = 1, abs(count(1) - target_params)
  for n in range(2, max_layers + 1):  # the count grows with depth: stop once past the target
    gap = abs(count(n) - target_params)
    if gap >= best_gap:
      break
    best, best_gap = n, gap
  return best
