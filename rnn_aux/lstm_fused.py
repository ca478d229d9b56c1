"""One LSTM layer's recurrence as a fused Pallas kernel (Triton on GPU), with its own backward.

A ``lax.scan`` LSTM launches a few small kernels per time step (the ``BxH @ Hx4H`` product, the
gates, and in the backward pass the weight-gradient product); at B=128, H=128 the launches, not the
arithmetic, set its speed (``benchmarks/RESULTS.md``). Here the whole loop over time runs inside one
kernel per direction: each program owns ``block_batch`` rows of the batch, keeps ``h`` and ``c`` in
registers, and streams the hoisted input projection in and the states out.

Backward: a second kernel walks the sequence in reverse and writes the gate pre-activation
gradients ``dz`` (``TxBx4H``); the weight gradient ``dW_h = sum_t h_{t-1}^T dz_t`` and the input
projection's gradient then come from single large matrix products outside the loop.

The recurrent weights are loaded once into shared memory; step ``t+1``'s inputs are fetched while
step ``t`` computes. Its speed against ``lax.scan`` and cuDNN: ``benchmarks/RESULTS.md``.

Numerics (defaults): the recurrent products take fp16 inputs in the forward pass (``h`` is in
[-1, 1]; 11-bit mantissa, like TF32) and bf16 inputs in the backward pass (gradients need bf16's
range: fp16 would flush small ones to zero), both with fp32 accumulation; the states, gates and
all gradients are fp32; tanh and sigmoid use the GPU's ``tanh.approx`` instruction. Gradients
agree with the fp32 scan to about 1e-4 (fp16 forward) and 5e-3 (bf16 backward) of their largest
entry. fp32 recurrent weights (256 KiB at H=128) do not fit in shared memory.

:func:`layer` is the entry point; :mod:`rnn_aux.lstm` calls it for ``scan(..., impl="fused")``.
On CPU it runs in Pallas' interpreter (correct, slow: for tests).
"""
from __future__ import annotations

import functools
import warnings
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.experimental import pallas as pl

MIN_BLOCK = 16  # smallest matrix dimension of the GPU matrix-multiply instruction Triton uses
MAX_HIDDEN = 128  # the four HxH fp16 recurrent blocks stay in shared memory (128 KiB at H=128)


def fits(hidden: int) -> bool:
  """Whether a layer of ``hidden`` units can run in the kernel."""
  return MIN_BLOCK <= hidden <= MAX_HIDDEN and not hidden & (hidden - 1)


def _compiler_params(num_warps: int, interpret: bool):
  if interpret:
    return None
  from jax.experimental.pallas import triton as pl_triton
  return pl_triton.CompilerParams(num_warps=num_warps, num_stages=1)


def _gates(z_ref, t, hidden):
  """Load step ``t``'s four gate blocks of a ``TxBx4H`` ref as a list of ``bxH`` arrays."""
  return [z_ref[t, :, pl.ds(g * hidden, hidden)] for g in range(4)]


def _tanh(x, approx):
  if approx:  # never set when interpreting: the instruction is GPU assembly
    from jax.experimental.pallas import triton as pl_triton
    return pl_triton.approx_tanh(x)  # one hardware instruction (tanh.approx.f32)
  return jnp.tanh(x)


def _sigmoid(x, approx):
  return 0.5 + 0.5 * _tanh(0.5 * x, approx) if approx else jax.nn.sigmoid(x)


def _weights(w_ref, hidden, dtype):
  """The four gates' ``HxH`` recurrent blocks, loaded once before the time loop."""
  return [w_ref[:, pl.ds(g * hidden, hidden)].astype(dtype) for g in range(4)]


def _forward_kernel(w_ref, proj_ref, valid_ref, h0_ref, c0_ref, hs_ref, cs_ref, *gate_refs,
                    dtype, approx):
  """Grid over batch blocks; loop over time inside. ``gate_refs``: optional activated gates out.

  Step ``t+1``'s inputs are loaded during step ``t`` (carried to the next iteration), so their
  memory latency is off the recurrence's critical path.
  """
  num_steps, _, hidden = hs_ref.shape
  w = _weights(w_ref, hidden, dtype)

  def inputs(t):
    return _gates(proj_ref, t, hidden), valid_ref[t, :][:, None]

  def body(t, carry):
    h, c, (z_in, v) = carry
    ahead = inputs(jnp.minimum(t + 1, num_steps - 1))
    hd = h.astype(dtype)
    zi, zf, zg, zo = (z + jnp.dot(hd, wg, preferred_element_type=jnp.float32)
                      for z, wg in zip(z_in, w))
    i, f, o = (_sigmoid(z, approx) for z in (zi, zf, zo))
    g = _tanh(zg, approx)
    c_cand = f * c + i * g
    c_new = v * c_cand + (1.0 - v) * c
    h_new = v * (o * _tanh(c_cand, approx)) + (1.0 - v) * h
    hs_ref[t, :, :] = h_new
    cs_ref[t, :, :] = c_new
    if gate_refs:
      (gates_ref,) = gate_refs
      for k, a in enumerate((i, f, g, o)):
        gates_ref[t, :, pl.ds(k * hidden, hidden)] = a
    return h_new, c_new, ahead

  jax.lax.fori_loop(0, num_steps, body, (h0_ref[...], c0_ref[...], inputs(0)))


def _backward_kernel(w_ref, gates_ref, cs_ref, valid_ref, c0_ref, dhs_ref, dcs_ref,
                     dz_ref, dh0_ref, dc0_ref, *, dtype, approx):
  """Reverse loop: per step, gate pre-activation gradients and the carry's gradient.

  As in the forward kernel, step ``t-1``'s inputs are loaded while step ``t`` computes.
  """
  num_steps, _, hidden = cs_ref.shape
  c0 = c0_ref[...]
  w = _weights(w_ref, hidden, dtype)

  def inputs(t):
    c_prev = jnp.where(t > 0, cs_ref[jnp.maximum(t - 1, 0), :, :], c0)
    return (_gates(gates_ref, t, hidden), c_prev, valid_ref[t, :][:, None], dhs_ref[t, :, :],
            dcs_ref[t, :, :])

  def body(k, carry):
    dh_next, dc_next, ((i, f, g, o), c_prev, v, dh_out, dc_out) = carry
    t = num_steps - 1 - k
    ahead = inputs(jnp.maximum(t - 1, 0))
    dh = dh_out + dh_next
    dc = dc_out + dc_next
    tc = _tanh(f * c_prev + i * g, approx)
    dh_new = v * dh
    dc_new = v * dc + dh_new * o * (1.0 - tc * tc)
    dzi = dc_new * g * i * (1.0 - i)
    dzf = dc_new * c_prev * f * (1.0 - f)
    dzg = dc_new * i * (1.0 - g * g)
    dzo = dh_new * tc * o * (1.0 - o)
    dh_prev = (1.0 - v) * dh
    for n, dz in enumerate((dzi, dzf, dzg, dzo)):
      dz_ref[t, :, pl.ds(n * hidden, hidden)] = dz
      dh_prev += jax.lax.dot_general(dz.astype(dtype), w[n], (((1,), (1,)), ((), ())),
                                     preferred_element_type=jnp.float32)
    dc_prev = (1.0 - v) * dc + dc_new * f
    return dh_prev, dc_prev, ahead

  zeros = jnp.zeros(c0.shape, jnp.float32)
  dh0, dc0, _ = jax.lax.fori_loop(0, num_steps, body, (zeros, zeros, inputs(num_steps - 1)))
  dh0_ref[...] = dh0
  dc0_ref[...] = dc0


def _call(kernel, args, outs, *, block_batch, num_warps, interpret):
  """``pallas_call`` with one program per ``block_batch`` rows of the batch.

  ``args``: ``(array, batch_axis)`` pairs (``batch_axis`` None: every program sees all of it);
  ``outs``: ``(shape, batch_axis)`` pairs of fp32 outputs. Time stays whole in every block.
  """
  def spec(shape, axis):
    block = tuple(block_batch if a == axis else n for a, n in enumerate(shape))
    return pl.BlockSpec(block, lambda i: tuple(i if a == axis else 0 for a in range(len(shape))))
  batch = next(x.shape[a] for x, a in args if a is not None)
  return pl.pallas_call(
      kernel, grid=(batch // block_batch,),
      out_shape=[jax.ShapeDtypeStruct(shape, jnp.float32) for shape, _ in outs],
      in_specs=[spec(x.shape, a) for x, a in args], out_specs=[spec(*o) for o in outs],
      compiler_params=_compiler_params(num_warps, interpret), interpret=interpret,
  )(*[x for x, _ in args])


def _forward(w_h, proj, valid, h0, c0, cfg, *, with_gates):
  num_steps, batch, gates = proj.shape
  seq = ((num_steps, batch, gates // 4), 1)
  outs = [seq, seq] + ([(proj.shape, 1)] if with_gates else [])
  return _call(functools.partial(_forward_kernel, dtype=cfg.forward_dtype, approx=cfg.approx),
               [(w_h, None), (proj, 1), (valid, 1), (h0, 0), (c0, 0)], outs,
               block_batch=cfg.block_batch, num_warps=cfg.num_warps, interpret=cfg.interpret)


def _backward(w_h, gates_act, cs, valid, c0, dhs, dcs, cfg):
  return _call(functools.partial(_backward_kernel, dtype=cfg.backward_dtype, approx=cfg.approx),
               [(w_h, None), (gates_act, 1), (cs, 1), (valid, 1), (c0, 0), (dhs, 1), (dcs, 1)],
               [(gates_act.shape, 1), (c0.shape, 0), (c0.shape, 0)],
               block_batch=cfg.block_batch, num_warps=cfg.num_warps, interpret=cfg.interpret)


class _Config(NamedTuple):
  """Static kernel settings (hashable: a non-differentiable argument of the custom VJP)."""
  block_batch: int
  num_warps: int
  forward_dtype: Any
  backward_dtype: Any
  approx: bool
  interpret: bool


@functools.partial(jax.custom_vjp, nondiff_argnums=(5,))
def _layer(w_h, proj, valid, h0, c0, cfg):
  hs, cs = _forward(w_h, proj, valid, h0, c0, cfg, with_gates=False)
  return hs, cs


def _layer_fwd(w_h, proj, valid, h0, c0, cfg):
  hs, cs, gates_act = _forward(w_h, proj, valid, h0, c0, cfg, with_gates=True)
  return (hs, cs), (w_h, gates_act, hs, cs, valid, h0, c0)


def _layer_bwd(cfg, residuals, cotangents):
  w_h, gates_act, hs, cs, valid, h0, c0 = residuals
  dhs, dcs = cotangents
  dz, dh0, dc0 = _backward(w_h, gates_act, cs, valid, c0, dhs, dcs, cfg)
  h_prev = jnp.concatenate([h0[None], hs[:-1]], axis=0)
  dw_h = jnp.einsum("tbh,tbg->hg", h_prev, dz)
  return dw_h, dz, jnp.zeros_like(valid), dh0, dc0


_layer.defvjp(_layer_fwd, _layer_bwd)


def layer(w_h_Hx4H: jax.Array, projected_TxBx4H: jax.Array, h0_BxH: jax.Array, c0_BxH: jax.Array,
          valid_TxB: jax.Array | None = None, *, block_batch: int = MIN_BLOCK,
          num_warps: int = 8, forward_dtype=jnp.float16, backward_dtype=jnp.bfloat16,
          approx_math: bool = True, interpret: bool | None = None
          ) -> tuple[jax.Array, jax.Array]:
  """Every step's ``(h, c)`` of one LSTM layer, ``TxBxH`` each, gates ordered i, f, g, o.

  ``projected_TxBx4H`` is the layer's input already multiplied by ``w_x`` plus bias (as
  :func:`rnn_aux.lstm.project_inputs` computes it); where ``valid_TxB`` is False the carry is kept.
  Differentiable in the weights, the projected inputs and the initial carry. The batch is padded
  to a multiple of ``block_batch`` (rows per program). ``interpret``: run Pallas' interpreter
  (None: on any backend but GPU, where only CPU is accepted); ``approx_math`` is ignored there.
  """
  num_steps, batch, gates = projected_TxBx4H.shape
  hidden = gates // 4
  if num_steps == 0:
    raise ValueError("the fused LSTM kernel needs at least one time step")
  if interpret is None and jax.default_backend() not in ("gpu", "cpu"):
    raise ValueError(f"the fused LSTM kernel is written for GPUs (Triton; on CPU Pallas' "
                     f"interpreter runs it for tests), not {jax.default_backend()}: use "
                     "recurrence='scan' (lstm.scan(..., impl='scan'))")
  if (w_h_Hx4H.shape != (hidden, gates) or h0_BxH.shape != (batch, hidden)
      or c0_BxH.shape != (batch, hidden)):
    raise ValueError(f"fused LSTM layer: w_h {w_h_Hx4H.shape}, projected {projected_TxBx4H.shape}, "
                     f"h0 {h0_BxH.shape}, c0 {c0_BxH.shape} do not agree (want Hx4H, TxBx4H, BxH)")
  if not fits(hidden):
    raise ValueError(f"the fused LSTM kernel takes power-of-two hidden sizes {MIN_BLOCK}.."
                     f"{MAX_HIDDEN}, got {hidden}; use lstm.scan(..., impl='scan')")
  valid = (jnp.ones((num_steps, batch), jnp.float32) if valid_TxB is None
           else valid_TxB.astype(jnp.float32))
  pad = -batch % block_batch
  proj = jnp.pad(projected_TxBx4H.astype(jnp.float32), ((0, 0), (0, pad), (0, 0)))
  valid = jnp.pad(valid, ((0, 0), (0, pad)))  # padded rows: invalid, their carry stays zero
  h0, c0 = (jnp.pad(x.astype(jnp.float32), ((0, pad), (0, 0))) for x in (h0_BxH, c0_BxH))
  args = [proj, valid, h0, c0]
  if interpret is None:
    interpret = jax.default_backend() != "gpu"
    if interpret:
      warnings.warn("the fused LSTM kernel runs in Pallas' interpreter here (no GPU): correct but "
                    "slow; use recurrence='scan' (lstm.scan(..., impl='scan')) off GPUs",
                    stacklevel=2)
  cfg = _Config(block_batch, num_warps, jnp.dtype(forward_dtype), jnp.dtype(backward_dtype),
                bool(approx_math) and not interpret, bool(interpret))
  hs, cs = _layer(w_h_Hx4H.astype(jnp.float32), *args, cfg)
  return hs[:, :batch], cs[:, :batch]
