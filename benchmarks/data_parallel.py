"""Data-parallel throughput of the MNIST r-LSTM (truncated 300) train step on 1..N local devices.

  python benchmarks/data_parallel.py [--per_device_batch 128] [--steps 30] [--recurrence fused] \
      [--counts 1,2,4,8]

Uses the training loop's own pmap step (``rnn_aux.train.step.pmapped``) on random MNIST-shaped
tokens; per-device batch fixed (weak scaling), so ideal throughput grows linearly with devices.
Prints one JSON line per device count.
"""
import argparse
import json
import os
import time

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

import jax
import jax.numpy as jnp
import numpy as np

from rnn_aux import classifier
from rnn_aux.train import models, step as step_lib


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--per_device_batch", type=int, default=128)
  ap.add_argument("--steps", type=int, default=30)
  ap.add_argument("--variant", default="rlstm_t300", choices=["rlstm_t300", "lstm_t300"])
  ap.add_argument("--recurrence", default="scan", choices=["scan", "fused"])
  ap.add_argument("--counts", default="", help="device counts to time (default 1..all)")
  a = ap.parse_args()
  spec = classifier.ModelSpec(num_classes=10, horizon=300, aux_horizon=300, aux_length=600,
                          aux="reconstruction" if a.variant == "rlstm_t300" else None,
                          recurrence=a.recurrence)
  model = models.lstm_model(spec)
  opt = step_lib.make_optimizer("rmsprop", 1e-3, 1.0)
  state = step_lib.init_state(model, opt, 0)
  rng = np.random.default_rng(0)
  base = None
  counts = ([int(c) for c in a.counts.split(",")] if a.counts
            else range(1, jax.local_device_count() + 1))
  if any(not 1 <= n <= jax.local_device_count() for n in counts):
    ap.error(f"--counts {a.counts} outside 1..{jax.local_device_count()} (the local devices)")
  for n in counts:
    devices = jax.local_devices()[:n]
    p_train, _ = step_lib.pmapped(model, opt, devices=devices)
    rep = step_lib.place(step_lib.replicate(state, n), devices)
    b = a.per_device_batch
    tokens = rng.integers(0, 256, (n, b, 784, 1)).astype(np.int32)
    valid = np.ones((n, b, 784), bool)
    labels = rng.integers(0, 10, (n, b)).astype(np.int32)
    for _ in range(3):
      rep, m = p_train(rep, tokens, valid, labels, jnp.float32(1), jnp.float32(1), jnp.float32(1))
    jax.block_until_ready(m)
    t0 = time.perf_counter()
    for _ in range(a.steps):
      rep, m = p_train(rep, tokens, valid, labels, jnp.float32(1), jnp.float32(1), jnp.float32(1))
    jax.block_until_ready(m)
    dt = (time.perf_counter() - t0) / a.steps
    seq_s = n * b / dt
    base = base or seq_s / n  # one device's, from the first count timed
    print(json.dumps({"variant": a.variant, "recurrence": a.recurrence, "devices": n,
                      "device_kind": devices[0].device_kind, "global_batch": n * b, "ms_per_step": round(dt * 1e3, 2),
                      "sequences_per_s": round(seq_s), "speedup_vs_1": round(seq_s / base, 3),
                      "jax": jax.__version__}), flush=True)


if __name__ == "__main__":
  main()
