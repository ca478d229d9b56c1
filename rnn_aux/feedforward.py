"""Feed-forward pieces shared by the models and the auxiliary decoders: token embedding and MLP."""
from __future__ import annotations

from typing import Sequence

import jax
import jax.numpy as jnp


def init_token_embedding(key: jax.Array, vocab_size: int, channels: int, dim: int) -> jax.Array:
  """One ``VxE`` table per input channel: ``CxVxE``, normal(0, 1/sqrt(E))."""
  if vocab_size <= 0 or channels <= 0 or dim <= 0:
    raise ValueError(f"embedding sizes must be positive, got vocab_size={vocab_size}, "
                     f"channels={channels}, dim={dim}")
  return jax.random.normal(key, (channels, vocab_size, dim), jnp.float32) / jnp.sqrt(dim)


def embed_tokens(table_CxVxE: jax.Array, tokens_xC: jax.Array) -> jax.Array:
  """Sum of the channels' embeddings: integer tokens ``...xC -> ...xE``.

  A pixel sequence step has C channels (1 for MNIST, 3 for CIFAR-10), a text step one.
  """
  if tokens_xC.shape[-1] != table_CxVxE.shape[0]:
    raise ValueError(f"tokens have {tokens_xC.shape[-1]} channels in their last axis, the "
                     f"embedding expects {table_CxVxE.shape[0]}; tokens shape {tokens_xC.shape}")
  per_channel = [table_CxVxE[ch][tokens_xC[..., ch]] for ch in range(table_CxVxE.shape[0])]
  return sum(per_channel[1:], per_channel[0])


def init_mlp(key: jax.Array, input_dim: int, sizes: Sequence[int]) -> tuple:
  """Dense layers ``input_dim -> sizes[0] -> ... -> sizes[-1]``; LeCun-normal weights, zero bias."""
  dims = (input_dim,) + tuple(sizes)
  keys = jax.random.split(key, len(sizes))
  return tuple({"w": jax.nn.initializers.lecun_normal()(k, (i, o), jnp.float32),
                "b": jnp.zeros((o,), jnp.float32)} for k, i, o in zip(keys, dims[:-1], dims[1:]))


ACTIVATIONS = {"relu": jax.nn.relu, "gelu": jax.nn.gelu, "tanh": jnp.tanh}


def check_activation(name: str) -> None:
  if name not in ACTIVATIONS:
    raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")


def mlp(params: tuple, x: jax.Array, activation: str = "relu", *, dropout: float = 0.0,
        key: jax.Array | None = None) -> jax.Array:
  """``activation`` between layers, none after the last: ``...xD -> ...xsizes[-1]``.

  ``dropout`` > 0 (with ``key``): inverted dropout on every layer's input, for training.
  """
  check_activation(activation)
  if dropout and key is None:
    raise ValueError("mlp: dropout needs a key")
  for i, layer in enumerate(params):
    if dropout:
      keep = jax.random.bernoulli(jax.random.fold_in(key, i), 1.0 - dropout, x.shape)
      x = jnp.where(keep, x / (1.0 - dropout), 0.0)
    x = x @ layer["w"] + layer["b"]
    if i + 1 < len(params):
      x = ACTIVATIONS[activation](x)
  return x


def count_params(tree) -> int:
  """Number of scalars in a parameter pytree."""
  return int(sum(x.size for x in jax.tree.leaves(tree)))


def position_codes(positions: jax.Array, dim: int) -> jax.Array:
  """``...xD`` sine/cosine codes of integer ``positions`` (Vaswani et al. 2017)."""
  freq = jnp.exp(-jnp.log(10000.0) * jnp.arange(0, dim, 2) / dim)
  angles = jnp.asarray(positions)[..., None] * freq
  return jnp.concatenate([jnp.sin(angles), jnp.cos(angles)], axis=-1)[..., :dim]
