"""Which stretches of a sequence carry gradient: truncated BPTT that keeps no residuals for the rest.

A loss read at position ``p`` with gradient horizon ``k`` sends gradient to the inputs at
``p-k+1 .. p`` (the last ``k`` steps it saw) and to nothing earlier; ``k=None`` is full BPTT.

Why not one scan with a ``stop_gradient`` on the carry at ``p-k``? It gives the right gradient but
reverse mode still stores every step's residuals and walks back over all of them, so it takes
the memory of full BPTT and more time (``../shared/reference/MEASURED.md``). Here the sequence is
instead read twice:

1. a *no-tangent pass*: one scan over the whole sequence with parameters, inputs and initial carry
   under ``stop_gradient``, so autodiff sees no tangent in it and stores nothing; it only records
   the carry just before each window start (memory ``O(B * N * H)``, whatever ``T``);
2. one *window* of static length ``k + span - 1`` per read-out position, started from that recorded
   carry and differentiated normally.

Window lengths are static and their offsets are traced, so new positions (anchors) or new data
never recompile; windows that stick out of the sequence are padded with masked steps that keep
the carry. Each loss gets exactly its own horizon even when windows overlap, which one scan with
stop_gradients cannot express. The cost is ``N * (k + span - 1)`` recomputed steps, and the
differentiated memory is that of the windows alone: flat in ``T``.
"""
from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp

from rnn_aux import validation
from rnn_aux import recurrence as recurrence_lib

Embed = Callable[[Any, jax.Array], jax.Array]  # (embed_params, raw_BxLx...) -> BxLxD


def _identity_embed(_, x):
  return x


def check_horizon(horizon: int | None, name: str = "horizon") -> None:
  """Raise a one-line ValueError unless ``horizon`` is None (full BPTT) or a positive int."""
  if horizon is None:
    return
  validation.positive_int(horizon, name, " (steps), or None for full BPTT")


def _check_inputs(inputs, valid, positions, embed):
  if embed is None and inputs.ndim != 3:
    raise ValueError(f"inputs must be BxTxD (batch, time, features), got shape {inputs.shape}; "
                     "pass embed= to feed integer tokens")
  if inputs.ndim < 2:
    raise ValueError(f"inputs must be at least BxT, got shape {inputs.shape}")
  if positions.ndim != 2 or positions.shape[0] != inputs.shape[0]:
    raise ValueError(f"positions must be BxN with B={inputs.shape[0]}, got shape {positions.shape}")
  if valid is not None and valid.shape != inputs.shape[:2]:
    raise ValueError(f"valid must be BxT={inputs.shape[:2]}, got shape {valid.shape}")


def _gather_time(x_BxT, idx_BxNxL):
  """``x[b, idx[b, n, l]]`` for every b, n, l: ``BxT... -> BxNxL...``."""
  return jax.vmap(lambda xb, ib: xb[ib])(x_BxT, idx_BxNxL)


def _zero_unused(x_BxTx, used_BxT):
  """Zero inputs at steps that must not matter (masked steps keep the carry, but a NaN input there
  would still reach the gradient as 0 * NaN)."""
  return jnp.where(used_BxT.reshape(used_BxT.shape + (1,) * (x_BxTx.ndim - 2)), x_BxTx,
                   jnp.zeros((), x_BxTx.dtype))


def carries_before(params: Any, inputs_BxT: jax.Array, positions_BxN: jax.Array, *,
                   rnn: recurrence_lib.Recurrence | None = None,
                   valid_BxT: jax.Array | None = None, carry0: recurrence_lib.Carry | None = None,
                   embed: Embed | None = None, embed_params: Any = None,
                   chunk: int = 128) -> recurrence_lib.Carry:
  """The carry just before step ``positions[b, n]`` of each sequence, with no gradient.

  Positions ``<= 0`` give ``carry0``; positions ``>= T`` give the final carry. The pass runs in
  chunks of ``chunk`` steps (the input projection is hoisted per chunk) and stores nothing for
  autodiff. ``rnn`` is the recurrence (default: :func:`rnn_aux.lstm.recurrence`). Returns a carry
  whose leaves are ``BxNxH``.
  """
  rnn = recurrence_lib.or_lstm(rnn)
  chunk = validation.positive_int(chunk, "chunk")
  embed = embed or _identity_embed
  params, embed_params, carry0, inputs_BxT = jax.lax.stop_gradient(
      (params, embed_params, carry0, inputs_BxT))
  b, t = inputs_BxT.shape[:2]
  n = positions_BxN.shape[1]
  if carry0 is None:
    carry0 = rnn.zero_carry(params, b)
  n_chunks = -(-t // chunk)
  pad = n_chunks * chunk - t
  valid = jnp.ones((b, t), bool) if valid_BxT is None else valid_BxT
  raw = jnp.pad(inputs_BxT, [(0, 0), (0, pad)] + [(0, 0)] * (inputs_BxT.ndim - 2))
  valid = jnp.pad(valid, [(0, 0), (0, pad)])
  # Chunk-major: n_chunks x B x chunk x ...
  raw = jnp.swapaxes(raw.reshape((b, n_chunks, chunk) + raw.shape[2:]), 0, 1)
  valid = jnp.swapaxes(valid.reshape(b, n_chunks, chunk), 0, 1)
  starts = jnp.arange(n_chunks) * chunk
  positions = jnp.clip(positions_BxN, 0, t)
  buf0 = jax.tree.map(lambda x: jnp.broadcast_to(x[:, None], (b, n) + x.shape[1:]), carry0)
  rows = jnp.arange(b)[:, None]

  def body(state, xs):
    carry, buf = state
    raw_c, valid_c, t0 = xs
    x = embed(embed_params, raw_c)  # B x chunk x D
    carry, carries = rnn.scan(params, carry, jnp.swapaxes(x, 0, 1), valid_c.T,
                              return_carries=True)  # leaves chunk x B x H
    rel = positions - 1 - t0  # the carry before p is the carry after step p-1
    hit = ((rel >= 0) & (rel < chunk))[..., None]
    rel = jnp.clip(rel, 0, chunk - 1)
    buf = jax.tree.map(lambda old, all_: jnp.where(hit, all_[rel, rows], old), buf, carries)
    return (carry, buf), None

  (_, buf), _ = jax.lax.scan(body, (tuple(carry0), buf0), (raw, valid, starts))
  return buf


def states_at(params: Any, inputs_BxT: jax.Array, positions_BxN: jax.Array, *,
              horizon: int | None, rnn: recurrence_lib.Recurrence | None = None, span: int = 1,
              valid_BxT: jax.Array | None = None, carry0: recurrence_lib.Carry | None = None,
              embed: Embed | None = None, embed_params: Any = None,
              chunk: int = 128, aligned: bool = False,
              reset: bool = False) -> recurrence_lib.Carry:
  """Carries of the stack at ``positions[b, n] + j`` for ``j < span``, truncated at ``horizon``.

  Args:
    params: the recurrent stack's parameters.
    inputs_BxT: the sequence, ``BxTxD`` floats, or raw values (e.g. ``BxTxC`` integer tokens) that
      ``embed(embed_params, raw_BxLx...)`` turns into ``BxLxD``.
    positions_BxN: read-out positions (N per sequence), int. Positions outside ``[0, T)`` are not
      an error: steps outside the sequence keep the carry, and the caller masks such losses.
    horizon: gradient horizon ``k >= 1``: the state at ``p`` gets gradient from the inputs at
      ``p-k+1 .. p`` only; ``None`` is full BPTT.
    rnn: the recurrence (:class:`rnn_aux.recurrence.Recurrence`, its speed options bound);
      default the LSTM on ``lax.scan``.
    span: number of consecutive positions read from each position on (1 for a read-out at one
      point; the prediction loss reads ``l``). For ``j > 0`` the horizon counts from ``p``, so the
      state at ``p+j`` sees ``k+j`` steps.
    valid_BxT: bool mask of real (non-padding) steps; padding keeps the carry.
    carry0: initial carry, leaves ``BxH``; zeros by default.
    embed, embed_params: see ``inputs_BxT``.
    chunk: steps per chunk of the no-tangent pass.
    aligned: truncate at fixed boundaries counted from the sequence start instead (classic
      chunked truncated BPTT): the state at ``p`` gets gradient from the inputs at
      ``(p // k) * k .. p`` only, between 1 and ``k`` steps depending on where ``p`` falls.
    reset: each window starts from ``carry0`` instead of the carry that the inputs before it lead
      to, so the value at ``p``, not only its gradient, depends on the window's inputs alone
      (truncation that treats each window as a sequence of its own). Needs a ``horizon``.

  Returns:
    A carry (one state per layer, e.g. :class:`rnn_aux.lstm.LSTMState`) with leaves ``BxNxSxH``.
  """
  rnn = recurrence_lib.or_lstm(rnn)
  check_horizon(horizon)
  horizon = None if horizon is None else int(horizon)
  span = validation.positive_int(span, "span")
  chunk = validation.positive_int(chunk, "chunk")
  _check_inputs(inputs_BxT, valid_BxT, positions_BxN, embed)
  embed = embed or _identity_embed
  b, t = inputs_BxT.shape[:2]
  n = positions_BxN.shape[1]
  valid = jnp.ones((b, t), bool) if valid_BxT is None else valid_BxT.astype(bool)
  if carry0 is None:
    carry0 = rnn.zero_carry(params, b)

  if reset and horizon is None:
    raise ValueError("reset=True needs a horizon: the window that starts from carry0")
  if horizon is None:  # full BPTT: one differentiated scan, then gather.
    x = embed(embed_params, inputs_BxT)
    # Steps no read-out depends on: padding, and those after the last position read.
    last_read = jnp.max(positions_BxN, axis=1, keepdims=True) + span - 1  # Bx1
    x = _zero_unused(x, valid & (jnp.arange(t)[None] <= last_read))
    _, carries = rnn.scan(params, carry0, jnp.swapaxes(x, 0, 1), valid.T, return_carries=True)
    pos = positions_BxN[..., None] + jnp.arange(span)  # BxNxS
    idx = jnp.clip(pos, 0, t - 1)
    rows = jnp.arange(b)[:, None, None]
    before = (pos < 0)[..., None]  # before the sequence: the initial carry, as with a horizon
    return jax.tree.map(lambda leaf, c0: jnp.where(before, c0[:, None, None], leaf[idx, rows]),
                        carries, tuple(carry0))

  length = horizon + span - 1
  if aligned:  # the window starts at the boundary before p; p sits at offset p - start in it
    starts = jnp.maximum(positions_BxN, 0) // horizon * horizon
  else:
    starts = positions_BxN - horizon + 1
  if reset:
    start_carry = jax.tree.map(lambda c: jnp.broadcast_to(c[:, None], (b, n) + c.shape[1:]),
                               tuple(carry0))
  else:
    start_carry = carries_before(params, inputs_BxT, starts, rnn=rnn, valid_BxT=valid,
                                 carry0=carry0, embed=embed, embed_params=embed_params,
                                 chunk=chunk)  # leaves BxNxH
  idx = starts[..., None] + jnp.arange(length)  # BxNxL
  in_seq = (idx >= 0) & (idx < t)
  idx = jnp.clip(idx, 0, t - 1)
  raw = _gather_time(inputs_BxT, idx)  # BxNxLx...
  win_valid = in_seq & _gather_time(valid, idx)
  raw = raw.reshape((b * n, length) + raw.shape[3:])
  win_valid = win_valid.reshape(b * n, length)
  x = _zero_unused(embed(embed_params, raw), win_valid)
  x = jnp.swapaxes(x, 0, 1)  # L x BN x D
  carry = jax.tree.map(lambda leaf: leaf.reshape((b * n,) + leaf.shape[2:]), start_carry)
  _, carries = rnn.scan(params, carry, x, win_valid.T,
                        return_carries=True)  # leaves L x BN x H
  if not aligned:
    return jax.tree.map(
        lambda leaf: jnp.moveaxis(leaf[length - span:], 0, 1).reshape(
            (b, n, span) + leaf.shape[2:]), carries)
  # gather each read-out at its own offset; before the sequence (p < 0) the carry at the start
  offsets = (positions_BxN - starts).reshape(b * n)[:, None] + jnp.arange(span)  # BN x S
  rows = jnp.arange(b * n)[:, None]

  def read(leaf, start_leaf):
    got = leaf[jnp.clip(offsets, 0, length - 1), rows]  # BN x S x H
    return jnp.where((offsets < 0)[..., None], start_leaf[:, None], got).reshape(
        (b, n, span) + leaf.shape[2:])
  return jax.tree.map(read, carries, carry)
