"""GPU speed and memory of the LSTM scan and of whole train steps, against PyTorch cuDNN.

  python benchmarks/gpu_bench.py --out DIR          # all parts, writes DIR/gpu_bench.json + .md
  python benchmarks/gpu_bench.py --part step --variant rlstm_t300 --T 1024 --recurrence fused
  python benchmarks/gpu_bench.py --part step --steps rlstm_t300:784:fused,rlstm_t300:784:fused/wavefront

Part "lstm": forward+backward of one LSTM layer (B=128, H=128, input 1, loss on the last step)
for our ``lstm.scan`` (hoisted input projection, unroll 16, fp32), our fused Pallas kernel
(``rnn_aux.lstm_fused``, three precision settings) and ``torch.nn.LSTM`` (cuDNN), in one process
of their own. Part "step": one full train step (value_and_grad of ``classifier.objective`` + RMSprop)
of the MNIST-sized models at several T, with ``recurrence`` "scan" and "fused" (or any
``MAIN/DECODERS`` pair, e.g. ``fused/wavefront``), each in its own process so that the device's
peak-memory counter belongs to that step alone.
"""
import argparse
import json
import os
import platform
import subprocess
import time

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

from timing import RESULT, child_result, median_ms  # this folder: the scripts run as files

B, H = 128, 128
TS = (784, 1024, 4096, 16384)
VARIANTS = ("lstm_full", "lstm_t300", "rlstm_t300", "rlstm_full")


def _lstm_loss(impl, h, unroll=16, **kernel):
  """Loss on the last step of one LSTM layer of ``h`` units run by ``impl``."""
  import jax
  import jax.numpy as jnp
  from rnn_aux import lstm, lstm_fused

  def loss(p, w, x, y):
    if impl == "scan":
      carry, _ = lstm.scan(p, lstm.zero_carry(p, B), x, unroll=unroll)
      last = carry[-1].h
    else:
      zero = jnp.zeros((B, h))
      hs, _ = lstm_fused.layer(p[0]["w_h"], lstm.project_inputs(p, x), zero, zero, **kernel)
      last = hs[-1]
    logp = jax.nn.log_softmax(last @ w)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], 1))
  return loss


def lstm_part(shapes):
  """Forward+backward of one layer: our scan and fused kernel vs torch cuDNN, same process."""
  import jax
  import jax.numpy as jnp
  from rnn_aux import lstm
  impls = [("rnn_aux lstm.scan unroll=16", "scan", {})]
  impls += [("rnn_aux fused kernel (default: fp16 fwd, bf16 bwd, approx tanh)", "fused", {}),
            ("rnn_aux fused kernel, fp16 fwd+bwd, approx tanh", "fused",
             {"backward_dtype": "float16"}),
            ("rnn_aux fused kernel, bf16 fwd+bwd, exact tanh", "fused",
             {"forward_dtype": "bfloat16", "approx_math": False})]
  rows = []
  for h, t in shapes:
    params = lstm.init(jax.random.PRNGKey(0), 1, (h,))
    w = jax.random.normal(jax.random.PRNGKey(1), (h, 10))
    x = jax.random.uniform(jax.random.PRNGKey(2), (t, B, 1))
    y = jax.random.randint(jax.random.PRNGKey(3), (B,), 0, 10)
    ref = None
    for name, impl, kernel in impls:
      f = jax.jit(jax.value_and_grad(_lstm_loss(impl, h, **kernel), argnums=(0, 1)))
      try:
        out = jax.block_until_ready(f(params, w, x, y))
      except Exception as e:  # noqa: BLE001  (a kernel configuration the compiler rejects)
        rows.append({"impl": name, "H": h, "T": t, "error": repr(e)[:400]})
        print(rows[-1], flush=True)
        continue
      row = {"impl": name, "H": h, "T": t,
             "ms": median_ms(lambda: jax.block_until_ready(f(params, w, x, y)))}
      if ref is None:
        ref = out
      else:  # agreement with the scan: largest gradient difference relative to its largest entry
        row["max_rel_grad_diff"] = max(
            float(jnp.max(jnp.abs(a - b)) / (jnp.max(jnp.abs(a)) + 1e-30))
            for a, b in zip(jax.tree.leaves(ref), jax.tree.leaves(out)))
      rows.append(row)
      print(rows[-1], flush=True)
  import torch
  torch.backends.cudnn.benchmark = True
  for h, t in shapes:
    net = torch.nn.LSTM(1, h).cuda(); head = torch.nn.Linear(h, 10).cuda()
    xt = torch.rand(t, B, 1, device="cuda"); yt = torch.randint(0, 10, (B,), device="cuda")
    def step():
      out, _ = net(xt)
      torch.nn.functional.cross_entropy(head(out[-1]), yt).backward()
      torch.cuda.synchronize()
    rows.append({"impl": "torch nn.LSTM (cuDNN)", "H": h, "T": t, "ms": median_ms(step)})
    print(rows[-1], flush=True)
  return rows


def step_part(variant, t, recurrence):
  import jax
  import optax
  from rnn_aux import classifier
  horizon = None if variant.endswith("full") else 300
  main_impl, _, decoder_impl = recurrence.partition("/")  # "fused/wavefront": main/decoders
  spec = classifier.ModelSpec(num_classes=10, horizon=horizon,
                          aux="reconstruction" if variant.startswith("rlstm") else None,
                          aux_horizon=horizon, aux_length=600, recurrence=main_impl,
                          decoder_recurrence=decoder_impl or None)
  params = classifier.init(jax.random.PRNGKey(0), spec)
  opt = optax.chain(optax.clip_by_global_norm(1.0), optax.rmsprop(1e-3))
  opt_state = opt.init(params)
  tokens = jax.random.randint(jax.random.PRNGKey(1), (B, t, 1), 0, 256)
  labels = jax.random.randint(jax.random.PRNGKey(2), (B,), 0, 10)

  def train_step(params, opt_state, tokens, labels, key):
    (l, _), g = jax.value_and_grad(classifier.objective, has_aux=True)(params, spec, tokens, labels, key)
    u, opt_state = opt.update(g, opt_state, params)
    return optax.apply_updates(params, u), opt_state, l

  f = jax.jit(train_step)
  compiled = f.lower(params, opt_state, tokens, labels, jax.random.PRNGKey(3)).compile()
  temp = compiled.memory_analysis().temp_size_in_bytes
  keys = iter(jax.random.split(jax.random.PRNGKey(4), 100))
  ms = median_ms(lambda: jax.block_until_ready(compiled(params, opt_state, tokens, labels, next(keys))))
  peak = (jax.devices()[0].memory_stats() or {}).get("peak_bytes_in_use", -1)
  return {"variant": variant, "recurrence": recurrence, "T": t, "ms": ms, "sequences_per_s": B / ms * 1e3,
          "temp_MiB": temp / 2**20, "peak_MiB": peak / 2**20}


def environment():
  import jax
  import flax
  env = {"date": time.strftime("%Y-%m-%d"), "jax": jax.__version__, "flax": flax.__version__,
         "python": platform.python_version(), "device": jax.devices()[0].device_kind}
  try:
    env["nvidia_smi"] = subprocess.run(
        ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
        capture_output=True, text=True).stdout.strip()
    import torch
    env["torch"] = torch.__version__
  except Exception as e:  # noqa: BLE001
    env["error"] = repr(e)
  return env


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--out", default=".")
  ap.add_argument("--part", default="all", choices=["all", "lstm", "step", "lstm_inner"])
  ap.add_argument("--variant", choices=VARIANTS)
  ap.add_argument("--T", type=int)
  ap.add_argument("--recurrence", default="scan",
                  help="scan | fused | wavefront, or MAIN/DECODERS (e.g. fused/wavefront)")
  ap.add_argument("--steps", default="",
                  help="VARIANT:T:RECURRENCE,... train steps to measure (default: every one)")
  ap.add_argument("--lstm_shapes", default="",
                  help="HxT,HxT,... for the lstm part (default: H=128 at every T, H=256 at 784)")
  a = ap.parse_args()
  if a.part == "step" and a.variant:
    print(RESULT + json.dumps(step_part(a.variant, a.T, a.recurrence)), flush=True)
    return
  out = {"environment": environment()}
  print(out, flush=True)
  if a.part == "lstm_inner":  # the lstm part in its own process (see below)
    shapes = ([tuple(int(v) for v in s.split("x")) for s in a.lstm_shapes.split(",")]
              if a.lstm_shapes else [(H, t) for t in TS] + [(2 * H, TS[0])])
    print(RESULT + json.dumps({"rows": lstm_part(shapes)}), flush=True)
    return
  if a.part in ("all", "lstm"):
    # Own process: torch's and JAX's allocators keep what the layer timings took, which would
    # otherwise crowd the train steps' memory and their peak counters.
    result = child_result(__file__, ["--part", "lstm_inner", "--lstm_shapes", a.lstm_shapes])
    out["lstm"] = result.get("rows", [result])
  if a.part in ("all", "step"):
    out["step"] = []
    todo = ([(v, int(t), r) for v, t, r in (x.split(":") for x in a.steps.split(","))] if a.steps
            else [(v, t, r) for v in VARIANTS for t in TS for r in ("scan", "fused")])
    for variant, t, recurrence in todo:  # scan/fused pairs adjacent: a cut-short run compares
      row = {"variant": variant, "recurrence": recurrence, "T": t, **child_result(__file__, [
          "--part", "step", "--variant", variant, "--T", str(t), "--recurrence", recurrence])}
      out["step"].append(row)
      print(row, flush=True)
  os.makedirs(a.out, exist_ok=True)
  with open(os.path.join(a.out, "gpu_bench.json"), "w") as f:
    json.dump(out, f, indent=1)
  lstm_rows = [r for r in out.get("lstm", []) if "H" in r]
  cols = sorted({(r["H"], r["T"]) for r in lstm_rows})
  md = ["| implementation | " + " | ".join(f"H={h} T={t}" for h, t in cols) + " |",
        "|---" * (len(cols) + 1) + "|"]
  for impl in sorted({r["impl"] for r in lstm_rows}):
    cells = []
    for h, t in cols:
      r = [r for r in lstm_rows if r["impl"] == impl and (r["H"], r["T"]) == (h, t)]
      cells.append("-" if not r else "error" if "error" in r[0] else f"{r[0]['ms']:.2f} ms")
    md.append(f"| {impl} | " + " | ".join(cells) + " |")
  md += ["", "| train step | " + " | ".join(f"T={t}" for t in TS) + " |", "|---" * (len(TS) + 1) + "|"]
  for recurrence in ("scan", "fused"):
    for v in VARIANTS:
      cells = []
      for t in TS:
        r = [r for r in out.get("step", [])
             if (r["variant"], r["T"], r.get("recurrence")) == (v, t, recurrence)]
        cells.append("error" if not r or "error" in r[0] else
                     f"{r[0]['ms']:.1f} ms, {r[0]['sequences_per_s']:.0f} seq/s, "
                     f"peak {r[0]['peak_MiB']:.0f} MiB, temp {r[0]['temp_MiB']:.0f} MiB")
      md.append(f"| {v} ({recurrence}) | " + " | ".join(cells) + " |")
  with open(os.path.join(a.out, "gpu_bench.md"), "w") as f:
    f.write("\n".join(md) + "\n")
  print("\n".join(md))


if __name__ == "__main__":
  main()
