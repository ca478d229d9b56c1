"""A new recurrence and a new auxiliary loss, defined here, run through truncation and training
with no change to the library (README: "Extending rnn_aux"); the GRU trains on the smoke preset."""
import functools
import json
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from experiments.configs import paper
from rnn_aux import auxiliary, feedforward, losses, recurrence, truncation
from rnn_aux.train import loop


# -- a toy recurrence: an Elman network, h' = tanh(x W_x + b + h W_h) ---------------------------
class ElmanState(NamedTuple):
  h: jax.Array


def _elman_init(key, input_dim, hidden_sizes):
  dims = (input_dim,) + tuple(hidden_sizes[:-1])
  return tuple({"w_x": jax.random.normal(k1, (d, h)) / np.sqrt(d),
                "w_h": jax.random.normal(k2, (h, h)) / np.sqrt(h), "b": jnp.zeros((h,))}
               for (k1, k2), d, h in zip([jax.random.split(k) for k in
                                          jax.random.split(key, len(hidden_sizes))],
                                         dims, hidden_sizes))


def _elman_zero_carry(params, batch_shape):
  batch_shape = (batch_shape,) if isinstance(batch_shape, int) else tuple(batch_shape)
  return tuple(ElmanState(jnp.zeros(batch_shape + (p["w_h"].shape[0],))) for p in params)


def _elman_step(params, carry, projected, valid):
  new, z = [], projected
  for i, (layer, state) in enumerate(zip(params, carry)):
    if i > 0:
      z = new[-1].h @ layer["w_x"] + layer["b"]
    new.append(ElmanState(jnp.tanh(z + state.h @ layer["w_h"])))
  new = recurrence.keep_padding(valid, tuple(new), carry)
  return new, new[-1].h


def _elman_scan(params, carry, inputs_TxBxD, valid_TxB=None, *, unroll=1, return_carries=False):
  projected = inputs_TxBxD @ params[0]["w_x"] + params[0]["b"]
  return recurrence.scan_steps(_elman_step, params, carry, projected, valid_TxB, unroll=unroll,
                               return_carries=return_carries)


def _elman(unroll):
  return recurrence.Recurrence("elman", ElmanState, _elman_init, _elman_zero_carry,
                               functools.partial(_elman_scan, unroll=unroll))


recurrence.register_cell("elman_test", recurrence.scan_only(_elman, "elman_test"))


# -- a toy auxiliary loss: name the token at the anchor from the state there ---------------------
def _anchor_token_init(key, s: auxiliary.Setting):
  size = recurrence.state_size(s.rnn, s.main_hidden_sizes)
  return feedforward.init_mlp(key, size, (s.channels * s.vocab_size,))


def _anchor_token_loss(params, states, tokens_BxTxC, anchors_BxN, valid_BxT, s):
  state_BxNxS = recurrence.flatten(jax.tree.map(lambda x: x[:, :, 0], states))
  b, n = anchors_BxN.shape
  logits = feedforward.mlp(params, state_BxNxS).reshape(b, n, 1, s.channels, s.vocab_size)
  targets, mask = auxiliary.tokens_at(tokens_BxTxC, valid_BxT, anchors_BxN[..., None])
  return losses.token_loss(logits, targets, mask)


ANCHOR_TOKEN = auxiliary.register(auxiliary.AuxiliaryLoss(
    name="anchor_token_test", init=_anchor_token_init,
    anchor_range=lambda lengths, length: (jnp.zeros_like(lengths), lengths - 1),
    span=lambda length: 1, loss=_anchor_token_loss))


def test_toy_recurrence_truncates_exactly():
  rnn = recurrence.build("elman_test", unroll=2)
  params = rnn.init(jax.random.PRNGKey(0), 3, (5, 4))
  x = jax.random.normal(jax.random.PRNGKey(1), (2, 30, 3))
  positions, k = jnp.array([[29], [17]]), 6
  g = jax.grad(lambda x: jnp.sum(truncation.states_at(params, x, positions, horizon=k, rnn=rnn,
                                                      chunk=7)[-1].h))(x)
  support = np.asarray(jnp.any(g != 0.0, axis=-1))
  for b, p in enumerate([29, 17]):
    assert not support[b, :p - k + 1].any() and support[b, p - k + 1:p + 1].all()
    assert not support[b, p + 1:].any()
  # the truncated state equals a plain full scan's (values are not truncated, gradients are)
  full = truncation.states_at(params, x, positions, horizon=None, rnn=rnn)
  ours = truncation.states_at(params, x, positions, horizon=k, rnn=rnn, chunk=7)
  np.testing.assert_allclose(ours[-1].h, full[-1].h, atol=1e-5)


def _train(tmp_path, mnist_dir, **model):
  config = paper.get_config("mnist,smoke")
  config.data_dir, config.progress_bar, config.train_epochs = mnist_dir, False, 3
  config.eval_batch_size = 96  # divides over the 8 fake devices
  config.model.update(model)
  workdir = str(tmp_path / "run")
  results = loop.train_and_evaluate(config, workdir)
  saved = json.load(open(f"{workdir}/config.json"))
  return results, saved


@pytest.mark.parametrize("model", [
    {"cell": "elman_test", "aux": "anchor_token_test"},  # both defined in this file
    {"cell": "gru"},                                      # the smoke preset's r-LSTM, GRU cells
])
def test_new_recurrence_and_auxiliary_loss_train_on_the_smoke_preset(tmp_path, mnist_dir, model):
  results, saved = _train(tmp_path, mnist_dir, **model)
  assert results["status"] == "completed" and results["step"] == 60
  assert all(saved["model"][k] == v for k, v in model.items())
  loss = [e["loss"] for e in results["train_log"]]
  assert np.isfinite(loss).all() and np.mean(loss[-3:]) < np.mean(loss[:3]) - 0.3, loss
  assert results["final_test_accuracy"] is not None


def test_registering_a_taken_name_is_refused():
  with pytest.raises(ValueError, match="already registered"):
    auxiliary.register(ANCHOR_TOKEN._replace(span=lambda length: 2))
  with pytest.raises(ValueError, match="already registered"):
    recurrence.register_cell("gru", recurrence.scan_only(_elman, "gru"))
