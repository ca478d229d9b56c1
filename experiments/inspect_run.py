"""Look inside an LSTM run's latest checkpoint: is the classifier head alive, where does gradient go?

  python experiments/inspect_run.py --workdir workdirs/mnist_lstm_full --data_dir ~/tensorflow_datasets

For a batch of training examples it prints (and writes ``inspect.json`` into the workdir):
- per hidden layer of the classifier head, how many units are on for at least one example;
- how much the final hidden state varies across examples;
- the supervised loss and the norm of its gradient with respect to the LSTM's inputs, summed over
  eight equal bands of time steps (full BPTT, whatever horizon the run trained with).
A head with no live unit passes no gradient back: every band reads 0 (docs/results.md).

For an r-LSTM run also what the main state remembers: the decoder reconstructs the l inputs
before an anchor at the last step from that example's state and, as a control, from another
example's state (the same teacher-forced inputs); the difference in cross-entropy (nats a pixel),
by bands of distance from the anchor, is what the state carries about the past at that distance
(0: nothing beyond what the decoder guesses from the inputs it is fed).

With ``--probe_examples N`` (any LSTM run, with or without an auxiliary loss, so runs can be
compared): a ridge-regression probe from the final state (every layer's h and c) to each input
value, fit on N training examples and scored on N test examples; the R^2 by bands of distance
from the end says how much of the input at that distance the state still holds, linearly.
"""
import dataclasses
import json
import os

from absl import app, flags

flags.DEFINE_string("workdir", None, "workdir of an LSTM run (holds config.json, checkpoints/)")
flags.DEFINE_string("data_dir", None, "TFDS data dir (default: the run's config.data_dir)")
flags.DEFINE_integer("examples", 64, "training examples to look at")
flags.DEFINE_integer("run", 0, "which of a workdir's packed runs (0 .. R-1, in runs.seeds order)")
flags.DEFINE_integer("probe_examples", 0, "examples to fit (and as many to score) the memory "
                     "probe on; 0: no probe")
FLAGS = flags.FLAGS

BANDS = 8


def inspect(workdir: str, data_dir: str | None, examples: int, run: int = 0,
            probe_examples: int = 0) -> dict:
  import jax
  import jax.numpy as jnp
  import ml_collections
  import numpy as np

  from rnn_aux import classifier, feedforward, losses, recurrence, truncation
  from rnn_aux.data import pipeline, tasks
  from rnn_aux.train import checkpoint, config_guard, models

  path = os.path.join(workdir, "config.json")
  if not os.path.exists(path):
    raise FileNotFoundError(f"{path} does not exist; pass the --workdir of a run")
  config = ml_collections.ConfigDict(config_guard.with_legacy_values(json.load(open(path))))
  if config.model.name != "lstm":
    raise ValueError(f"inspect_run looks at LSTM runs; {workdir} is a {config.model.name} run")
  task = tasks.get_task(config.task, data_dir or config.data_dir or None)
  spec = models.spec_from_config(classifier.ModelSpec, config.model.to_dict(), task)
  if jax.default_backend() != "gpu":  # the same function; the kernel's interpreter is slow
    spec = dataclasses.replace(spec, recurrence="scan", decoder_recurrence=None)
  ckpt = checkpoint.Checkpointer(workdir, 1)
  if ckpt.latest_step() is None:
    raise FileNotFoundError(f"no checkpoint in {workdir}/checkpoints; train first")
  step, saved_params = ckpt.latest_params()
  leaves = jax.tree.leaves(saved_params)  # each with the packed runs' leading axis
  if not 0 <= run < leaves[0].shape[0]:
    raise ValueError(f"--run {run}: {workdir} holds runs 0 .. {leaves[0].shape[0] - 1}")
  # run's arrays in the structure the model builds (orbax restores tuples as lists)
  template = classifier.init(jax.random.PRNGKey(0), spec)
  params = jax.tree.unflatten(jax.tree.structure(template),
                              [jnp.asarray(x[run]) for x in leaves])
  source = pipeline.load_source(task, "train", data_dir or config.data_dir, config.data_source)
  batch = next(iter(pipeline.SequenceLoader(task, source, global_batch_size=examples, seed=1)))
  tokens, labels = jnp.asarray(batch.tokens), jnp.asarray(batch.labels)
  valid = jnp.asarray(batch.valid)
  act = config.model.head_activation

  def loss_of_inputs(x_BxTxE):
    last = classifier.last_positions(tokens, valid)
    states = truncation.states_at(params["rnn"], x_BxTxE, last, horizon=None, rnn=spec.rnn,
                                  valid_BxT=valid)
    h = recurrence.top_hidden(states)[:, 0, 0]  # the final hidden state, BxH
    return losses.classification_loss(classifier.classify(params, h, act), labels)[0], h

  x = classifier.input_embedding(spec)(params["embed"], tokens)
  (loss, h), grad = jax.value_and_grad(loss_of_inputs, has_aux=True)(x)
  per_step = np.asarray(jnp.sqrt(jnp.sum(grad ** 2, axis=(0, 2))))
  bands = [float(b.sum()) for b in np.array_split(per_step, BANDS)]
  live, a = [], h
  for layer in params["head"][:-1]:
    a = feedforward.ACTIVATIONS[act](a @ layer["w"] + layer["b"])
    live.append([int(jnp.sum(jnp.any(a != 0, axis=0))), int(a.shape[1])])
  memory = _reconstruction_memory(params, spec, tokens, valid) if spec.aux == "reconstruction" else {}
  if probe_examples:
    test_source = pipeline.load_source(task, "test", data_dir or config.data_dir,
                                       config.data_source)
    memory["probe_r2_by_distance"] = _memory_probe(
        params, spec, task, [source, test_source], probe_examples)
  return {**memory, "step": step, "examples": examples, "loss": float(loss),
          "head_activation": act, "head_live_units": live,
          "final_h_mean_abs": float(jnp.mean(jnp.abs(h))),
          "final_h_std_across_examples": float(jnp.mean(jnp.std(h, axis=0))),
          "input_grad_norm_per_time_band": bands, "hidden_sizes": list(spec.hidden_sizes)}


def _reconstruction_memory(params, spec, tokens, valid) -> dict:
  """Reconstruction cross-entropy from each example's own anchor state and from another's, by
  bands of distance from an anchor at the last step."""
  import jax
  import jax.numpy as jnp
  import numpy as np
  import optax

  from rnn_aux import classifier, reconstruction, recurrence, truncation

  anchors = jnp.full((tokens.shape[0], 1), tokens.shape[1] - 1, jnp.int32)
  carry = truncation.states_at(params["rnn"], tokens, anchors, horizon=None, rnn=spec.rnn,
                               valid_BxT=valid, embed=classifier.input_embedding(spec),
                               embed_params=params["embed"], chunk=spec.chunk)
  state = recurrence.flatten(jax.tree.map(lambda x: x[:, :, 0], carry))  # BxNxS

  def nats(s):
    logits, targets, mask = reconstruction.reconstruction_logits(
        params[spec.aux], s, tokens, anchors, length=spec.aux_length,
        teacher_forcing=spec.teacher_forcing, valid_BxT=valid, rnn=spec.decoder_rnn)
    nll = optax.softmax_cross_entropy_with_integer_labels(logits, targets.astype(jnp.int32))
    return np.asarray(nll.sum(-1)[:, 0]), np.asarray(mask[:, 0])  # BxL each

  own, mask = nats(state)
  other, _ = nats(jnp.roll(state, 1, axis=0))
  # target j lies spec.aux_length - j steps before the anchor: distance 1 is the last column
  distance = spec.aux_length - np.arange(spec.aux_length)
  bands = np.array_split(np.argsort(distance), BANDS)
  out = []
  for idx in bands:
    m = mask[:, idx]
    n = max(float(m.sum()), 1.0)
    out.append({"distance": [int(distance[idx].min()), int(distance[idx].max())],
                "own_state_nats": float((own[:, idx] * m).sum() / n),
                "other_state_nats": float((other[:, idx] * m).sum() / n)})
  return {"reconstruction_by_distance": out}


def _memory_probe(params, spec, task, sources, n) -> list:
  """Ridge probe final state -> every input value: R^2 on held-out examples by distance band,
  beside the same probe from the label alone."""
  import jax.numpy as jnp
  import numpy as np

  from rnn_aux import classifier, recurrence, truncation
  from rnn_aux.data import pipeline

  def states_and_inputs(source):
    loader = pipeline.SequenceLoader(task, source, global_batch_size=min(n, 250), seed=2)
    xs, ys, labels = [], [], []
    while sum(len(x) for x in xs) < n:
      b = next(loader)
      last = classifier.last_positions(jnp.asarray(b.tokens), jnp.asarray(b.valid))
      carry = truncation.carries_before(params["rnn"], jnp.asarray(b.tokens), last + 1,
                                        rnn=spec.rnn, valid_BxT=jnp.asarray(b.valid),
                                        embed=classifier.input_embedding(spec),
                                        embed_params=params["embed"], chunk=spec.chunk)
      xs.append(np.asarray(recurrence.flatten(carry)[:, 0], np.float64))
      ys.append(np.asarray(b.tokens, np.float64).reshape(len(b.tokens), -1) / 255.0)
      labels.append(np.asarray(b.labels))
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n], np.concatenate(labels)[:n]

  (x_fit, y_fit, l_fit), (x_eval, y_eval, l_eval) = map(states_and_inputs, sources)
  steps = task.seq_len
  distance = steps - 1 - np.arange(y_eval.shape[1]) // task.channels  # 0: the last step
  spread = ((y_eval - y_fit.mean(0)) ** 2).sum(0)

  def ridge_errors(features_fit, features_eval):
    add_bias = lambda x: np.concatenate([x, np.ones((len(x), 1))], 1)
    a = add_bias(features_fit)
    w = np.linalg.solve(a.T @ a + 1e-2 * np.eye(a.shape[1]), a.T @ y_fit)
    return ((add_bias(features_eval) @ w - y_eval) ** 2).sum(0)

  onehot = lambda labels: np.eye(task.num_classes)[labels]
  errors = {"r2": ridge_errors(x_fit, x_eval),
            # the class alone (its mean image): how much of an R^2 needs no memory of pixels
            "r2_from_the_label": ridge_errors(onehot(l_fit), onehot(l_eval))}
  out = []
  for band in np.array_split(np.arange(steps), BANDS):
    cols = np.isin(distance, band) & (spread > 1e-6)  # inputs that vary
    entry = {"distance": [int(band.min()), int(band.max())]}
    for name, err in errors.items():
      entry[name] = float(1.0 - err[cols].sum() / spread[cols].sum()) if cols.any() else None
    out.append(entry)
  return out


def main(argv):
  del argv
  if not FLAGS.workdir:
    raise SystemExit("error: --workdir is required (the workdir of an LSTM run)")
  try:
    out = inspect(FLAGS.workdir, FLAGS.data_dir, FLAGS.examples, FLAGS.run, FLAGS.probe_examples)
  except (FileNotFoundError, ValueError) as e:
    raise SystemExit(f"error: {e}")
  for i, (on, total) in enumerate(out["head_live_units"]):
    print(f"head layer {i}: {on}/{total} units on for at least one example")
  print(f"final h: mean |h| {out['final_h_mean_abs']:.3g}, std across examples "
        f"{out['final_h_std_across_examples']:.3g}")
  print(f"loss {out['loss']:.4f}; input-gradient norm per time band: "
        + " ".join(f"{b:.2g}" for b in out["input_grad_norm_per_time_band"]))
  for band in out.get("reconstruction_by_distance", []):
    lo, hi = band["distance"]
    print(f"reconstruction {lo:3d}-{hi:3d} steps before the anchor: {band['own_state_nats']:.3f} "
          f"nats/pixel from its own state, {band['other_state_nats']:.3f} from another's")
  for band in out.get("probe_r2_by_distance", []):
    lo, hi = band["distance"]
    print(f"probe R^2 of the inputs {lo:3d}-{hi:3d} steps before the end: {band['r2']:.3f} "
          f"(from the label alone {band['r2_from_the_label']:.3f})")
  with open(os.path.join(FLAGS.workdir, "inspect.json"), "w") as f:
    json.dump(out, f, indent=1)


if __name__ == "__main__":
  app.run(main)
