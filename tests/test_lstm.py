import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np

from rnn_aux import lstm


def test_step_matches_flax_optimized_lstm_cell():
  d, h, b = 3, 5, 4
  key = jax.random.PRNGKey(0)
  params = lstm.init(key, d, (h,))
  layer = params[0]
  wx = jnp.split(layer["w_x"], 4, axis=1)
  wh = jnp.split(layer["w_h"], 4, axis=1)
  bias = jnp.split(layer["b"], 4)
  flax_params = {"params": {}}
  for gate, x_w, h_w, bb in zip("ifgo", wx, wh, bias):
    flax_params["params"]["i" + gate] = {"kernel": x_w}
    flax_params["params"]["h" + gate] = {"kernel": h_w, "bias": bb}
  cell = nn.OptimizedLSTMCell(h)
  x = jax.random.normal(jax.random.PRNGKey(1), (b, d))
  h0 = jax.random.normal(jax.random.PRNGKey(2), (b, h))
  c0 = jax.random.normal(jax.random.PRNGKey(3), (b, h))
  (flax_c, flax_h), _ = cell.apply(flax_params, (c0, h0), x)
  (state,), out = lstm.step(params, (lstm.LSTMState(h0, c0),), lstm.project_inputs(params, x))
  np.testing.assert_allclose(state.h, flax_h, atol=1e-6)
  np.testing.assert_allclose(state.c, flax_c, atol=1e-6)
  np.testing.assert_allclose(out, flax_h, atol=1e-6)


def test_forget_bias_and_shapes():
  params = lstm.init(jax.random.PRNGKey(0), 2, (4, 6), forget_bias=1.0)
  assert lstm.hidden_sizes(params) == (4, 6)
  np.testing.assert_array_equal(params[0]["b"][4:8], 1.0)
  np.testing.assert_array_equal(params[0]["b"][:4], 0.0)
  assert params[1]["w_x"].shape == (4, 24)


def test_scan_matches_python_loop_and_padding_keeps_carry():
  t, b, d = 7, 2, 3
  params = lstm.init(jax.random.PRNGKey(0), d, (4, 5))
  x = jax.random.normal(jax.random.PRNGKey(1), (t, b, d))
  valid = jnp.array([[True] * t, [True] * 4 + [False] * 3]).T
  carry = lstm.zero_carry(params, b)
  final, hs = lstm.scan(params, carry, x, valid, unroll=3)
  ref = lstm.zero_carry(params, b)
  for i in range(t):
    ref, h = lstm.step(params, ref, lstm.project_inputs(params, x[i]), valid[i])
    np.testing.assert_allclose(hs[i], h, atol=1e-6)
  jax.tree.map(lambda a, r: np.testing.assert_allclose(a, r, atol=1e-6), final, ref)
  # The padded sequence's final state is its state after its 4th step.
  np.testing.assert_allclose(final[-1].h[1], hs[3, 1], atol=1e-6)


def test_scan_rejects_wrong_rank():
  params = lstm.init(jax.random.PRNGKey(0), 3, (4,))
  try:
    lstm.scan(params, lstm.zero_carry(params, 2), jnp.zeros((2, 3)))
  except ValueError as e:
    assert "TxBxD" in str(e)
  else:
    raise AssertionError("expected ValueError")


def _leaves_close(a, b, atol):
  for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b), strict=True):
    np.testing.assert_allclose(x, y, atol=atol)


def test_wavefront_equals_the_step_by_step_stack():
  # Values and gradients of the outputs and the final carry, from a random carry, with padding.
  t, b, d, sizes = 11, 4, 5, (8, 8, 8)
  params = lstm.init(jax.random.PRNGKey(0), d, sizes)
  x = jax.random.normal(jax.random.PRNGKey(1), (t, b, d))
  keys = jax.random.split(jax.random.PRNGKey(2), 2 * len(sizes))
  carry = tuple(lstm.LSTMState(jax.random.normal(keys[2 * i], (b, h)),
                               jax.random.normal(keys[2 * i + 1], (b, h)))
                for i, h in enumerate(sizes))
  valid = jax.random.bernoulli(jax.random.PRNGKey(3), 0.7, (t, b))
  for v in (None, valid):
    def run(impl, p, c, xs):
      return lstm.scan(p, c, xs, v, impl=impl, unroll=3)
    _leaves_close(run("wavefront", params, carry, x), run("scan", params, carry, x), 1e-6)

    def grads(impl):
      loss = lambda p, c, xs: sum(jnp.sum(jnp.sin(y)) for y in jax.tree.leaves(run(impl, p, c, xs)))
      return jax.grad(loss, argnums=(0, 1, 2))(params, carry, x)
    _leaves_close(grads("wavefront"), grads("scan"), 3e-5)


def test_wavefront_bf16_stays_close_to_fp32():
  params = lstm.init(jax.random.PRNGKey(0), 5, (32, 32))
  x = jax.random.normal(jax.random.PRNGKey(1), (40, 4, 5))
  carry = lstm.zero_carry(params, 4)
  run = lambda impl, p: lstm.scan(p, carry, x, impl=impl)[1]
  np.testing.assert_allclose(run("wavefront_bf16", params), run("scan", params), atol=1e-2)
  grads = [jax.grad(lambda p: jnp.sum(jnp.sin(run(impl, p))))(params)
           for impl in ("scan", "wavefront_bf16")]
  for a, b in zip(jax.tree.leaves(grads[0]), jax.tree.leaves(grads[1])):
    assert float(jnp.linalg.norm(a - b) / jnp.linalg.norm(a)) < 3e-2
