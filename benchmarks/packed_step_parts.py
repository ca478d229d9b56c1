"""Where a vmapped (packed) r-LSTM step loses time: each part of the step, unbatched against
``jax.vmap`` over a run axis of size R, in one process.

  PYTHONPATH=. python benchmarks/packed_step_parts.py [--recurrence fused] [--runs 1,4] \
      [--parts encoder,decoder,objective,step] [--hlo_dir DIR]

Parts (gradients included, paper's MNIST sizes, batch 128 per run, random tokens):
``encoder`` the main LSTM read at the last step and one anchor, truncated at 300 (the objective's
shared read); ``decoder`` the reconstruction loss of a 2x256 decoder over l=600 from given anchor
states; ``objective`` both with the classifier; ``step`` the training loop's own step (objective,
``pmean``, clipping, RMSprop) under ``pmap`` on one device. One JSON line per part and R: the
unbatched time, the vmapped time, their ratio, and the count of each optimized-HLO op kind that
differs between the two programs (what XLA made of the vmap). ``--hlo_dir`` writes both programs.
"""
import argparse
import collections
import functools
import json
import os
import re
import time

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

import jax
import jax.numpy as jnp
import numpy as np

from rnn_aux import auxiliary, classifier, reconstruction
from rnn_aux.train import models, step as step_lib

T = 784


def _time(fn, args, steps):
  out = fn(*args)
  jax.block_until_ready(out)
  t0 = time.perf_counter()
  for _ in range(steps):
    out = fn(*args)
  jax.block_until_ready(out)
  return (time.perf_counter() - t0) / steps


_OP = re.compile(r"=\s*[^\s]+\s+([a-z][a-z0-9\-]*)\(")


def _op_counts(compiled_text: str) -> collections.Counter:
  return collections.Counter(_OP.findall(compiled_text))


def _parts(spec: classifier.ModelSpec, batch: int):
  """name -> (function of (params, tokens, valid, labels, key, states) returning a scalar)."""
  aux = auxiliary.get(spec.aux)
  last = jnp.full((batch, 1), T - 1, jnp.int32)

  def anchors(key):
    low, high = aux.anchor_range(last[:, 0] + 1, spec.aux_length)
    return auxiliary.sample_anchors(key, low, high, 1)

  def encoder(params, tokens, valid, labels, key, states):
    carry = classifier.encoder_states(params, spec, tokens,
                                      jnp.concatenate([last, anchors(key)], 1),
                                      horizon=spec.horizon, valid_BxT=valid)
    return sum(jnp.sum(x) for x in jax.tree.leaves(carry))

  def decoder(params, tokens, valid, labels, key, states):
    loss, _ = reconstruction.reconstruction_loss(
        params[spec.aux], states, tokens, anchors(key), length=spec.aux_length, valid_BxT=valid,
        rnn=spec.rnn)
    return loss

  def objective(params, tokens, valid, labels, key, states):
    return classifier.objective(params, spec, tokens, labels, key, valid_BxT=valid)[0]

  return {"encoder": encoder, "decoder": decoder, "objective": objective}


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--recurrence", default="scan", choices=["scan", "fused"])
  ap.add_argument("--runs", default="1,4")
  ap.add_argument("--parts", default="encoder,decoder,objective,step")
  ap.add_argument("--batch", type=int, default=128)
  ap.add_argument("--steps", type=int, default=10)
  ap.add_argument("--hlo_dir", default="")
  a = ap.parse_args()
  spec = classifier.ModelSpec(num_classes=10, horizon=300, aux_horizon=300, aux_length=600,
                              aux="reconstruction", recurrence=a.recurrence)
  b = a.batch
  rng = np.random.default_rng(0)
  parts = _parts(spec, b)
  model = models.lstm_model(spec)
  opt = step_lib.make_optimizer("rmsprop", 1e-3, 1.0)
  train = functools.partial(step_lib.train_step, model=model, optimizer=opt)
  for r in [int(x) for x in a.runs.split(",")]:
    params = jax.vmap(lambda k: classifier.init(k, spec))(
        jax.random.split(jax.random.PRNGKey(0), r))
    tokens = jnp.asarray(rng.integers(0, 256, (r, b, T, 1)), jnp.int32)
    valid = jnp.ones((r, b, T), bool)
    labels = jnp.asarray(rng.integers(0, 10, (r, b)), jnp.int32)
    keys = jax.random.split(jax.random.PRNGKey(1), r)
    width = 2 * spec.hidden_sizes[-1]
    states = jnp.asarray(rng.normal(size=(r, b, 1, width)), jnp.float32)
    batched = (params, tokens, valid, labels, keys, states)
    one = jax.tree.map(lambda x: x[0], batched)
    programs = {}
    for name in a.parts.split(","):
      if name == "step":
        state = step_lib.place(step_lib.replicate(step_lib.init_runs(model, opt, list(range(r))), 1),
                           jax.local_devices()[:1])
        ones = jnp.ones((r,), jnp.float32)
        in_axes = (0, 0, 0, 0, None, 0, 0)
        plain = jax.pmap(train, axis_name=step_lib.AXIS, in_axes=(0, 0, 0, 0, None, None, None))
        mapped = jax.pmap(jax.vmap(train, in_axes=in_axes), axis_name=step_lib.AXIS,
                          in_axes=(0, 0, 0, 0, None, None, None))
        one_args = (jax.tree.map(lambda x: x[:, 0], state), tokens[None, 0], valid[None, 0],
                    labels[None, 0], jnp.float32(1), jnp.float32(1), jnp.float32(1))
        args = (state, tokens[None], valid[None], labels[None], jnp.float32(1), ones, ones)
        t_plain = _time(plain, one_args, a.steps)
        t_mapped = _time(mapped, args, a.steps)
        texts = (plain.lower(*one_args).compile().as_text(),
                 mapped.lower(*args).compile().as_text())
      else:
        grad = jax.grad(parts[name], argnums=(0, 5))
        plain, mapped = jax.jit(grad), jax.jit(jax.vmap(grad))
        t_plain = _time(plain, one, a.steps)
        t_mapped = _time(mapped, batched, a.steps)
        texts = (plain.lower(*one).compile().as_text(), mapped.lower(*batched).compile().as_text())
      counts = [_op_counts(t) for t in texts]
      differ = {op: [counts[0][op], counts[1][op]] for op in sorted(set(counts[0]) | set(counts[1]))
                if counts[0][op] != counts[1][op]}
      if a.hlo_dir:
        os.makedirs(a.hlo_dir, exist_ok=True)
        for tag, text in zip(("plain", f"vmap{r}"), texts):
          with open(os.path.join(a.hlo_dir, f"{name}_{tag}.hlo.txt"), "w") as f:
            f.write(text)
      programs[name] = texts
      print(json.dumps({"part": name, "runs": r, "recurrence": a.recurrence, "batch_per_run": b,
                        "plain_ms": round(1e3 * t_plain, 2),
                        "vmapped_ms": round(1e3 * t_mapped, 2),
                        "vmapped_per_run_ms": round(1e3 * t_mapped / r, 2),
                        "ratio": round(t_mapped / t_plain, 2), "hlo_ops_differ": differ,
                        "device": jax.devices()[0].device_kind, "jax": jax.__version__}),
            flush=True)


if __name__ == "__main__":
  main()
