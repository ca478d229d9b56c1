"""launch/reproduce_gpu.sh with a stand-in for python: what each run is started with."""
import os
import signal
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAKE_PYTHON = """#!/usr/bin/env bash
echo "GPU=${CUDA_VISIBLE_DEVICES-unset} ARGS=$*"
case "$*" in *fail*) exit 3;; esac
case "$*" in *wait*) trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.1; done;;
esac
"""


def _launch(tmp_path, runs, gpus, wait=True):
  fake = tmp_path / "python"
  fake.write_text(FAKE_PYTHON)
  fake.chmod(0o755)
  env = {**os.environ, "NO_MPS": "1", "GPUS": gpus, "PYTHON": str(fake),
         "OVERRIDES": "optimizer=adam"}
  cmd = ["bash", os.path.join(ROOT, "launch", "reproduce_gpu.sh"), "pmnist", "60", "/data",
         str(tmp_path / "out")] + runs
  if not wait:
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
  return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def _log(tmp_path, name):
  return (tmp_path / "out" / f"{name}.log").read_text()


def test_runs_are_dealt_out_over_the_gpus_with_their_flags(tmp_path):
  r = _launch(tmp_path, ["rlstm_t300", "lstm_t300+seed=1", "plstm_t300",
                         "mnist:lstm_t300+model.aligned_truncation=True"], "0,1")
  assert r.returncode == 0, r.stdout + r.stderr
  assert _log(tmp_path, "pmnist_rlstm_t300").startswith("GPU=0 ")
  assert _log(tmp_path, "pmnist_lstm_t300_seed_1").startswith("GPU=1 ")
  assert _log(tmp_path, "pmnist_plstm_t300").startswith("GPU=0 ")
  log = _log(tmp_path, "pmnist_lstm_t300_seed_1")
  assert "--config experiments/configs/paper.py:pmnist,lstm_t300" in log
  assert "--workdir " + str(tmp_path / "out" / "pmnist_lstm_t300_seed_1") in log
  assert "--config.optimizer=adam --config.seed=1" in log
  # a run of another task than the call's
  log = _log(tmp_path, "mnist_lstm_t300_model.aligned_truncation_True")
  assert log.startswith("GPU=1 ") and "paper.py:mnist,lstm_t300 " in log
  assert "--config.model.aligned_truncation=True" in log
  # no GPUs listed: the runs keep the environment's devices
  r = _launch(tmp_path, ["lstm_t300"], "")
  assert _log(tmp_path, "pmnist_lstm_t300").startswith("GPU=unset ")


def test_a_failed_run_fails_the_launcher(tmp_path):
  r = _launch(tmp_path, ["lstm_t300", "rlstm_t300+note=fail"], "0")
  assert r.returncode == 1
  assert "pmnist_rlstm_t300_note_fail (exit 3)" in r.stdout


def test_sigterm_reaches_every_run(tmp_path):
  p = _launch(tmp_path, ["lstm_t300+note=wait", "rlstm_t300+note=wait"], "0,1", wait=False)
  names = ["pmnist_lstm_t300_note_wait", "pmnist_rlstm_t300_note_wait"]
  deadline = time.time() + 30
  while time.time() < deadline and not all(
      (tmp_path / "out" / f"{n}.log").exists() and "ready" in _log(tmp_path, n) for n in names):
    time.sleep(0.2)
  p.send_signal(signal.SIGTERM)
  out, _ = p.communicate(timeout=30)
  assert p.returncode == 0, out
  for n in names:
    assert "got TERM" in _log(tmp_path, n)
