"""Seconds per batch and peak GPU memory against sequence length (the paper's Figure 3, in kind).

  PYTHONPATH=. python benchmarks/length_sweep.py --sides 40,56,72,96,128 \
      [--rows lstm_full,rlstm_t300,plstm_t300,transformer] [--batch 128] [--steps 5] [--out F]

Each (row, side) is the training loop's own step (``rnn_aux.train.step.pmapped``, one device) of
the paper's config row on ``cifar10_jpeg_lossy@SIDE`` (SIDE x SIDE RGB pixels: SIDE^2 steps of 3
tokens), random tokens, in a process of its own so that the device's peak-memory counter is that
step's. Config overrides apply to every row (``--set model.recurrence=fused``; they must exist in
each row's config). One JSON line per
point: median seconds per batch, sequences/s, peak MiB, first-call (compile) seconds, or the error
(e.g. out of memory) for points that do not fit.
"""
import argparse
import json
import os
import time

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

from timing import RESULT, child_result  # this folder: the scripts run as files


def point(row: str, side: int, batch: int, steps: int, overrides: list) -> dict:
  import jax
  import jax.numpy as jnp
  import numpy as np
  from experiments.configs import paper
  from rnn_aux.data import tasks
  from rnn_aux.train import models, step as step_lib
  task_name = f"cifar10_jpeg_lossy@{side}"
  config = paper.make(task_name, row)
  for item in overrides:
    key, _, value = item.partition("=")
    try:
      value = json.loads(value)
    except json.JSONDecodeError:  # a bare string: model.recurrence=fused
      pass
    config.update_from_flattened_dict({key: value})
  task = tasks.get_task(task_name)
  model = models.build(config.model, task)
  opt = step_lib.make_optimizer(config.optimizer, config.learning_rate, config.clip_norm)
  devices = jax.local_devices()[:1]
  p_train, _ = step_lib.pmapped(model, opt, devices=devices)
  state = step_lib.place(step_lib.replicate(step_lib.init_state(model, opt, 0), 1), devices)
  rng = np.random.default_rng(0)
  tokens = rng.integers(0, 256, (1, batch, task.seq_len, task.channels)).astype(np.int32)
  valid = np.ones((1, batch, task.seq_len), bool)
  labels = rng.integers(0, task.num_classes, (1, batch)).astype(np.int32)
  one = jnp.float32(1)
  t0 = time.perf_counter()
  state, m = p_train(state, tokens, valid, labels, one, one, one)
  jax.block_until_ready(m)
  first = time.perf_counter() - t0
  times = []
  for _ in range(steps):
    t0 = time.perf_counter()
    state, m = p_train(state, tokens, valid, labels, one, one, one)
    jax.block_until_ready(m)
    times.append(time.perf_counter() - t0)
  s = float(np.median(times))
  peak = (devices[0].memory_stats() or {}).get("peak_bytes_in_use")  # None off GPU
  return {"row": row, "side": side, "T": task.seq_len, "batch": batch,
          "s_per_batch": round(s, 4), "sequences_per_s": round(batch / s, 1),
          "peak_MiB": None if peak is None else round(peak / 2**20, 1),
          "first_call_s": round(first, 1), "overrides": overrides,
          "device": devices[0].device_kind, "jax": jax.__version__}


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--sides", default="40,56,72,96,128")
  ap.add_argument("--rows", default="lstm_full,rlstm_t300,plstm_t300,transformer")
  ap.add_argument("--batch", type=int, default=128)
  ap.add_argument("--steps", type=int, default=5)
  ap.add_argument("--set", action="append", default=[], help="config override KEY=JSON_VALUE")
  ap.add_argument("--out", default="", help="also append the JSON lines to this file")
  ap.add_argument("--point", default="", help=argparse.SUPPRESS)  # ROW:SIDE, in a child process
  a = ap.parse_args()
  if a.point:
    row, side = a.point.split(":")
    print(RESULT + json.dumps(point(row, int(side), a.batch, a.steps, a.set)), flush=True)
    return
  for side in (int(s) for s in a.sides.split(",")):
    for row in a.rows.split(","):
      result = child_result(os.path.abspath(__file__), [
          "--point", f"{row}:{side}", "--batch", str(a.batch), "--steps", str(a.steps)]
          + [f"--set={s}" for s in a.set])
      if "error" in result:
        result = {"row": row, "side": side, "T": side * side, "batch": a.batch,
                  "overrides": a.set, **result}
      line = json.dumps(result)
      print(line, flush=True)
      if a.out:
        with open(a.out, "a") as f:
          f.write(line + "\n")


if __name__ == "__main__":
  main()
