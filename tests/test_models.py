"""Classifier heads: the activation is a checked choice; dropout in training only."""
import dataclasses

import jax
import jax.numpy as jnp
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


def test_head_dropout_drops_in_training_only():
  spec = classifier.ModelSpec(num_classes=4, vocab_size=11, embed_dim=4, hidden_sizes=(6,),
                              head_sizes=(8,), horizon=5, chunk=4)
  drop = dataclasses.replace(spec, head_dropout=0.5)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (16, 12, 1), 0, 11)
  labels = jnp.arange(16) % 4
  loss = lambda s, k: float(classifier.objective(params, s, tokens, labels, k)[0])
  key = jax.random.PRNGKey(2)
  assert loss(drop, key) == loss(drop, key) != loss(spec, key)
  assert loss(drop, key) != loss(drop, jax.random.PRNGKey(3))
  # evaluation never drops
  np.testing.assert_array_equal(classifier.logits(params, drop, tokens),
                                classifier.logits(params, spec, tokens))
  x = jnp.ones((4000, 8))
  out = feedforward.mlp(({"w": jnp.eye(8), "b": jnp.zeros(8)},), x, dropout=0.25, key=key)
  assert abs(float(jnp.mean(out == 0)) - 0.25) < 0.02  # a quarter dropped, the rest scaled up
  np.testing.assert_allclose(float(jnp.mean(out)), 1.0, atol=0.03)
  with pytest.raises(ValueError, match="head_dropout"):
    dataclasses.replace(spec, head_dropout=1.0)
