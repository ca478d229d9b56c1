"""Classifier heads: the activation is a checked choice."""
import jax
import numpy as np
import pytest

from rnn_aux import classifier, feedforward, transformer


def test_head_activation_is_checked_and_used():
  layers = feedforward.init_mlp(jax.random.PRNGKey(0), 4, (8, 3))
  x = jax.random.normal(jax.random.PRNGKey(1), (5, 4))
  relu, gelu = feedforward.mlp(layers, x, "relu"), feedforward.mlp(layers, x, "gelu")
  assert relu.shape == gelu.shape == (5, 3) and not np.allclose(relu, gelu)
  with pytest.raises(ValueError, match="choose one of relu, gelu, tanh"):
    classifier.ModelSpec(num_classes=10, head_activation="swish")
  with pytest.raises(ValueError, match="choose one of relu, gelu, tanh"):
    transformer.TransformerSpec(num_classes=10, head_activation="swish")


def test_a_dead_relu_head_cuts_the_lstm_off_and_a_gelu_head_does_not():
  """The collapse seen in full-BPTT MNIST runs (docs/results.md): once every first-layer ReLU of
  the head is off for every example, no gradient reaches the LSTM again; GELU never cuts it."""
  import jax.numpy as jnp
  tokens = jax.random.randint(jax.random.PRNGKey(0), (4, 12, 1), 0, 256)
  labels = jnp.arange(4)
  for act, expect_zero in (("relu", True), ("gelu", False)):
    spec = classifier.ModelSpec(num_classes=10, embed_dim=8, hidden_sizes=(8,), head_sizes=(16,),
                            head_activation=act)
    params = classifier.init(jax.random.PRNGKey(1), spec)
    params["head"][0]["b"] = params["head"][0]["b"] - 3.0  # every ReLU off, for every input
    grads = jax.grad(lambda p: classifier.objective(p, spec, tokens, labels, jax.random.PRNGKey(2))[0])(
        params)
    lstm_grad = max(float(jnp.max(jnp.abs(g))) for g in jax.tree.leaves(grads["rnn"]))
    assert (lstm_grad == 0.0) == expect_zero, (act, lstm_grad)
