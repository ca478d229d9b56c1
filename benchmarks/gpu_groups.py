"""Groups of packed runs spread over the GPUs of one host: aggregate sequences/s against one GPU.

  PYTHONPATH=. python benchmarks/gpu_groups.py --gpus 0,1,2,3 --counts 1,2,4 \
      --variant rlstm_t300 --runs 2 [--recurrence fused] [--decoder 128] [--steps 20]
  PYTHONPATH=. python benchmarks/gpu_groups.py --gpus 0,0,0,0 --counts 1,2,4 [--mps]

How ``launch/reproduce_gpu.sh`` uses a host: independent processes, one per GPU
(``CUDA_VISIBLE_DEVICES``), no communication. For each count n, n processes run
``packed_runs.py`` with the same R, compile, meet at a file barrier, then time the same window; one
JSON line per n with each GPU's sequences/s, their sum, the sum against one GPU's, and how much the
timed windows overlapped (1.0: the same interval; a low value means the sum overstates).

A GPU named more than once runs that many processes on it, as ``launch/reproduce_gpu.sh`` does on
a one-GPU machine: they time-slice it unless a CUDA MPS daemon runs. ``--mps`` starts one for the
measurement (and stops it after, if it was not already up); each row records whether a daemon ran.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def group(gpus: list, args: argparse.Namespace) -> dict:
  barrier = tempfile.mkdtemp(prefix="gpu_groups_")
  cmd = [sys.executable, os.path.join(HERE, "packed_runs.py"), "--variant", args.variant,
         "--runs", str(args.runs), "--recurrence", args.recurrence, "--batch", str(args.batch),
         "--length", str(args.length), "--decoder", args.decoder, "--steps", str(args.steps),
         "--barrier", barrier,
         "--group_size", str(len(gpus))]
  procs = [subprocess.Popen(cmd, env={**os.environ, "CUDA_VISIBLE_DEVICES": str(g)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
           for g in gpus]
  rows = []
  for g, p in zip(gpus, procs):
    out, err = p.communicate()
    if p.returncode != 0:
      for q in procs:
        q.kill()
      raise SystemExit(f"gpu_groups: the process on GPU {g} failed (exit {p.returncode}):\n"
                       + err[-3000:])
    rows.append(json.loads(out.strip().splitlines()[-1]))
  starts = [r["window"][0] for r in rows]
  ends = [r["window"][1] for r in rows]
  mean_len = sum(e - s for s, e in zip(starts, ends)) / len(rows)
  return {"variant": args.variant, "recurrence": args.recurrence, "runs_per_gpu": args.runs,
          "decoder": rows[0]["decoder"], "batch_per_run": args.batch, "length": args.length,
          "gpus": len(gpus),
          "per_gpu_sequences_per_s": [r["sequences_per_s"] for r in rows],
          "step_ms": [r["step_ms"] for r in rows],
          "sequences_per_s": sum(r["sequences_per_s"] for r in rows),
          "window_overlap": round(max(0.0, min(ends) - max(starts)) / mean_len, 3),
          "device": rows[0]["device"], "jax": rows[0]["jax"]}


def mps_running() -> bool:
  """Whether a CUDA MPS daemon or server runs (a process name is cut to 15 characters)."""
  if shutil.which("nvidia-cuda-mps-control") is None:  # no CUDA MPS on this machine
    return False
  return subprocess.run(["pgrep", "-x", "nvidia-cuda-mps"], capture_output=True).returncode == 0


def start_mps() -> bool:
  """Start the MPS control daemon unless one runs; whether this call started it."""
  if mps_running():
    return False
  subprocess.run(["nvidia-cuda-mps-control", "-d"], check=True)
  return True


def stop_mps(timeout_s: float = 30.0) -> None:
  """Quit the daemon and wait for it to exit: `quit` returns before the daemon has gone, and a
  caller that starts its own daemon at once would find this one and start none."""
  subprocess.run(["nvidia-cuda-mps-control"], input="quit\n", text=True, check=True)
  deadline = time.monotonic() + timeout_s
  while mps_running():
    if time.monotonic() > deadline:
      sys.exit(f"error: the CUDA MPS daemon still runs {timeout_s:.0f} s after quit; stop it with "
               "`echo quit | nvidia-cuda-mps-control` before starting another")
    time.sleep(0.2)


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--gpus", default="0", help="GPU indices, e.g. 0,1,2,3")
  ap.add_argument("--counts", default="", help="group sizes to time (default 1 and all)")
  ap.add_argument("--variant", default="rlstm_t300", choices=["rlstm_t300", "lstm_t300"])
  ap.add_argument("--runs", type=int, default=1, help="packed runs per GPU")
  ap.add_argument("--recurrence", default="fused", choices=["scan", "fused"])
  ap.add_argument("--batch", type=int, default=128)
  ap.add_argument("--length", type=int, default=784)
  ap.add_argument("--decoder", default="256,256",
                  help="the r-LSTM decoder's layer sizes, as packed_runs.py's (128: ours)")
  ap.add_argument("--steps", type=int, default=20)
  ap.add_argument("--mps", action="store_true",
                  help="run the groups under a CUDA MPS daemon (started here if none runs)")
  a = ap.parse_args()
  if a.mps and shutil.which("nvidia-cuda-mps-control") is None:
    ap.error("--mps needs CUDA MPS (nvidia-cuda-mps-control), which is not on PATH; run "
             "without --mps")
  gpus = [g for g in a.gpus.split(",") if g]
  counts = [int(c) for c in a.counts.split(",")] if a.counts else sorted({1, len(gpus)})
  bad = [c for c in counts if not 1 <= c <= len(gpus)]
  if bad:
    ap.error(f"--counts {bad} outside 1..{len(gpus)} (the number of --gpus)")
  started = a.mps and start_mps()
  try:
    base = None
    for n in counts:
      row = group(gpus[:n], a)
      base = base or row["sequences_per_s"] / n
      row["vs_one_gpu"] = round(row["sequences_per_s"] / base, 2)  # against one process's
      row["mps"] = mps_running()
      print(json.dumps(row), flush=True)
  finally:
    if started:
      stop_mps()


if __name__ == "__main__":
  main()
