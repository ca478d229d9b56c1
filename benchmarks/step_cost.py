"""What one training step computes, from XLA's cost analysis: floating-point operations and bytes
accessed, per config row and overrides, on any backend (CPU too). Counts, not a timing: it says
what a setting adds or saves before a GPU measures it, e.g. the p-LSTM's auxiliary window:

  PYTHONPATH=. python benchmarks/step_cost.py --task mnist \
      --point rlstm_t300:model.decoder_sizes=[128] \
      --point plstm_t300:model.decoder_sizes=[128] \
      --point plstm_t300:model.decoder_sizes=[128],model.aux_horizon=1

Each ``--point ROW[:KEY=VALUE,...]`` is the training loop's own step (``rnn_aux.train.step``, one
run, Adam) on the paper config's ROW with those overrides (VALUE as JSON: a list is ``[256,256]``),
at ``--batch``. Keep the ``scan`` recurrence (the default): the fused kernel's Pallas calls are
opaque to the analysis. One JSON line per point.
"""
import argparse
import functools
import json
import re

from timing import configured  # this folder: the scripts run as files


def cost(task_name: str, row: str, overrides: list, batch: int) -> dict:
  import jax
  import jax.numpy as jnp
  from rnn_aux.train import step as step_lib
  _, task, model = configured(task_name, row, overrides)
  opt = step_lib.make_optimizer("adam", 1e-3, 1.0)
  # the step's collectives need its axis: a one-device vmap names it without a device mesh
  train = jax.vmap(functools.partial(step_lib.train_step, model=model, optimizer=opt),
                   axis_name=step_lib.AXIS, in_axes=(0, 0, 0, 0, None, None))
  one = lambda x: x[None]  # noqa: E731
  state = jax.tree.map(one, step_lib.init_state(model, opt, 0))
  tokens = jnp.zeros((1, batch, task.seq_len, task.channels), jnp.int32)
  valid = jnp.ones((1, batch, task.seq_len), bool)
  labels = jnp.zeros((1, batch), jnp.int32)
  analysis = jax.jit(train).lower(state, tokens, valid, labels, 1.0, 1.0).compile().cost_analysis()
  analysis = analysis[0] if isinstance(analysis, list) else analysis  # older jax: one per device
  return {"task": task_name, "row": row, "overrides": overrides, "batch": batch,
          "flops": int(analysis["flops"]), "bytes_accessed": int(analysis["bytes accessed"]),
          "backend": jax.default_backend(), "jax": jax.__version__}


def _point(text: str) -> tuple:
  from experiments.configs import paper
  row, _, rest = text.partition(":")
  # a comma starts the next override only before KEY=, so that a value may be a list
  overrides = [item for item in re.split(r",(?=[\w.]+=)", rest) if item]
  bad = [item for item in overrides if not re.match(r"[\w.]+=.", item)]
  if row not in paper.ROWS or bad:
    raise argparse.ArgumentTypeError(
        f"{text!r}: give ROW[:KEY=VALUE,...] with ROW one of {', '.join(paper.ROWS)}, e.g. "
        "plstm_t300:model.aux_horizon=1")
  return row, overrides


def main():
  ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  ap.add_argument("--task", default="mnist")
  ap.add_argument("--point", type=_point, action="append", required=True,
                  help="ROW[:KEY=VALUE,...] (repeat)")
  ap.add_argument("--batch", type=int, default=128)
  a = ap.parse_args()
  for row, overrides in a.point:
    try:
      result = cost(a.task, row, overrides, a.batch)
    except (KeyError, ValueError) as e:  # an unknown task or config field, a bad value
      ap.error(f"--point {row}:{','.join(overrides)}: {e}")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
  main()
