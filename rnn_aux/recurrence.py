"""A recurrent stack as a value: the interface that truncation, the classifier and the auxiliary
networks take, so that a new recurrence is one new file.

A :class:`Recurrence` is a NamedTuple of pure functions, optax style, with its speed and precision
options (e.g. ``unroll``, the LSTM's ``impl``) bound when it is built::

    rnn = lstm.recurrence(impl="fused", unroll=8)        # or gru.recurrence(), or your own
    params = rnn.init(key, input_dim, (128,))
    carry = rnn.zero_carry(params, batch)
    carry, hs_TxBxH = rnn.scan(params, carry, inputs_TxBxD, valid_TxB)

Conventions every recurrence keeps, which is all the rest of the library relies on:

* the carry is a tuple with one state per layer, bottom first; a layer's state is a NamedTuple
  (``state_type``) whose field ``h`` is the layer's output (e.g. ``LSTMState(h, c)``, ``GRUState(h)``);
* ``scan(params, carry, inputs_TxBxD, valid_TxB=None, *, return_carries=False)`` runs time-major
  inputs and returns ``(final_carry, hs_TxBxH)`` (the top layer's ``h``), or every step's carry
  (leaves ``TxBx...``) with ``return_carries``; where ``valid_TxB`` is False the carry is kept;
* the parameters are any pytree.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple, Sequence

import jax
import jax.numpy as jnp

from rnn_aux import validation

Params = Any
Carry = tuple


class Recurrence(NamedTuple):
  """A recurrent stack: ``init``, ``zero_carry`` and ``scan`` (see the module docstring)."""
  name: str
  state_type: type
  # (key, input_dim, hidden_sizes) -> params
  init: Callable[[jax.Array, int, Sequence[int]], Params]
  # (params, batch_shape) -> carry of zeros, leaves batch_shape x H
  zero_carry: Callable[[Params, Any], Carry]
  # (params, carry, inputs_TxBxD, valid_TxB=None, *, return_carries=False) -> (carry, outputs)
  scan: Callable[..., tuple]


# name -> builder(impl: str, unroll: int) -> Recurrence; configs pick one with model.cell=NAME.
_CELLS: dict[str, Callable[[str, int], Recurrence]] = {}


def register_cell(name: str, builder: Callable[[str, int], Recurrence]) -> None:
  """Make a recurrence available by name. ``builder(impl, unroll)`` returns it with the speed
  options bound; a builder that has one implementation refuses any ``impl`` but ``"scan"``."""
  if name in _CELLS and _CELLS[name] is not builder:
    raise ValueError(f"a recurrence named {name!r} is already registered; pick another name")
  _CELLS[name] = builder


def cells() -> tuple[str, ...]:
  return tuple(sorted(_CELLS))


def build(cell: str, impl: str = "scan", unroll: int = 1) -> Recurrence:
  """The registered recurrence ``cell`` with ``impl`` and ``unroll`` bound."""
  if cell not in _CELLS:
    raise ValueError(f"unknown recurrence cell {cell!r}; choose one of: {', '.join(cells())} "
                     "(or register your own with rnn_aux.recurrence.register_cell)")
  return check(_CELLS[cell](impl, unroll))


def scan_only(make: Callable[[int], Recurrence], name: str) -> Callable[[str, int], Recurrence]:
  """A :func:`register_cell` builder for a recurrence with only the ``lax.scan`` implementation."""
  def builder(impl: str, unroll: int) -> Recurrence:
    if impl != "scan":
      raise ValueError(f"the {name} recurrence has no {impl!r} implementation; use "
                       "recurrence=scan (the fused kernel is the LSTM's)")
    return make(unroll)
  return builder


def top_hidden(carry: Carry) -> jax.Array:
  """The top layer's output ``h``: what a classifier reads."""
  return carry[-1].h


def flatten(carry: Carry) -> jax.Array:
  """Every layer's state fields concatenated into one ``...xS`` vector (e.g. all ``h`` and ``c``)."""
  return jnp.concatenate([x for state in carry for x in state], axis=-1)


def state_size(rnn: Recurrence, hidden_sizes: Sequence[int]) -> int:
  """Length of :func:`flatten`'s vector for a stack of ``hidden_sizes``."""
  return len(rnn.state_type._fields) * sum(hidden_sizes)


def layer_state_from_vector(rnn: Recurrence, vector_xF: jax.Array, hidden: int):
  """One layer's state from a vector of ``len(fields) * hidden`` features: ``tanh`` on ``h`` (it
  is an output in (-1, 1)), the rest as they are. Decoders start from a projection of a state."""
  parts = jnp.split(vector_xF, len(rnn.state_type._fields), axis=-1)
  fields = rnn.state_type._fields
  return rnn.state_type(*(jnp.tanh(p) if f == "h" else p for f, p in zip(fields, parts)))


def keep_padding(valid_B: jax.Array | None, new: Carry, old: Carry) -> Carry:
  """``new`` where ``valid_B``, else ``old``: padding steps keep the carry."""
  if valid_B is None:
    return new
  return jax.tree.map(lambda n, o: jnp.where(valid_B[:, None], n, o), new, tuple(old))


def scan_steps(step: Callable, params: Params, carry: Carry, projected_TxBxG: jax.Array,
               valid_TxB: jax.Array | None, *, unroll: int, return_carries: bool):
  """``lax.scan`` of ``step(params, carry, projected_BxG, valid_B) -> (carry, h)`` over time:
  the loop that per-step recurrences share once their input projection is hoisted."""
  def body(c, xs):
    z, v = xs if valid_TxB is not None else (xs, None)
    c, h = step(params, c, z, v)
    return c, (c if return_carries else h)

  xs = (projected_TxBxG, valid_TxB) if valid_TxB is not None else projected_TxBxG
  return jax.lax.scan(body, tuple(carry), xs, unroll=unroll)


def check_unroll(unroll: Any) -> None:
  validation.positive_int(unroll, "unroll", " (lax.scan steps per loop iteration)")


def or_lstm(rnn: Recurrence | None) -> Recurrence:
  """``rnn``, checked, or the LSTM on ``lax.scan`` when None (the library's default)."""
  if rnn is None:
    from rnn_aux import lstm  # lstm imports this module
    return lstm.recurrence()
  return check(rnn)


def check(rnn: Any) -> Recurrence:
  if not isinstance(rnn, Recurrence):
    raise TypeError(f"expected a rnn_aux.recurrence.Recurrence (e.g. lstm.recurrence()), got "
                    f"{type(rnn).__name__}")
  return rnn
