"""The GRU recurrence against a hand-written numpy reference (PyTorch's formulation)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnn_aux import classifier, gru, recurrence


def _sigmoid(x):
  return 1.0 / (1.0 + np.exp(-x))


def _numpy_gru_layer(layer, x_TxBxD, h_BxH, valid_TxB):
  w_x, w_h, b, b_hn = (np.asarray(layer[k], np.float64) for k in ("w_x", "w_h", "b", "b_hn"))
  hidden = w_h.shape[0]
  outs = []
  for x, v in zip(np.asarray(x_TxBxD, np.float64), np.asarray(valid_TxB)):
    gx, gh = x @ w_x + b, h_BxH @ w_h
    r = _sigmoid(gx[:, :hidden] + gh[:, :hidden])
    z = _sigmoid(gx[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
    n = np.tanh(gx[:, 2 * hidden:] + r * (gh[:, 2 * hidden:] + b_hn))
    h_BxH = np.where(v[:, None], (1 - z) * n + z * h_BxH, h_BxH)
    outs.append(h_BxH)
  return np.stack(outs)


def test_two_layer_scan_matches_numpy_reference_with_padding():
  t, b, d = 9, 3, 4
  params = gru.init(jax.random.PRNGKey(0), d, (5, 6))
  params = jax.tree.map(lambda p: p + 0.1 * jax.random.normal(jax.random.PRNGKey(3), p.shape),
                        params)  # nonzero biases
  x = jax.random.normal(jax.random.PRNGKey(1), (t, b, d))
  valid = np.arange(t)[:, None] < np.array([[9, 6, 2]])
  h0 = tuple(gru.GRUState(0.3 * jax.random.normal(jax.random.PRNGKey(i), (b, p["w_h"].shape[0])))
             for i, p in enumerate(params))
  final, hs = gru.scan(params, h0, x, jnp.asarray(valid), unroll=4)
  ref1 = _numpy_gru_layer(params[0], x, np.asarray(h0[0].h, np.float64), valid)
  ref2 = _numpy_gru_layer(params[1], ref1, np.asarray(h0[1].h, np.float64), valid)
  np.testing.assert_allclose(hs, ref2, atol=1e-5)
  np.testing.assert_allclose(final[0].h, ref1[-1], atol=1e-5)


def test_gru_is_a_registered_recurrence_and_refuses_the_lstm_kernel():
  rnn = recurrence.build("gru", unroll=2)
  assert rnn.state_type is gru.GRUState and recurrence.state_size(rnn, (4, 6)) == 10
  with pytest.raises(ValueError, match="no 'fused' implementation"):
    classifier.ModelSpec(num_classes=10, cell="gru", recurrence="fused")
  with pytest.raises(ValueError, match="unknown recurrence cell 'rnn'; choose one of: .*gru, lstm"):
    classifier.ModelSpec(num_classes=10, cell="rnn")


@pytest.mark.parametrize("aux", ["reconstruction", "prediction"])
def test_gru_classifier_with_auxiliary_decoders_has_gru_everywhere(aux):
  spec = classifier.ModelSpec(num_classes=3, vocab_size=11, embed_dim=4, hidden_sizes=(5,),
                              head_sizes=(), cell="gru", horizon=6, aux=aux, aux_length=4,
                              aux_horizon=6, decoder_sizes=(7,), decoder_head_sizes=(), chunk=4)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  assert params["rnn"][0]["w_h"].shape == (5, 15) and params[aux]["rnn"][0]["w_h"].shape == (7, 21)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (2, 20, 1), 0, 11)
  (loss, metrics), grads = jax.value_and_grad(classifier.objective, has_aux=True)(
      params, spec, tokens, jnp.array([0, 1]), jax.random.PRNGKey(2))
  assert np.isfinite(float(loss)) and float(metrics[f"{aux}/loss"]) > 0
  assert float(sum(jnp.abs(g).sum() for g in jax.tree.leaves(grads["rnn"]))) > 0
