"""Anchors, masking at the sequence edges, and the losses on their own."""
import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnn_aux import (auxiliary, classifier, feedforward, losses, prediction, reconstruction,
                     transformer)


def test_anchor_ranges_and_sampling():
  lengths = jnp.array([784, 784, 100])
  low, high = auxiliary.anchor_range("reconstruction", lengths, 600)
  np.testing.assert_array_equal(low, [600, 600, 99])
  np.testing.assert_array_equal(high, [783, 783, 99])
  a = auxiliary.sample_anchors(jax.random.PRNGKey(0), low, high, 50)
  assert a.shape == (3, 50) and a.dtype == jnp.int32
  assert bool(jnp.all((a >= low[:, None]) & (a <= high[:, None])))
  assert len(np.unique(np.asarray(a[0]))) > 10
  low, high = auxiliary.anchor_range("prediction", lengths, 600)
  np.testing.assert_array_equal(high, [183, 183, 0])
  shared = auxiliary.sample_anchors(jax.random.PRNGKey(0), low[:2], high[:2], 2, per_example=False)
  np.testing.assert_array_equal(shared[0], shared[1])
  with pytest.raises(ValueError, match="unknown auxiliary"):
    auxiliary.anchor_range("both", lengths, 3)
  with pytest.raises(ValueError, match="num_anchors"):
    auxiliary.sample_anchors(jax.random.PRNGKey(0), low, high, 0)
  with pytest.raises(ValueError, match=r"anchor range is empty for examples \[1\]: low > high"):
    auxiliary.sample_anchors(jax.random.PRNGKey(0), jnp.array([0, 5]), jnp.array([3, 4]), 1)


def _decoder(teacher_forcing=True):
  return reconstruction.init_reconstruction(jax.random.PRNGKey(0), state_size=8, vocab_size=7,
                                       channels=2, embed_dim=4, hidden_sizes=(6, 5),
                                       head_sizes=(3,))


def test_reconstruction_targets_and_edge_masks():
  t = 10
  tokens = jax.random.randint(jax.random.PRNGKey(1), (2, t, 2), 0, 7)
  anchors = jnp.array([[2, 9], [0, 5]])
  state = jnp.ones((2, 2, 8))
  logits, targets, mask = reconstruction.reconstruction_logits(_decoder(), state, tokens, anchors,
                                                          length=4)
  assert logits.shape == (2, 2, 4, 2, 7)
  # anchor 9: targets x[5..8], all inside
  np.testing.assert_array_equal(targets[0, 1], tokens[0, 5:9])
  assert bool(mask[0, 1].all())
  # anchor 2: targets x[-2..1]: the first two are before the start
  np.testing.assert_array_equal(mask[0, 0], [False, False, True, True])
  np.testing.assert_array_equal(targets[0, 0, 2:], tokens[0, 0:2])
  # anchor 0: nothing before it to reconstruct
  assert not bool(mask[1, 0].any())
  # length longer than the sequence: only the real steps count, loss finite
  loss, m = reconstruction.reconstruction_loss(_decoder(), state, tokens, anchors, length=3 * t)
  assert np.isfinite(float(loss)) and 0 < float(m["fraction_valid"]) < 1


def test_reconstruction_respects_padding_and_teacher_forcing_flag():
  tokens = jax.random.randint(jax.random.PRNGKey(1), (1, 10, 2), 0, 7)
  valid = jnp.arange(10)[None] < 6
  anchors = jnp.array([[9]])
  _, _, mask = reconstruction.reconstruction_logits(_decoder(), jnp.ones((1, 1, 8)), tokens, anchors,
                                               length=4, valid_BxT=valid)
  np.testing.assert_array_equal(mask[0, 0], [True, False, False, False])
  dec = _decoder()
  changed = tokens.at[0, 6].set((tokens[0, 6] + 1) % 7)
  a = reconstruction.reconstruction_logits(dec, jnp.ones((1, 1, 8)), tokens, anchors, length=4,
                                      teacher_forcing=False)[0]
  b = reconstruction.reconstruction_logits(dec, jnp.ones((1, 1, 8)), changed, anchors, length=4,
                                      teacher_forcing=False)[0]
  np.testing.assert_allclose(a, b)  # without teacher forcing, only x[a-l-1] is fed
  c = reconstruction.reconstruction_logits(dec, jnp.ones((1, 1, 8)), changed, anchors, length=4)[0]
  assert not np.allclose(a, c)


def test_prediction_masks_past_the_end():
  pred = prediction.init_prediction(jax.random.PRNGKey(0), input_size=3, vocab_size=7, channels=1,
                                   hidden_sizes=(4,), head_sizes=())
  tokens = jax.random.randint(jax.random.PRNGKey(1), (1, 10, 1), 0, 7)
  anchors = jnp.array([[7]])
  logits, targets, mask = prediction.prediction_logits(pred, jnp.ones((1, 1, 4, 3)), tokens, anchors)
  np.testing.assert_array_equal(mask[0, 0], [True, True, False, False])
  np.testing.assert_array_equal(targets[0, 0, :2], tokens[0, 8:10])
  with pytest.raises(ValueError, match="BxNxLxH"):
    prediction.prediction_logits(pred, jnp.ones((1, 4, 3)), tokens, anchors)


def test_token_loss_all_masked_is_zero_not_nan():
  logits = jnp.zeros((2, 3, 1, 5))
  loss, _ = losses.token_loss(logits, jnp.zeros((2, 3, 1), jnp.int32), jnp.zeros((2, 3), bool))
  assert float(loss) == 0.0


def test_wrong_token_rank_is_a_clear_error():
  with pytest.raises(ValueError, match="BxTxC"):
    reconstruction.reconstruction_logits(_decoder(), jnp.ones((2, 1, 8)), jnp.zeros((2, 10), jnp.int32),
                                    jnp.zeros((2, 1), jnp.int32), length=3)
  spec = classifier.ModelSpec(num_classes=3, channels=2)
  with pytest.raises(ValueError, match="C=2"):
    classifier.logits(classifier.init(jax.random.PRNGKey(0), spec), spec, jnp.zeros((2, 5, 1), jnp.int32))


@pytest.mark.parametrize("aux", [None, "reconstruction", "prediction"])
@pytest.mark.parametrize("horizon", [None, 6])
def test_objective_runs_and_gradients_are_finite(aux, horizon):
  spec = classifier.ModelSpec(num_classes=3, vocab_size=11, channels=2, embed_dim=4, hidden_sizes=(5,),
                          head_sizes=(6,), horizon=horizon, aux=aux, aux_length=4,
                          aux_horizon=horizon, decoder_sizes=(5,), decoder_head_sizes=(),
                          chunk=4, unroll=2)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (3, 20, 2), 0, 11)
  valid = jnp.arange(20)[None] < jnp.array([[20], [12], [7]])
  (loss, metrics), grads = jax.value_and_grad(classifier.objective, has_aux=True)(
      params, spec, tokens, jnp.array([0, 1, 2]), jax.random.PRNGKey(2), valid_BxT=valid)
  assert np.isfinite(float(loss))
  assert all(np.isfinite(np.asarray(g)).all() for g in jax.tree.leaves(grads))
  if aux:
    assert f"{aux}/loss" in metrics and float(metrics[f"{aux}/loss"]) > 0
    # the decoder gets gradient from the auxiliary loss
    assert float(sum(jnp.abs(g).sum() for g in jax.tree.leaves(grads[aux]))) > 0
  # supervised-only weight leaves the auxiliary network without gradient
  if aux:
    g = jax.grad(lambda p: classifier.objective(p, spec, tokens, jnp.array([0, 1, 2]),
                                            jax.random.PRNGKey(2), valid_BxT=valid,
                                            aux_weight=0.0)[0])(params)
    assert float(sum(jnp.abs(x).sum() for x in jax.tree.leaves(g[aux]))) == 0.0


def test_padded_sequences_classify_from_their_last_real_step():
  spec = classifier.ModelSpec(num_classes=3, vocab_size=11, embed_dim=4, hidden_sizes=(5,),
                          head_sizes=(), chunk=4)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (1, 12, 1), 0, 11)
  valid = jnp.arange(12)[None] < 7
  np.testing.assert_allclose(classifier.logits(params, spec, tokens, valid),
                             classifier.logits(params, spec, tokens[:, :7]), atol=1e-5)


def test_transformer_attention_through_dot_product_attention_equals_flax_s():
  spec = transformer.TransformerSpec(num_classes=10, num_layers=2, model_dim=16, mlp_dim=32,
                                     num_heads=2)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (3, 12, 1), 0, 256)
  valid = jnp.arange(12)[None, :] < jnp.array([12, 7, 1])[:, None]  # padded at the end
  params = transformer.init(jax.random.PRNGKey(0), spec)
  xla = dataclasses.replace(spec, attention="xla")
  # the same parameters (names, shapes, initial values): checkpoints move between them
  jax.tree.map(np.testing.assert_array_equal, params, transformer.init(jax.random.PRNGKey(0), xla))
  want = transformer.logits(params, spec, tokens, valid)
  got = jax.jit(lambda p: transformer.logits(p, xla, tokens, valid))(params)
  np.testing.assert_allclose(got, want, atol=1e-5)
  # padding is ignored: the short examples' logits do not depend on what follows their length
  noise = jnp.where(valid[..., None], tokens, 255 - tokens)
  np.testing.assert_allclose(transformer.logits(params, xla, noise, valid), got, atol=1e-5)
  # training: dropout on the attention output, gradients through the recomputed (remat) blocks
  dropped = dataclasses.replace(xla, dropout=0.5)
  def train_logits(p, s):
    return transformer.logits(p, s, tokens, valid, train=True, dropout_key=jax.random.PRNGKey(2))
  g = jax.jit(jax.grad(lambda p: jnp.sum(train_logits(p, dropped) ** 2)))(params)
  query = g["block_0"]["MultiHeadDotProductAttention_0"]["query"]["kernel"]
  assert np.all(np.isfinite(query)) and np.abs(query).max() > 0
  assert np.abs(train_logits(params, dropped) - got).max() > 1e-3  # dropout acts in training
  np.testing.assert_allclose(train_logits(params, xla), got, atol=1e-5)  # and only with a rate
  with pytest.raises(ValueError, match="unknown attention 'flash'; choose one of: flax, xla, cudnn"):
    dataclasses.replace(spec, attention="flash")
  if jax.default_backend() != "gpu":
    with pytest.raises(ValueError, match="attention='cudnn' needs a GPU"):
      transformer.logits(params, dataclasses.replace(spec, attention="cudnn"), tokens, valid)


def test_transformer_size_is_comparable_to_rlstm():
  spec = classifier.ModelSpec(num_classes=10, aux="reconstruction")
  # shapes only (jax.eval_shape): counting needs no values
  rlstm = feedforward.count_params(jax.eval_shape(lambda: classifier.init(jax.random.PRNGKey(0), spec)))
  tspec = transformer.TransformerSpec(num_classes=10)
  n = feedforward.count_params(jax.eval_shape(lambda: transformer.init(jax.random.PRNGKey(0), tspec)))
  print(f"r-LSTM params {rlstm}, Transformer params {n}")
  assert abs(n - rlstm) / rlstm < 0.10
  assert transformer.matching_num_layers(tspec, rlstm) == tspec.num_layers
  one = dataclasses.replace(tspec, num_layers=1)
  out = jax.jit(lambda p, t: transformer.logits(p, one, t))(
      transformer.init(jax.random.PRNGKey(0), one), jnp.zeros((2, 16, 1), jnp.int32))
  assert out.shape == (2, 10)
  small = dataclasses.replace(tspec, num_layers=2, model_dim=16, mlp_dim=32, num_heads=2)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (2, 16, 1), 0, 256)
  grads = []
  for remat in (True, False):
    spec_r = dataclasses.replace(small, remat=remat)
    p = transformer.init(jax.random.PRNGKey(0), spec_r)
    grads.append(jax.jit(jax.grad(
        lambda p: jnp.sum(transformer.logits(p, spec_r, tokens, train=True))))(p))
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, atol=1e-5), *grads)


def test_model_spec_rejects_bad_values():
  with pytest.raises(ValueError, match="aux"):
    classifier.ModelSpec(num_classes=10, aux="recon")
  with pytest.raises(ValueError, match="horizon must be an int >= 1"):
    classifier.ModelSpec(num_classes=10, horizon=-1)
  with pytest.raises(ValueError, match="aux_length"):
    classifier.ModelSpec(num_classes=10, aux="prediction", aux_length=0)


def test_ids_and_labels_out_of_range_are_refused_where_concrete():
  spec = classifier.ModelSpec(num_classes=3, vocab_size=11, embed_dim=4, hidden_sizes=(5,),
                              head_sizes=(), chunk=4)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  tokens = jnp.zeros((2, 6, 1), jnp.int32)
  for bad, labels, message in [(tokens.at[0, 0].set(11), jnp.array([0, 1]), "token ids"),
                               (tokens.at[1, 2].set(-1), jnp.array([0, 1]), "token ids"),
                               (tokens, jnp.array([0, 3]), "labels"),
                               (tokens, jnp.array([-1, 0]), "labels")]:
    with pytest.raises(ValueError, match=f"{message} must lie in"):
      classifier.objective(params, spec, bad, labels, jax.random.PRNGKey(1))
  with pytest.raises(ValueError, match="token ids must lie in"):
    classifier.logits(params, spec, tokens.at[0, 0].set(300))
  # traced (inside jit): not checkable, and not refused
  loss = jax.jit(lambda t, l: classifier.objective(params, spec, t, l, jax.random.PRNGKey(1))[0])(
      tokens, jnp.array([0, 1]))
  assert np.isfinite(float(loss))
  # concrete arrays closed over inside jit are still checked, on the host
  labels = jnp.array([0, 1])
  assert np.isfinite(float(jax.jit(
      lambda k: classifier.objective(params, spec, tokens, labels, k)[0])(jax.random.PRNGKey(1))))
  bad = labels + 2
  with pytest.raises(ValueError, match="labels must lie in"):
    jax.jit(lambda k: classifier.objective(params, spec, tokens, bad, k)[0])(jax.random.PRNGKey(1))


def test_aligned_truncation_is_a_model_option():
  spec = classifier.ModelSpec(num_classes=3, vocab_size=11, embed_dim=4, hidden_sizes=(5,),
                              head_sizes=(), horizon=6, aligned_truncation=True,
                              aux="reconstruction", aux_length=4, aux_horizon=6,
                              decoder_sizes=(5,), decoder_head_sizes=(), chunk=4)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (2, 20, 1), 0, 11)
  (loss, _), grads = jax.value_and_grad(classifier.objective, has_aux=True)(
      params, spec, tokens, jnp.array([0, 1]), jax.random.PRNGKey(2))
  assert np.isfinite(float(loss))
  assert all(np.isfinite(np.asarray(g)).all() for g in jax.tree.leaves(grads))
  # the read-out at step 19 with k=6 is trained on steps 18..19 only: two embedding rows of each
  # example's tokens there, whatever the rest of the sequence holds
  sup_only = jax.grad(lambda p: classifier.objective(p, spec, tokens, jnp.array([0, 1]),
                                                     jax.random.PRNGKey(2), aux_weight=0.0)[0])
  rows = np.flatnonzero(np.abs(np.asarray(sup_only(params)["embed"][0])).sum(-1))
  assert set(rows) <= set(np.asarray(tokens[:, 18:, 0]).ravel().tolist())


def test_aux_min_inside_lets_anchors_and_their_gradient_reach_the_sequence_start():
  # token id = position, so the main embedding's rows with a gradient are the steps trained
  t, b = 20, 32
  spec = classifier.ModelSpec(num_classes=3, vocab_size=t, embed_dim=4, hidden_sizes=(5,),
                              head_sizes=(), horizon=2, aux="reconstruction", aux_length=8,
                              aux_horizon=3,
                              decoder_sizes=(5,), decoder_head_sizes=(), chunk=4)
  tokens = jnp.broadcast_to(jnp.arange(t)[None, :, None], (b, t, 1))

  def trained_steps(s):
    params = classifier.init(jax.random.PRNGKey(0), s)
    grad = jax.grad(lambda p: classifier.objective(p, s, tokens, jnp.zeros(b, jnp.int32),
                                                   jax.random.PRNGKey(3), supervised_weight=0.0)[0])
    g = grad(params)
    assert all(np.isfinite(np.asarray(x)).all() for x in jax.tree.leaves(g))
    return set(np.flatnonzero(np.abs(np.asarray(g["embed"][0])).sum(-1)).tolist())

  # anchors >= l = 8 train steps >= 6 only; with a partly masked span they reach the start
  assert min(trained_steps(spec)) >= 6
  assert min(trained_steps(dataclasses.replace(spec, aux_min_inside=1))) < 3
  with pytest.raises(ValueError, match="aux_min_inside"):
    dataclasses.replace(spec, aux_min_inside=9)


def test_decoder_recurrence_wavefront_gives_the_same_objective():
  spec = classifier.ModelSpec(num_classes=3, vocab_size=11, embed_dim=4, hidden_sizes=(5,),
                              head_sizes=(), horizon=6, aux="reconstruction", aux_length=8,
                              aux_horizon=6, decoder_sizes=(6, 6), decoder_head_sizes=(), chunk=4)
  wave = dataclasses.replace(spec, decoder_recurrence="wavefront")
  assert wave.decoder_rnn.name == "lstm/wavefront" and wave.rnn.name == "lstm/scan"
  params = classifier.init(jax.random.PRNGKey(0), spec)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (3, 20, 1), 0, 11)
  out = [jax.value_and_grad(classifier.objective, has_aux=True)(
      params, s, tokens, jnp.array([0, 1, 2]), jax.random.PRNGKey(2)) for s in (spec, wave)]
  np.testing.assert_allclose(out[0][0][0], out[1][0][0], rtol=1e-6)
  for a, b in zip(jax.tree.leaves(out[0][1]), jax.tree.leaves(out[1][1])):
    np.testing.assert_allclose(a, b, atol=1e-5)
  with pytest.raises(ValueError, match="no 'wavefront' implementation"):
    dataclasses.replace(spec, cell="gru", decoder_recurrence="wavefront")


def test_horizon_zero_trains_the_head_only_from_the_supervised_loss():
  spec = classifier.ModelSpec(num_classes=3, vocab_size=11, embed_dim=4, hidden_sizes=(5,),
                              head_sizes=(6,), horizon=0, aux="reconstruction", aux_length=4,
                              aux_horizon=3, decoder_sizes=(5,), decoder_head_sizes=(), chunk=4)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (4, 12, 1), 0, 11)

  def grads(aux_weight):
    return jax.grad(lambda p: classifier.objective(p, spec, tokens, jnp.array([0, 1, 2, 0]),
                                                   jax.random.PRNGKey(2),
                                                   aux_weight=aux_weight)[0])(params)
  sup = grads(0.0)
  for name in ("rnn", "embed"):
    assert all(not np.any(np.asarray(g)) for g in jax.tree.leaves(sup[name])), name
  assert any(np.any(np.asarray(g)) for g in jax.tree.leaves(sup["head"]))
  both = grads(1.0)  # the auxiliary loss alone trains the network
  assert any(np.any(np.asarray(g)) for g in jax.tree.leaves(both["rnn"]))


def test_without_an_input_embedding_the_scaled_values_are_the_input():
  from rnn_aux import lstm
  spec = classifier.ModelSpec(num_classes=3, vocab_size=256, channels=2, embed_dim=4,
                              hidden_sizes=(5,), head_sizes=(), input_embedding=False, chunk=4,
                              horizon=3, aux="reconstruction", aux_length=4, aux_horizon=3,
                              decoder_sizes=(5,), decoder_head_sizes=())
  params = classifier.init(jax.random.PRNGKey(0), spec)
  assert params["embed"] == {} and params["rnn"][0]["w_x"].shape == (2, 20)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (3, 10, 2), 0, 256)
  x = jnp.moveaxis(tokens.astype(jnp.float32) / 255.0, 1, 0)
  _, hs = lstm.scan(params["rnn"], lstm.zero_carry(params["rnn"], 3), x)
  np.testing.assert_allclose(classifier.logits(params, spec, tokens),
                             classifier.classify(params, hs[-1], spec.head_activation), atol=1e-5)
  grads = jax.grad(lambda p: classifier.objective(p, spec, tokens, jnp.array([0, 1, 2]),
                                                  jax.random.PRNGKey(2))[0])(params)
  assert all(np.isfinite(np.asarray(g)).all() for g in jax.tree.leaves(grads))


def test_reset_at_truncation_classifies_from_the_last_window_alone():
  from rnn_aux import lstm
  spec = classifier.ModelSpec(num_classes=3, vocab_size=16, embed_dim=4, hidden_sizes=(5,),
                              head_sizes=(), horizon=4, reset_at_truncation=True, chunk=4)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (3, 10, 1), 0, 16)
  x = jnp.moveaxis(classifier.input_embedding(spec)(params["embed"], tokens[:, -4:]), 1, 0)
  _, hs = lstm.scan(params["rnn"], lstm.zero_carry(params["rnn"], 3), x)
  want = classifier.classify(params, hs[-1], spec.head_activation)
  np.testing.assert_allclose(classifier.logits(params, spec, tokens), want, atol=1e-5)
  earlier = tokens.at[:, :6].set(7)  # the steps before the window matter to nothing
  np.testing.assert_allclose(classifier.logits(params, spec, earlier), want, atol=1e-5)
  labels = jnp.array([0, 1, 2])
  loss = lambda t: classifier.objective(params, spec, t, labels, jax.random.PRNGKey(2))[0]
  np.testing.assert_allclose(loss(tokens), loss(earlier), atol=1e-6)
  with pytest.raises(ValueError, match="reset_at_truncation needs a horizon >= 1"):
    classifier.ModelSpec(num_classes=3, reset_at_truncation=True)


def test_aux_positions_tell_the_auxiliary_network_where_its_targets_are():
  # Identical states and inputs at two anchors: only the targets' positions differ.
  tokens = jnp.zeros((1, 30, 2), jnp.int32)
  anchors = jnp.array([[12, 20]])
  dec = _decoder()
  state = jnp.ones((1, 2, 8))
  for positions, same in ((False, True), (True, False)):
    logits, _, mask = reconstruction.reconstruction_logits(dec, state, tokens, anchors, length=4,
                                                           positions=positions)
    assert bool(mask.all())
    assert bool(jnp.allclose(logits[0, 0], logits[0, 1])) == same
  pred = prediction.init_prediction(jax.random.PRNGKey(0), input_size=3, vocab_size=7, channels=2,
                                    hidden_sizes=(4,), head_sizes=())
  hidden = jnp.ones((1, 2, 4, 3))
  for positions, same in ((False, True), (True, False)):
    logits, _, _ = prediction.prediction_logits(pred, hidden, tokens, anchors, positions=positions)
    assert bool(jnp.allclose(logits[0, 0], logits[0, 1])) == same
  # the codes: the Transformer's table at integer positions, sin 0 = 0 and cos 0 = 1 at position 0
  codes = feedforward.position_codes(jnp.array([[0, 5], [9, 2]]), 6)
  table = transformer.sinusoidal_positions(10, 6)
  np.testing.assert_allclose(codes, table[jnp.array([[0, 5], [9, 2]])], rtol=1e-6)
  np.testing.assert_allclose(table[0], [0, 0, 0, 1, 1, 1], atol=1e-7)
  # through the model's option (the Setting carries it to any auxiliary loss)
  spec = classifier.ModelSpec(num_classes=3, vocab_size=11, channels=2, embed_dim=4,
                              hidden_sizes=(5,), head_sizes=(6,), horizon=6, aux="reconstruction",
                              aux_length=4, aux_horizon=6, decoder_sizes=(5,),
                              decoder_head_sizes=(), chunk=4, unroll=2)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  toks = jax.random.randint(jax.random.PRNGKey(1), (3, 20, 2), 0, 11)
  args = (toks, jnp.array([0, 1, 2]), jax.random.PRNGKey(2))
  told = dataclasses.replace(spec, aux_positions=True)
  assert told.aux_setting.positions and not spec.aux_setting.positions
  plain, with_codes = (float(classifier.objective(params, s, *args)[1]["reconstruction/loss"])
                       for s in (spec, told))
  assert np.isfinite(with_codes) and with_codes != plain
