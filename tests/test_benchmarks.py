"""The multi-GPU benchmarks' plumbing on CPU: processes aligned by the barrier, sums, bad flags."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(script, *args, env=None):
  return subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", script), *args],
                        env={**os.environ, "PYTHONPATH": ROOT, "JAX_PLATFORMS": "cpu",
                             **(env or {})},
                        capture_output=True, text=True, timeout=300)


def test_gpu_groups_times_one_window_per_group_and_sums_the_processes():
  r = _run("gpu_groups.py", "--gpus", "0,1", "--variant", "lstm_t300", "--recurrence", "scan",
           "--batch", "2", "--length", "32", "--steps", "2")
  assert r.returncode == 0, r.stderr[-2000:]
  one, two = [json.loads(line) for line in r.stdout.strip().splitlines()]
  assert (one["gpus"], two["gpus"]) == (1, 2)
  assert two["sequences_per_s"] == sum(two["per_gpu_sequences_per_s"])
  assert len(two["per_gpu_sequences_per_s"]) == 2 and one["vs_one_gpu"] == 1.0
  assert two["vs_one_gpu"] == round(two["sequences_per_s"] / one["sequences_per_s"], 2)
  assert 0.0 <= two["window_overlap"] <= 1.0
  assert one["mps"] is False and two["mps"] is False  # no MPS daemon on the test machine


def test_gpu_groups_passes_the_decoder_to_each_process():
  r = _run("gpu_groups.py", "--gpus", "0", "--variant", "rlstm_t300", "--recurrence", "scan",
           "--decoder", "8", "--batch", "2", "--length", "32", "--steps", "1")
  assert r.returncode == 0, r.stderr[-2000:]
  assert json.loads(r.stdout.strip().splitlines()[-1])["decoder"] == [8]


def test_gpu_groups_mps_without_cuda_mps_is_one_line_naming_the_fix():
  r = _run("gpu_groups.py", "--gpus", "0,0", "--mps", env={"PATH": "/usr/bin:/bin"})
  assert r.returncode == 2
  assert r.stderr.splitlines()[-1].endswith("which is not on PATH; run without --mps")


def test_gpu_groups_refuses_more_processes_than_gpus_in_one_line():
  r = _run("gpu_groups.py", "--gpus", "0,1", "--counts", "1,4")
  assert r.returncode == 2 and "outside 1..2 (the number of --gpus)" in r.stderr.splitlines()[-1]


def test_data_parallel_times_each_device_count_of_the_loop_step():
  r = _run("data_parallel.py", "--per_device_batch", "2", "--steps", "1", "--variant",
           "lstm_t300", "--counts", "1,2",
           env={"XLA_FLAGS": "--xla_force_host_platform_device_count=2"})
  assert r.returncode == 0, r.stderr[-2000:]
  rows = [json.loads(line) for line in r.stdout.strip().splitlines()]
  assert [x["devices"] for x in rows] == [1, 2] and [x["global_batch"] for x in rows] == [2, 4]
  assert rows[0]["speedup_vs_1"] == 1.0
  bad = _run("data_parallel.py", "--counts", "3",
             env={"XLA_FLAGS": "--xla_force_host_platform_device_count=2"})
  assert bad.returncode == 2 and "outside 1..2" in bad.stderr.splitlines()[-1]


def test_a_failed_point_records_the_exception_line_not_jax_s_trailing_note():
  sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
  try:
    import timing
  finally:
    sys.path.pop(0)
  stderr = ("Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n"
            "jax.errors.JaxRuntimeError: RESOURCE_EXHAUSTED: Out of memory allocating 31.90GiB\n"
            "--------------------\nFor simplicity, JAX has removed its internal frames from the "
            "traceback of the following exception. Set JAX_TRACEBACK_FILTERING=off to include "
            "these.\n")
  assert timing.error_line(stderr).startswith("jax.errors.JaxRuntimeError: RESOURCE_EXHAUSTED")
  assert timing.error_line("Killed\n") == "Killed"
  assert timing.error_line("") == "no output"


def test_packed_runs_times_the_decoder_it_is_given():
  r = _run("packed_runs.py", "--variant", "rlstm_t300", "--runs", "1,2", "--batch", "2",
           "--length", "32", "--steps", "1", "--decoder", "8")
  assert r.returncode == 0, r.stderr[-2000:]
  one, two = [json.loads(line) for line in r.stdout.strip().splitlines()]
  assert (one["runs"], two["runs"], one["decoder"]) == (1, 2, [8])
  # aggregate rate: 2 runs x batch 2 per step (the script rounds the rate to a whole number)
  rate = 4 / (two["step_ms"] / 1e3)
  assert abs(two["sequences_per_s"] - rate) <= 0.5 + 0.01 * rate
  bad = _run("packed_runs.py", "--decoder", "2x256")
  assert bad.returncode == 2 and "separated by commas" in bad.stderr.splitlines()[-1]


def test_gpu_groups_mps_leaves_no_daemon_behind(tmp_path):
  # A stand-in for CUDA MPS whose daemon, like the real one, exits a moment after `quit`: the
  # benchmark must not return before it has gone (the next daemon's start would be skipped).
  fake = tmp_path / "nvidia-cuda-mps-control"  # its process name, cut to 15: nvidia-cuda-mps
  fake.write_text(f"""#!/bin/bash
case "${{1:-}}" in
  -d) nohup "$0" serve > /dev/null 2>&1 & ;;
  serve) until [ -e {tmp_path}/quit ]; do sleep 0.1; done; sleep 1 ;;
  *) read -r cmd; [ "$cmd" = quit ] && touch {tmp_path}/quit ;;
esac
""")
  fake.chmod(0o755)
  r = _run("gpu_groups.py", "--gpus", "0", "--variant", "lstm_t300", "--recurrence", "scan",
           "--batch", "2", "--length", "32", "--steps", "1", "--mps",
           env={"PATH": f"{tmp_path}:{os.environ['PATH']}"})
  assert r.returncode == 0, r.stderr[-2000:]
  assert json.loads(r.stdout.strip().splitlines()[-1])["mps"] is True
  daemon = subprocess.run(["pgrep", "-f", f"{fake} serve"], capture_output=True)
  assert daemon.returncode == 1, "the stand-in daemon still runs after the benchmark returned"
