"""Truncated BPTT: exact zeros past the horizon, agreement with a reference loop, flat memory."""
import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnn_aux import classifier, gru, lstm, prediction, reconstruction, recurrence, truncation

B, T, D, H = 3, 24, 2, 6
POS = jnp.array([[23, 9], [12, 0], [5, 17]])  # per-example, several per sequence


CELLS = {"lstm": lstm, "gru": gru}


def _setup(cell="lstm"):
  params = CELLS[cell].init(jax.random.PRNGKey(0), D, (H, 4))
  x = jax.random.normal(jax.random.PRNGKey(1), (B, T, D))
  return params, x


def _reference_states(cell, params, x, positions, k, cut=lambda p, k: p - k + 1):
  """A Python loop over the cell, one pass per read-out, with stop_gradient at ``cut(p, k)``
  (default p-k+1: the last k steps)."""
  mod = CELLS[cell]
  out = []
  for b in range(x.shape[0]):
    row = []
    for p in [int(v) for v in positions[b]]:
      carry = mod.zero_carry(params, 1)
      for t in range(p + 1):
        if k is not None and t == cut(p, k):
          carry = jax.lax.stop_gradient(carry)
        carry, _ = mod.step(params, carry, mod.project_inputs(params, x[b:b + 1, t]))
      row.append(recurrence.flatten(carry)[0])
    out.append(jnp.stack(row))
  return jnp.stack(out)


def _ours(cell, params, x, positions, k):
  states = truncation.states_at(params, x, positions, horizon=k, chunk=5,
                                rnn=recurrence.build(cell, unroll=2))
  return recurrence.flatten(jax.tree.map(lambda s: s[:, :, 0], states))


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("k", [1, 7, T - 1, None])
def test_matches_reference_loop(k, cell):
  params, x = _setup(cell)
  size = recurrence.state_size(recurrence.build(cell), (H, 4))
  w = jax.random.normal(jax.random.PRNGKey(2), (B, POS.shape[1], size))
  ref = lambda p, x: jnp.sum(w * _reference_states(cell, p, x, POS, k))
  ours = lambda p, x: jnp.sum(w * _ours(cell, p, x, POS, k))
  np.testing.assert_allclose(ours(params, x), ref(params, x), atol=1e-5)
  g_ref = jax.grad(ref, argnums=(0, 1))(params, x)
  g_ours = jax.jit(jax.grad(ours, argnums=(0, 1)))(params, x)
  jax.tree.map(lambda a, r: np.testing.assert_allclose(a, r, atol=1e-5), g_ours, g_ref)


def _input_grad_support(loss_fn, x):
  g = jax.grad(loss_fn)(x)
  return np.asarray(jnp.any(g != 0.0, axis=-1))  # BxT: which inputs get gradient


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_supervised_gradient_zero_before_horizon(cell):
  params, x = _setup(cell)
  k = 5
  last = jnp.full((B, 1), T - 1)
  rnn = recurrence.build(cell)
  support = _input_grad_support(
      lambda x: jnp.sum(truncation.states_at(params, x, last, horizon=k, rnn=rnn)[-1].h), x)
  assert not support[:, :T - k].any(), "inputs before the horizon must get exactly 0.0"
  assert support[:, T - k:].all(), "inputs inside the horizon must get gradient"


def test_reconstruction_gradient_zero_before_horizon():
  params, x = _setup()
  k, length = 4, 6
  tokens = jax.random.randint(jax.random.PRNGKey(3), (B, T, 1), 0, 10)
  anchors = jnp.array([[15], [20], [9]])
  dec = reconstruction.init_reconstruction(jax.random.PRNGKey(4), state_size=2 * (H + 4), vocab_size=10,
                                      channels=1, embed_dim=3, hidden_sizes=(5,), head_sizes=())

  def loss(x):
    st = truncation.states_at(params, x, anchors, horizon=k)
    state = recurrence.flatten(jax.tree.map(lambda s: s[:, :, 0], st))
    return reconstruction.reconstruction_loss(dec, state, tokens, anchors, length=length)[0]

  support = _input_grad_support(loss, x)
  for b in range(B):
    a = int(anchors[b, 0])
    assert not support[b, :a - k + 1].any() and not support[b, a + 1:].any()
    assert support[b, a - k + 1:a + 1].all()


def test_prediction_gradient_zero_before_horizon():
  params, x = _setup()
  k, length = 3, 5
  tokens = jax.random.randint(jax.random.PRNGKey(3), (B, T, 1), 0, 10)
  anchors = jnp.array([[6], [10], [12]])
  pred = prediction.init_prediction(jax.random.PRNGKey(4), input_size=4, vocab_size=10, channels=1,
                                   hidden_sizes=(5,), head_sizes=())

  def loss(x):
    st = truncation.states_at(params, x, anchors, horizon=k, span=length)
    return prediction.prediction_loss(pred, st[-1].h, tokens, anchors)[0]

  support = _input_grad_support(loss, x)
  for b in range(B):
    a = int(anchors[b, 0])
    assert not support[b, :a - k + 1].any() and not support[b, a + length:].any()
    assert support[b, a - k + 1:a + length].all()


def _temp_bytes(cell, k, t, b=16, h=64):
  rnn = recurrence.build(cell)
  params = rnn.init(jax.random.PRNGKey(0), 1, (h,))
  x = jnp.zeros((b, t, 1))
  pos = jnp.full((b, 1), t - 1)
  f = jax.jit(jax.grad(lambda p, x: jnp.sum(
      truncation.states_at(p, x, pos, horizon=k, rnn=rnn)[-1].h)))
  return f.lower(params, x).compile().memory_analysis().temp_size_in_bytes


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_truncated_memory_is_flat_in_sequence_length(cell):
  short, long = _temp_bytes(cell, 300, 1024), _temp_bytes(cell, 300, 8192)
  full_short, full_long = _temp_bytes(cell, None, 1024), _temp_bytes(cell, None, 8192)
  assert long < 1.10 * short, (short, long)
  assert full_long > 6.0 * full_short, (full_short, full_long)


def _backend_compiles():
  """A list that grows by one entry per XLA compilation from now on."""
  events = []
  jax.monitoring.register_event_duration_secs_listener(
      lambda event, _, **kw: events.append(event) if event.endswith("backend_compile_duration")
      else None)
  return events


def test_no_recompilation_for_new_data_anchors_and_lengths():
  """The classifier's jitted objective, called with an equal but newly built spec (static), new
  tokens, new anchor keys (so new anchors) and new sequence lengths, compiles exactly once. It
  would compile again if anchors, lengths or the spec's recurrence set a static shape or a new
  cache key (e.g. a spec that does not compare equal to an equal one)."""
  def spec():
    return classifier.ModelSpec(num_classes=3, vocab_size=11, embed_dim=4, hidden_sizes=(5,),
                                head_sizes=(), horizon=6, aux="reconstruction", aux_length=4,
                                aux_horizon=6, decoder_sizes=(5,), decoder_head_sizes=(), chunk=4)
  params = classifier.init(jax.random.PRNGKey(0), spec())
  grad = jax.jit(jax.grad(lambda p, s, t, l, k, v: classifier.objective(p, s, t, l, k,
                                                                        valid_BxT=v)[0]),
                 static_argnums=1)
  calls = []
  for i, n in enumerate([20, 13, 8]):
    tokens = jax.random.randint(jax.random.PRNGKey(i), (2, 20, 1), 0, 11)
    calls.append((tokens, jnp.array([0, 2]), jax.random.PRNGKey(10 + i),
                  jnp.arange(20)[None] < jnp.array([[20], [n]])))
  jax.block_until_ready(grad(params, spec(), *calls[0]))
  compiles = _backend_compiles()
  for args in calls[1:]:
    jax.block_until_ready(grad(params, spec(), *args))
  assert compiles == []
  jax.block_until_ready(grad(params, dataclasses.replace(spec(), aux_length=3), *calls[0]))
  assert len(compiles) == 1  # a real change of a static size does compile: the counter works


def test_out_of_range_positions_are_safe():
  params, x = _setup()
  pos = jnp.array([[-3, T + 5]] * B)
  st = truncation.states_at(params, x, pos, horizon=4)
  h = st[-1].h[:, :, 0]
  assert np.isfinite(np.asarray(h)).all()
  np.testing.assert_allclose(h[:, 0], 0.0)  # before the start: the initial carry
  full = truncation.states_at(params, x, jnp.full((B, 1), T - 1), horizon=None)
  np.testing.assert_allclose(h[:, 1], full[-1].h[:, 0, 0], atol=1e-5)  # past the end: final


@pytest.mark.parametrize("k", [0, -2, 1.5, True])
def test_bad_horizon(k):
  params, x = _setup()
  with pytest.raises(ValueError, match="horizon"):
    truncation.states_at(params, x, POS, horizon=k)


def test_bad_input_rank():
  params, _ = _setup()
  with pytest.raises(ValueError, match="BxTxD"):
    truncation.states_at(params, jnp.zeros((B, T)), POS, horizon=3)
  with pytest.raises(ValueError, match="positions"):
    truncation.states_at(params, jnp.zeros((B, T, D)), jnp.zeros((B,), jnp.int32), horizon=3)


@pytest.mark.parametrize("k", [None, 6])
def test_nan_in_padding_or_after_the_read_out_gives_finite_gradients(k):
  params, x = _setup()
  valid = jnp.arange(T)[None] < jnp.array([[T], [15], [10]])
  x = x.at[1, 15:].set(jnp.nan).at[0, 20:].set(jnp.nan)  # padding of row 1; after row 0's read
  positions = jnp.array([[19], [14], [9]])
  g = jax.grad(lambda p: jnp.sum(truncation.states_at(p, x, positions, horizon=k,
                                                      valid_BxT=valid)[-1].h))(params)
  assert all(np.isfinite(np.asarray(leaf)).all() for leaf in jax.tree.leaves(g))


def test_positions_before_the_sequence_mean_the_initial_carry_with_or_without_horizon():
  params, x = _setup()
  carry0 = tuple(type(s)(*(jnp.full_like(f, 0.5) for f in s)) for s in lstm.zero_carry(params, B))
  for k in (None, 4):
    st = truncation.states_at(params, x, jnp.full((B, 1), -2), horizon=k, carry0=carry0)
    np.testing.assert_allclose(st[-1].h[:, 0, 0], 0.5)


def test_numpy_integers_are_accepted_and_bad_counts_named():
  params, x = _setup()
  a = truncation.states_at(params, x, POS, horizon=np.int64(4), span=np.int32(2))
  b = truncation.states_at(params, x, POS, horizon=4, span=2)
  np.testing.assert_allclose(a[-1].h, b[-1].h)
  for kwargs, name in [(dict(chunk=0), "chunk"), (dict(span=1.5), "span"),
                       (dict(rnn="lstm"), "Recurrence")]:
    with pytest.raises((ValueError, TypeError), match=name):
      truncation.states_at(params, x, POS, horizon=4, **kwargs)
  with pytest.raises(ValueError, match="unroll must be a positive int"):
    lstm.recurrence(unroll=0)


@pytest.mark.parametrize("k", [1, 7, 10])
def test_aligned_truncation_matches_its_reference_and_cuts_at_boundaries(k):
  params, x = _setup()
  w = jax.random.normal(jax.random.PRNGKey(2), (B, POS.shape[1], 2 * (H + 4)))
  ours = lambda p, x: jnp.sum(w * recurrence.flatten(jax.tree.map(
      lambda s: s[:, :, 0], truncation.states_at(p, x, POS, horizon=k, chunk=5, aligned=True))))
  ref = lambda p, x: jnp.sum(w * _reference_states("lstm", p, x, POS, k,
                                                   cut=lambda p, k: p // k * k))
  np.testing.assert_allclose(ours(params, x), ref(params, x), atol=1e-5)
  jax.tree.map(lambda a, r: np.testing.assert_allclose(a, r, atol=1e-5),
               jax.grad(ours, argnums=(0, 1))(params, x), jax.grad(ref, argnums=(0, 1))(params, x))
  # the last position of 24 steps with k=10 reads 4 steps of gradient (20..23), not 10
  if k == 10:
    last = jnp.full((B, 1), T - 1)
    support = _input_grad_support(lambda x: jnp.sum(
        truncation.states_at(params, x, last, horizon=k, aligned=True)[-1].h), x)
    assert not support[:, :20].any() and support[:, 20:].all()


def test_aligned_truncation_values_equal_full_bptt_for_spans_and_any_position():
  params, x = _setup()
  pos = jnp.array([[-3, 5], [12, T + 5], [23, 0]])
  for span in (1, 3):
    ours = truncation.states_at(params, x, pos, horizon=7, span=span, aligned=True, chunk=5)
    full = truncation.states_at(params, x, pos, horizon=None, span=span)
    jax.tree.map(lambda a, f: np.testing.assert_allclose(a, f, atol=1e-5), ours, full)


@pytest.mark.parametrize("aligned", [False, True])
def test_reset_windows_start_from_the_initial_state_and_see_only_their_inputs(aligned):
  params, x = _setup()
  k = 7
  pos = jnp.array([[23, 3], [12, 0], [5, 17]])
  got = truncation.states_at(params, x, pos, horizon=k, aligned=aligned, reset=True, chunk=5)
  for b in range(B):
    for n in range(pos.shape[1]):
      p = int(pos[b, n])
      start = max(p // k * k if aligned else p - k + 1, 0)
      _, hs = lstm.scan(params, lstm.zero_carry(params, 1), jnp.swapaxes(x[b:b + 1, start:p + 1], 0, 1))
      np.testing.assert_allclose(got[-1].h[b, n, 0], hs[-1, 0], atol=1e-5)
  # the inputs before a window change nothing, value or gradient
  last = jnp.full((B, 1), T - 1)
  start = (T - 1) // k * k if aligned else T - k
  f = lambda x: truncation.states_at(params, x, last, horizon=k, aligned=aligned, reset=True)[-1].h
  changed = x.at[:, :start].set(5.0)
  np.testing.assert_array_equal(f(x), f(changed))
  support = _input_grad_support(lambda x: jnp.sum(f(x)), x)
  assert not support[:, :start].any() and support[:, start:].all()
  with pytest.raises(ValueError, match="reset=True needs a horizon"):
    truncation.states_at(params, x, POS, horizon=None, reset=True)
