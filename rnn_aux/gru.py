"""GRU layers and stacks as pure functions, a second :class:`rnn_aux.recurrence.Recurrence`.

One layer is ``{"w_x": Dx3H, "w_h": Hx3H, "b": 3H, "b_hn": H}`` with the gates in the order reset,
update, candidate (r, z, n), the formulation of PyTorch and cuDNN (the reset gate scales the
candidate's recurrent term, bias included)::

    r = sigmoid(x W_xr + b_r + h W_hr)         z = sigmoid(x W_xz + b_z + h W_hz)
    n = tanh(x W_xn + b_n + r * (h W_hn + b_hn))  h' = (1 - z) * n + z * h

Initialisation as the LSTM's: ``w_x`` LeCun-normal, one orthogonal HxH block per gate, zero biases.
The input projection is hoisted out of the recurrence, as for the LSTM.
"""
from __future__ import annotations

import functools
from typing import NamedTuple, Sequence

import jax
import jax.numpy as jnp

from rnn_aux import recurrence as recurrence_lib

Params = tuple


class GRUState(NamedTuple):
  """Carry of one GRU layer: hidden ``h``, ``...xH``."""
  h: jax.Array


def init_layer(key: jax.Array, input_dim: int, hidden: int) -> dict:
  if input_dim <= 0 or hidden <= 0:
    raise ValueError(f"GRU sizes must be positive, got input_dim={input_dim}, hidden={hidden}")
  kx, kh = jax.random.split(key)
  w_x = jax.nn.initializers.lecun_normal()(kx, (input_dim, 3 * hidden), jnp.float32)
  w_h = jnp.concatenate([jax.nn.initializers.orthogonal()(k, (hidden, hidden), jnp.float32)
                         for k in jax.random.split(kh, 3)], axis=1)
  return {"w_x": w_x, "w_h": w_h, "b": jnp.zeros((3 * hidden,), jnp.float32),
          "b_hn": jnp.zeros((hidden,), jnp.float32)}


def init(key: jax.Array, input_dim: int, hidden_sizes: Sequence[int]) -> Params:
  """A stack of GRU layers; layer i reads layer i-1's hidden state."""
  if not hidden_sizes:
    raise ValueError("hidden_sizes must name at least one layer, e.g. (128,)")
  dims = (input_dim,) + tuple(hidden_sizes[:-1])
  return tuple(init_layer(k, d, h)
               for k, d, h in zip(jax.random.split(key, len(hidden_sizes)), dims, hidden_sizes))


def zero_carry(params: Params, batch_shape, dtype=jnp.float32) -> tuple:
  batch_shape = (batch_shape,) if isinstance(batch_shape, int) else tuple(batch_shape)
  return tuple(GRUState(jnp.zeros(batch_shape + (layer["w_h"].shape[0],), dtype))
               for layer in params)


def _project(layer: dict, x: jax.Array) -> jax.Array:
  return x @ layer["w_x"].astype(x.dtype) + layer["b"].astype(x.dtype)


def project_inputs(params: Params, inputs_xD: jax.Array) -> jax.Array:
  """Bottom layer's input projection ``x @ w_x + b`` for any leading shape: ``...xD -> ...x3H``."""
  return _project(params[0], inputs_xD)


def _cell(layer: dict, projected: jax.Array, state: GRUState) -> GRUState:
  xr, xz, xn = jnp.split(projected, 3, axis=-1)
  hr, hz, hn = jnp.split(state.h @ layer["w_h"].astype(state.h.dtype), 3, axis=-1)
  r = jax.nn.sigmoid(xr + hr)
  z = jax.nn.sigmoid(xz + hz)
  n = jnp.tanh(xn + r * (hn + layer["b_hn"]))
  return GRUState((1.0 - z) * n + z * state.h)


def step(params: Params, carry: tuple, projected_Bx3H: jax.Array,
         valid_B: jax.Array | None = None) -> tuple[tuple, jax.Array]:
  """One time step of the stack from the bottom layer's projected input (:func:`project_inputs`);
  where ``valid_B`` is False the carry is kept. Returns ``(new_carry, h_top_BxH)``."""
  new, z = [], projected_Bx3H
  for i, (layer, state) in enumerate(zip(params, carry)):
    if i > 0:
      z = _project(layer, new[-1].h)
    new.append(_cell(layer, z, state))
  new = recurrence_lib.keep_padding(valid_B, tuple(new), carry)
  return new, new[-1].h


def scan(params: Params, carry: tuple, inputs_TxBxD: jax.Array,
         valid_TxB: jax.Array | None = None, *, unroll: int = 1,
         return_carries: bool = False) -> tuple:
  """Run the stack over time-major inputs: ``(final_carry, hs_TxBxH or every step's carry)``."""
  if inputs_TxBxD.ndim != 3:
    raise ValueError(f"gru.scan takes time-major inputs TxBxD, got shape {inputs_TxBxD.shape}")
  return recurrence_lib.scan_steps(step, params, carry, project_inputs(params, inputs_TxBxD),
                                   valid_TxB, unroll=unroll, return_carries=return_carries)


def recurrence(unroll: int = 1) -> recurrence_lib.Recurrence:
  """The GRU stack as a :class:`rnn_aux.recurrence.Recurrence` (``lax.scan``, fp32)."""
  recurrence_lib.check_unroll(unroll)
  return recurrence_lib.Recurrence(name="gru", state_type=GRUState, init=init,
                                   zero_carry=zero_carry,
                                   scan=functools.partial(scan, unroll=unroll))


recurrence_lib.register_cell("gru", recurrence_lib.scan_only(recurrence, "gru"))
