"""The fused Pallas LSTM kernel (run by Pallas' interpreter on CPU) against the lax.scan LSTM."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnn_aux import classifier, lstm, lstm_fused, truncation

T, B, D = 11, 20, 3  # B=20: not a multiple of the 16-row blocks, so padding is exercised
FP32 = dict(forward_dtype=jnp.float32, backward_dtype=jnp.float32, approx_math=False)
# On CPU the kernel runs in Pallas' interpreter and says so; test_interpreter_warns checks that.
pytestmark = pytest.mark.filterwarnings("ignore:the fused LSTM kernel runs in Pallas")


def _inputs(hidden):
  params = lstm.init(jax.random.PRNGKey(0), D, (hidden,))
  x = jax.random.normal(jax.random.PRNGKey(1), (T, B, D))
  valid = jax.random.uniform(jax.random.PRNGKey(2), (T, B)) > 0.25
  keys = jax.random.split(jax.random.PRNGKey(3), 2)
  carry = lstm.LSTMState(*(jax.random.normal(k, (B, hidden)) for k in keys))
  return params, x, valid, carry


def _sequences(impl, **kernel):
  def run(params, x, valid, carry):
    if impl == "scan":
      _, (seq,) = lstm.scan(params, (carry,), x, valid, return_carries=True)
      return seq.h, seq.c
    return lstm_fused.layer(params[0]["w_h"], lstm.project_inputs(params, x), carry.h, carry.c,
                            valid, **kernel)
  return run


def _loss(run):
  w = jax.random.normal(jax.random.PRNGKey(4), (T, B, 16))
  return lambda *a: sum(jnp.sum(jnp.sin(s) * w) for s in run(*a))  # cotangents on every h and c


def test_fp32_kernel_matches_scan_values_and_gradients():
  args = _inputs(16)
  for a, b in zip(_sequences("scan")(*args), _sequences("fused", **FP32)(*args)):
    np.testing.assert_allclose(a, b, atol=1e-5)
  g_ref = jax.grad(_loss(_sequences("scan")), argnums=(0, 1, 3))(*args)
  g_fused = jax.grad(_loss(_sequences("fused", **FP32)), argnums=(0, 1, 3))(*args)
  for a, b in zip(jax.tree.leaves(g_ref), jax.tree.leaves(g_fused)):
    np.testing.assert_allclose(a, b, atol=2e-5 * float(jnp.max(jnp.abs(a))))


def test_masked_steps_keep_the_carry():
  params, x, _, carry = _inputs(16)
  valid = jnp.ones((T, B), bool).at[4:].set(False)
  hs, cs = _sequences("fused", **FP32)(params, x, valid, carry)
  np.testing.assert_array_equal(hs[4:], jnp.broadcast_to(hs[3], hs[4:].shape))
  np.testing.assert_array_equal(cs[4:], jnp.broadcast_to(cs[3], cs[4:].shape))


def test_scan_impl_fused_on_a_stack_with_a_layer_too_big_for_the_kernel():
  """Default mixed precision: close to the fp32 scan; the 160-unit layer runs on lax.scan."""
  params = lstm.init(jax.random.PRNGKey(0), D, (32, 160))
  assert lstm_fused.fits(32) and not lstm_fused.fits(160) and not lstm_fused.fits(48)
  x = jax.random.normal(jax.random.PRNGKey(1), (T, B, D))
  carry = lstm.zero_carry(params, B)
  final_a, seq_a = lstm.scan(params, carry, x, return_carries=True)
  final_b, seq_b = lstm.scan(params, carry, x, impl="fused", return_carries=True)
  assert jax.tree.structure(seq_a) == jax.tree.structure(seq_b)
  for a, b in zip(jax.tree.leaves((final_a, seq_a)), jax.tree.leaves((final_b, seq_b))):
    np.testing.assert_allclose(a, b, atol=5e-3)
  _, hs = lstm.scan(params, carry, x, impl="fused")
  np.testing.assert_array_equal(hs, seq_b[-1].h)


def test_truncated_gradient_is_exactly_zero_past_the_horizon_with_the_kernel():
  params = lstm.init(jax.random.PRNGKey(0), D, (16,))
  x = jax.random.normal(jax.random.PRNGKey(1), (2, 30, D))
  positions = jnp.array([[29], [20]])
  k = 6

  def f(x):
    states = truncation.states_at(params, x, positions, horizon=k, chunk=8,
                                  rnn=lstm.recurrence(impl="fused"))
    return jnp.sum(states[-1].h)
  g = jax.grad(f)(x)
  for b, p in enumerate([29, 20]):
    assert jnp.all(g[b, :p - k + 1] == 0.0)
    assert jnp.all(jnp.any(g[b, p - k + 1:p + 1] != 0.0, axis=-1))
    assert jnp.all(g[b, p + 1:] == 0.0)


def test_bad_inputs_name_the_fix():
  with pytest.raises(ValueError, match="impl='scan'"):
    lstm_fused.layer(jnp.zeros((48, 192)), jnp.zeros((T, B, 192)), jnp.zeros((B, 48)),
                     jnp.zeros((B, 48)))
  with pytest.raises(ValueError, match="do not agree"):
    lstm_fused.layer(jnp.zeros((16, 64)), jnp.zeros((T, B, 64)), jnp.zeros((B + 1, 16)),
                     jnp.zeros((B, 16)))
  with pytest.raises(ValueError, match="choose one of scan, fused"):
    classifier.ModelSpec(num_classes=10, recurrence="cudnn")



def test_kernels_lower_to_triton_for_cuda_without_a_gpu():
  """Pallas -> Triton lowering of both kernels, checked on CPU by exporting for CUDA."""
  t, b, h = 8, 32, 16

  def loss(w, proj, h0):
    hs, cs = lstm_fused.layer(w, proj, h0, h0, interpret=False)
    return jnp.sum(hs[-1]) + jnp.sum(cs)
  triton = "__gpu$xla.gpu.triton"
  exported = jax.export.export(
      jax.jit(jax.value_and_grad(loss, argnums=(0, 1, 2))), platforms=["cuda"],
      disabled_checks=[jax.export.DisabledSafetyCheck.custom_call(triton)])(
          jnp.zeros((h, 4 * h)), jnp.zeros((t, b, 4 * h)), jnp.zeros((b, h)))
  module = exported.mlir_module()
  assert module.count(triton) == 2  # the forward kernel (with gates) and the backward kernel
  assert "tanh.approx.f32" in module  # the approximate tanh made it into the GPU kernel


@pytest.mark.filterwarnings("default")
def test_interpreter_warns_off_gpu():
  with pytest.warns(UserWarning, match="use recurrence='scan'"):
    lstm_fused.layer(jnp.zeros((16, 64)), jnp.zeros((2, 16, 64)), jnp.zeros((16, 16)),
                     jnp.zeros((16, 16)))
