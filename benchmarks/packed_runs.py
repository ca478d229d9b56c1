"""Aggregate training throughput of R packed runs (one vmapped step) on one device.

  PYTHONPATH=. python benchmarks/packed_runs.py --variant rlstm_t300 --runs 1,2,4,8,16 \
      [--recurrence fused] [--steps 20] [--decoder 128]

The training loop's own step (``rnn_aux.train.step.pmapped(..., packed=True)``) at the paper's
MNIST sizes (T=784, batch 128 per run) on random tokens; one JSON line per R with the step time
and the aggregate sequences/s (R x batch / step time), beside R=1's. An R that does not fit in
the device's memory gets a line with its error, and the sweep goes on (not with ``--barrier``).

``--barrier DIR --group_size N`` (used by ``gpu_groups.py``): after compiling, wait until N
processes have reached the same point, so that processes on different GPUs time the same window;
each line then carries the window's wall-clock start and end.
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


def wait_for_group(folder: str, point: str, size: int, timeout_s: float = 600.0) -> None:
  """File barrier: mark this process at ``point`` and return once ``size`` processes are."""
  os.makedirs(folder, exist_ok=True)
  open(os.path.join(folder, f"{point}.{os.getpid()}"), "w").close()
  end = time.time() + timeout_s
  while sum(n.startswith(point + ".") for n in os.listdir(folder)) < size:
    if time.time() > end:
      raise SystemExit(f"packed_runs: fewer than {size} processes reached {point} in "
                       f"{timeout_s:.0f} s; see the other processes' errors")
    time.sleep(0.05)


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--variant", default="rlstm_t300", choices=["rlstm_t300", "lstm_t300"])
  ap.add_argument("--runs", default="1,2,4,8")
  ap.add_argument("--recurrence", default="scan", choices=["scan", "fused"])
  ap.add_argument("--batch", type=int, default=128)
  ap.add_argument("--length", type=int, default=784, help="sequence length (784: MNIST's)")
  ap.add_argument("--decoder", default="256,256",
                  help="the r-LSTM decoder's layer sizes (256,256: the paper's; 128 runs in the "
                       "fused kernel)")
  ap.add_argument("--steps", type=int, default=20)
  ap.add_argument("--barrier", default="", help="a folder shared by the processes to align")
  ap.add_argument("--group_size", type=int, default=1)
  a = ap.parse_args()
  try:
    decoder = tuple(int(x) for x in a.decoder.split(","))
  except ValueError:
    ap.error(f"--decoder {a.decoder!r}: give layer sizes separated by commas, e.g. 256,256 or 128")
  spec = classifier.ModelSpec(num_classes=10, horizon=300, aux_horizon=300, aux_length=600,
                              aux="reconstruction" if a.variant == "rlstm_t300" else None,
                              recurrence=a.recurrence, decoder_sizes=decoder)
  model = models.lstm_model(spec)
  opt = step_lib.make_optimizer("rmsprop", 1e-3, 1.0)
  p_train, _ = step_lib.pmapped(model, opt, devices=jax.local_devices()[:1], packed=True)
  rng = np.random.default_rng(0)
  base = None
  for r in [int(x) for x in a.runs.split(",")]:
    state = step_lib.place(step_lib.replicate(step_lib.init_runs(model, opt, list(range(r))), 1),
                           jax.local_devices()[:1])
    tokens = rng.integers(0, 256, (1, r, a.batch, a.length, 1)).astype(np.int32)
    valid = np.ones((1, r, a.batch, a.length), bool)
    labels = rng.integers(0, 10, (1, r, a.batch)).astype(np.int32)
    ones = np.ones((r,), np.float32)
    t0 = time.perf_counter()
    try:
      state, m = p_train(state, tokens, valid, labels, jnp.float32(1), ones, ones)
      jax.block_until_ready(m)
    except jax.errors.JaxRuntimeError as e:
      if a.barrier or "RESOURCE_EXHAUSTED" not in str(e):
        raise
      print(json.dumps({"variant": a.variant, "recurrence": a.recurrence, "runs": r,
                        "decoder": list(decoder), "batch_per_run": a.batch,
                        "error": str(e).splitlines()[0][:300],
                        "device": jax.devices()[0].device_kind, "jax": jax.__version__}),
            flush=True)
      continue
    compile_s = time.perf_counter() - t0
    if a.barrier:
      wait_for_group(a.barrier, f"runs{r}", a.group_size)
    window_start = time.time()
    t0 = time.perf_counter()
    for _ in range(a.steps):
      state, m = p_train(state, tokens, valid, labels, jnp.float32(1), ones, ones)
    jax.block_until_ready(m)
    step_s = (time.perf_counter() - t0) / a.steps
    seqs = r * a.batch / step_s
    base = base or seqs
    print(json.dumps({"variant": a.variant, "recurrence": a.recurrence, "runs": r,
                      "decoder": list(decoder), "batch_per_run": a.batch,
                      "step_ms": round(1e3 * step_s, 2),
                      "sequences_per_s": round(seqs), "vs_one_run": round(seqs / base, 2),
                      "first_call_s": round(compile_s, 1), "window": [window_start, time.time()],
                      "device": jax.devices()[0].device_kind, "jax": jax.__version__}),
          flush=True)


if __name__ == "__main__":
  main()
