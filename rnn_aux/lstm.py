"""LSTM layers and stacks as pure functions over parameter pytrees.

Parameters of one layer are a dict ``{"w_x": Dx4H, "w_h": Hx4H, "b": 4H}`` with the gates in the
order input, forget, cell candidate, output (i, f, g, o), the order of PyTorch and of flax's
``nn.OptimizedLSTMCell``. A stack is a tuple of layer dicts; its carry is a tuple of
:class:`LSTMState`, one per layer, bottom first.

Initialisation: ``w_x`` LeCun-normal, ``w_h`` orthogonal (flax's defaults for its LSTM cells),
``b`` zero except the forget gate, which starts at ``forget_bias`` (default 1.0, Jozefowicz et al.
2015) so that early in training the cell keeps its memory.

The input projection of the bottom layer (``x @ w_x + b``) has no recurrence, so :func:`scan`
computes it for all steps in one matrix product before the recurrence ("hoisting"), and the loop
is unrolled. ``scan(..., impl="fused")`` runs each layer's whole recurrence in one Pallas kernel per
direction (:mod:`rnn_aux.lstm_fused`; GPU, fp16/bf16 matrix inputs). ``impl="wavefront"`` runs a
stack of equal layers as a wavefront: at loop step ``s`` layer ``l`` computes time ``s - l`` from
what the layer below produced one step earlier, so the layers' products are independent and are
one batched matrix product per step (``T + L - 1`` steps of one product instead of ``T`` steps
of ``L`` dependent ones). Their speeds: ``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import functools
from typing import NamedTuple, Sequence

import jax
import jax.numpy as jnp

from rnn_aux import recurrence as recurrence_lib

Params = tuple  # tuple of per-layer dicts


class LSTMState(NamedTuple):
  """Carry of one LSTM layer: hidden ``h`` and cell ``c``, each ``...xH``."""
  h: jax.Array
  c: jax.Array


Carry = tuple  # tuple[LSTMState, ...], one per layer

IMPLS = ("scan", "fused", "wavefront", "wavefront_bf16")


def check_impl(impl: str) -> None:
  if impl not in IMPLS:
    raise ValueError(f"unknown LSTM recurrence impl {impl!r}; choose one of {', '.join(IMPLS)}")


def init_layer(key: jax.Array, input_dim: int, hidden: int, forget_bias: float = 1.0) -> dict:
  """Parameters of one LSTM layer reading ``input_dim`` features with ``hidden`` units."""
  if input_dim <= 0 or hidden <= 0:
    raise ValueError(f"LSTM sizes must be positive, got input_dim={input_dim}, hidden={hidden}")
  kx, kh = jax.random.split(key)
  w_x = jax.nn.initializers.lecun_normal()(kx, (input_dim, 4 * hidden), jnp.float32)
  # One orthogonal HxH block per gate, as flax does for its recurrent kernels.
  w_h = jnp.concatenate(
      [jax.nn.initializers.orthogonal()(k, (hidden, hidden), jnp.float32)
       for k in jax.random.split(kh, 4)], axis=1)
  b = jnp.zeros((4 * hidden,), jnp.float32).at[hidden:2 * hidden].set(forget_bias)
  return {"w_x": w_x, "w_h": w_h, "b": b}


def init(key: jax.Array, input_dim: int, hidden_sizes: Sequence[int],
         forget_bias: float = 1.0) -> Params:
  """A stack of LSTM layers; layer i reads layer i-1's hidden state."""
  if not hidden_sizes:
    raise ValueError("hidden_sizes must name at least one layer, e.g. (128,)")
  keys = jax.random.split(key, len(hidden_sizes))
  dims = (input_dim,) + tuple(hidden_sizes[:-1])
  return tuple(init_layer(k, d, h, forget_bias) for k, d, h in zip(keys, dims, hidden_sizes))


def hidden_sizes(params: Params) -> tuple[int, ...]:
  return tuple(layer["w_h"].shape[0] for layer in params)


def zero_carry(params: Params, batch_shape: Sequence[int] | int, dtype=jnp.float32) -> Carry:
  """All-zero carry for a batch of shape ``batch_shape``."""
  batch_shape = (batch_shape,) if isinstance(batch_shape, int) else tuple(batch_shape)
  return tuple(LSTMState(jnp.zeros(batch_shape + (h,), dtype), jnp.zeros(batch_shape + (h,), dtype))
               for h in hidden_sizes(params))


def _project(layer: dict, x: jax.Array) -> jax.Array:
  """One layer's input projection ``x @ w_x + b``: ``...xD -> ...x4H``."""
  return x @ layer["w_x"].astype(x.dtype) + layer["b"].astype(x.dtype)


def project_inputs(params: Params, inputs_xD: jax.Array) -> jax.Array:
  """Bottom layer's input projection ``x @ w_x + b`` for any leading shape: ``...xD -> ...x4H``."""
  return _project(params[0], inputs_xD)


def _cell(z: jax.Array, state: LSTMState) -> LSTMState:
  i, f, g, o = jnp.split(z, 4, axis=-1)
  c = jax.nn.sigmoid(f) * state.c + jax.nn.sigmoid(i) * jnp.tanh(g)
  h = jax.nn.sigmoid(o) * jnp.tanh(c)
  return LSTMState(h, c)


def step(params: Params, carry: Carry, projected_BxG: jax.Array,
         valid_B: jax.Array | None = None) -> tuple[Carry, jax.Array]:
  """One time step of the stack.

  Args:
    params: the stack.
    carry: per-layer states, each ``BxH``.
    projected_BxG: the bottom layer's projected input (:func:`project_inputs`), ``Bx4H_0``.
    valid_B: optional bool mask; where False the carry is kept unchanged (padding steps).

  Returns:
    ``(new_carry, h_top_BxH)``.
  """
  new = []
  z = projected_BxG
  for i, (layer, state) in enumerate(zip(params, carry)):
    if i > 0:
      z = _project(layer, new[-1].h)
    z = z + state.h @ layer["w_h"].astype(state.h.dtype)
    new.append(_cell(z, state))
  new = recurrence_lib.keep_padding(valid_B, tuple(new), carry)
  return new, new[-1].h


def scan(params: Params, carry: Carry, inputs_TxBxD: jax.Array,
         valid_TxB: jax.Array | None = None, *, unroll: int = 1, impl: str = "scan",
         return_carries: bool = False) -> tuple[Carry, jax.Array | Carry]:
  """Run the stack over a time-major sequence.

  This is the one recurrence of the library: the main network, the auxiliary decoders, the
  baselines and the truncated windows all call it.

  Args:
    params: the stack.
    carry: initial per-layer states, each ``BxH``.
    inputs_TxBxD: inputs, time major.
    valid_TxB: optional bool mask; padding steps keep the carry.
    unroll: ``lax.scan`` unroll factor.
    impl: ``"scan"``: ``lax.scan`` over :func:`step` (fp32, any backend). ``"fused"``: layer by
      layer, each layer's recurrence in the Pallas kernel of :mod:`rnn_aux.lstm_fused` (Triton on
      GPU, Pallas' interpreter elsewhere, which is slow: for tests) with fp16 (forward) and bf16
      (backward) matrix inputs and fp32 states; layers it cannot hold
      (:func:`rnn_aux.lstm_fused.fits`: more than 128 units) run on ``lax.scan`` as with
      ``"scan"``. The same function either way, up to the matrix inputs' rounding.
      ``"wavefront"``: a stack of two or more layers of one size as a wavefront (module docstring;
      fp32, any backend); other stacks, and ``return_carries``, as with ``"scan"``.
      ``"wavefront_bf16"``: the same with bf16 inputs to its per-step product (fp32 accumulation,
      states and cell arithmetic).
    return_carries: return every step's full carry (each leaf ``TxBxH``) instead of the top
      layer's hidden states.

  Returns:
    ``(final_carry, hs_TxBxH)``, or ``(final_carry, carries)`` with ``return_carries``.
  """
  if inputs_TxBxD.ndim != 3:
    raise ValueError(f"lstm.scan takes time-major inputs TxBxD, got shape {inputs_TxBxD.shape}")
  check_impl(impl)
  if impl == "fused":
    return _scan_fused(params, carry, inputs_TxBxD, valid_TxB, unroll, return_carries)
  if impl.startswith("wavefront") and len(set(hidden_sizes(params))) == 1 and len(params) > 1 and (
      not return_carries):
    return _scan_wavefront(params, carry, inputs_TxBxD, valid_TxB, unroll,
                           jnp.bfloat16 if impl == "wavefront_bf16" else jnp.float32)
  return recurrence_lib.scan_steps(step, params, carry, project_inputs(params, inputs_TxBxD),
                                   valid_TxB, unroll=unroll, return_carries=return_carries)


def _scan_fused(params, carry, inputs_TxBxD, valid_TxB, unroll, return_carries):
  """:func:`scan` layer by layer, each layer's recurrence in the fused kernel where it fits."""
  from rnn_aux import lstm_fused  # Pallas is imported only by those who ask for the kernel
  x, finals, seqs = inputs_TxBxD, [], []
  for layer, state in zip(params, carry):
    if lstm_fused.fits(layer["w_h"].shape[0]):
      hs, cs = lstm_fused.layer(layer["w_h"], _project(layer, x), state.h, state.c, valid_TxB)
      seq = LSTMState(hs.astype(state.h.dtype), cs.astype(state.c.dtype))
    else:
      (seq,) = scan((layer,), (state,), x, valid_TxB, unroll=unroll, return_carries=True)[1]
    seqs.append(seq)
    finals.append(LSTMState(seq.h[-1], seq.c[-1]))
    x = seq.h
  return tuple(finals), (tuple(seqs) if return_carries else x)


def _scan_wavefront(params, carry, inputs_TxBxD, valid_TxB, unroll, matmul_dtype):
  """:func:`scan` of ``L`` layers of ``H`` units as a wavefront of ``T + L - 1`` steps; the
  per-step product's inputs in ``matmul_dtype``, accumulated in fp32."""
  n_layers, steps = len(params), inputs_TxBxD.shape[0]
  x0 = project_inputs(params, inputs_TxBxD)  # the bottom layer's input, hoisted
  x0 = jnp.concatenate([x0, jnp.zeros((n_layers - 1,) + x0.shape[1:], x0.dtype)])
  # Layer l reads [h of layer l-1, its own h] @ [w_x; w_h]; the bottom layer's input half is zero
  # (its input is x0).
  w_h0 = params[0]["w_h"]
  w = jnp.stack([jnp.concatenate([jnp.zeros_like(w_h0), w_h0])] +
                [jnp.concatenate([p["w_x"], p["w_h"]]) for p in params[1:]])  # L x 2H x 4H
  w = w.astype(matmul_dtype)
  b = jnp.stack([jnp.zeros_like(params[0]["b"])] + [p["b"] for p in params[1:]])  # L x 4H
  time_SxL = jnp.arange(steps + n_layers - 1)[:, None] - jnp.arange(n_layers)[None, :]
  works_SxL = (time_SxL >= 0) & (time_SxL < steps)  # layer l works on time s - l, if it exists
  if valid_TxB is None:
    works = works_SxL[..., None, None]  # S x L x 1 x 1
  else:
    valid = valid_TxB[jnp.clip(time_SxL, 0, steps - 1)]  # S x L x B
    works = (works_SxL[..., None] & valid)[..., None]

  def body(state, xs):
    z0, work = xs
    below = jnp.concatenate([jnp.zeros_like(state.h[:1]), state.h[:-1]])  # L x B x H
    inputs = jnp.concatenate([below, state.h], -1).astype(matmul_dtype)
    z = jnp.einsum("lbk,lkg->lbg", inputs, w, preferred_element_type=jnp.float32) + b[:, None]
    new = _cell(z.at[0].add(z0), state)
    new = LSTMState(*(jnp.where(work, n, o) for n, o in zip(new, state)))
    return new, new.h[-1]

  stacked = LSTMState(jnp.stack([s.h for s in carry]), jnp.stack([s.c for s in carry]))
  final, tops = jax.lax.scan(body, stacked, (x0, works), unroll=unroll)
  # the top layer finishes time t at step t + L - 1
  return tuple(LSTMState(final.h[i], final.c[i]) for i in range(n_layers)), tops[n_layers - 1:]


def recurrence(impl: str = "scan", unroll: int = 1) -> recurrence_lib.Recurrence:
  """The LSTM stack as a :class:`rnn_aux.recurrence.Recurrence`, with ``impl`` and ``unroll`` of
  :func:`scan` bound."""
  check_impl(impl)
  recurrence_lib.check_unroll(unroll)
  return recurrence_lib.Recurrence(
      name=f"lstm/{impl}", state_type=LSTMState, init=init, zero_carry=zero_carry,
      scan=functools.partial(scan, unroll=unroll, impl=impl))


recurrence_lib.register_cell("lstm", lambda impl, unroll: recurrence(impl=impl, unroll=unroll))
