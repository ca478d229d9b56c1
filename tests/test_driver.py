"""The GPU sessions' driver (docs/results/session5_drive.sh) and its plans (docs/results/plans/):
every plan expands, on CPU, into training runs whose workdirs are distinct and whose --config flags
name real config fields, so a typo costs a test failure here rather than device minutes there."""
import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from experiments.configs import paper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DRIVER = os.path.join(ROOT, "docs", "results", "session5_drive.sh")
PLANS = os.path.join(ROOT, "docs", "results", "plans")
PLAN_FILES = ("recipes", "ran", "queued")


def _read(path: str) -> str:
  with open(path) as f:
    return f.read()


PLAN_TEXT = {name: _read(os.path.join(PLANS, f"{name}.sh")) for name in PLAN_FILES}
ALL_PLAN_TEXT = "".join(PLAN_TEXT.values())

# The driver's functions without its command dispatch, with what touches a GPU, the data or the
# clock replaced: `run` prints its workdir, task, row and flags, one line each.
HARNESS = r"""
source <(sed '/^case "/,$d' "$DRIVER")
run() {  # one echo a line: plans run chains side by side
  local line; line=$(printf 'RUN\t%s\t%s\t%s' "$2" "${TASK:-cifar10_jpeg_lossy}" "$3"); shift 3
  [ $# = 0 ] || line+=$(printf '\t%q' "$@")
  echo "$line"
}
bench() { :; }
wait_for() { :; }
plan_data_ready() { :; }
sleep() { :; }
pgrep() { return 1; }
"plan_$PLAN"
wait
"""


def _plans(files=PLAN_FILES):
  return [plan for name in files
          for plan in re.findall(r"^plan_(session\w+)\(\) \{", PLAN_TEXT[name], flags=re.M)]


def _expand(plan: str, tmp_path, gpus: str = "0 0 0 0") -> tuple[list, str]:
  """The plan's runs (workdir, task, row, flags...) and stderr (where a plan names a GPU that
  GPUS lacks, the driver's ``set -u`` says so)."""
  env = {**os.environ, "DRIVER": DRIVER, "PLANS": PLANS, "PLAN": plan, "GPUS": gpus,
         "OUT": str(tmp_path), "SKIP_BENCH": "1", "NO_MPS": "1"}
  proc = subprocess.run(["bash", "-c", HARNESS], env=env, capture_output=True, text=True,
                        timeout=60, cwd=tmp_path)
  runs = [line.split("\t")[1:] for line in proc.stdout.splitlines() if line.startswith("RUN\t")]
  return runs, proc.stderr


def _field_exists(config, dotted: str) -> bool:
  node = config
  for part in dotted.split("."):
    if not hasattr(node, "keys") or part not in node.keys():
      return False
    node = node[part]
  return True


def test_the_driver_lists_its_plans():
  assert {"session18_cifar", "session18_fig4", "session18_length", "session19_mnist"} <= set(
      _plans())


def test_no_name_is_defined_twice_across_the_driver_and_its_plans():
  # bash lets a later definition silently replace an earlier one, so a plan moved to ran.sh but
  # left in queued.sh (or a recipe redefined by a plan file) would run whichever came last
  seen = {}
  for where, text in [("driver", _read(DRIVER)), *PLAN_TEXT.items()]:
    for name in re.findall(r"^(\w+)(?:\(\) \{|=\()", text, flags=re.M):
      assert name not in seen, f"{name} is defined in both {seen[name]} and {where}"
      seen[name] = where


def test_queued_plans_are_those_its_header_lists_and_each_gives_its_gpus():
  header = PLAN_TEXT["queued"].split("\nplan_", 1)[0]
  listed = re.findall(r"^#\s+(session\w+) \(GPUS=", header, flags=re.M)
  assert sorted(listed) == sorted(_plans(["queued"]))
  assert all(_documented_gpus(plan) for plan in listed)


def test_the_driver_finds_its_plans_from_any_working_directory(tmp_path):
  got = subprocess.run(["bash", DRIVER, "no_such_command"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=60)
  assert got.returncode == 2 and got.stderr.startswith("usage:"), got.stderr


@pytest.mark.parametrize("plan", _plans())
def test_every_plan_expands_into_distinct_runs_of_real_config_fields(plan, tmp_path):
  runs, stderr = _expand(plan, tmp_path)
  assert not stderr.strip(), f"plan {plan}: {stderr.strip()}"
  assert runs, f"plan {plan} starts no training run"
  names = [name for name, *_ in runs]
  assert len(names) == len(set(names)), f"plan {plan} gives two runs one workdir"
  for name, task, row, *flags in runs:
    config = paper.make(task, row)
    for flag in flags:
      flag = shlex.split(flag)[0]  # as bash's %q quoted it
      match = re.fullmatch(r"--config\.([\w.]+)=.*", flag, flags=re.S)
      assert match, f"plan {plan}, {name}: {flag!r} is not --config.FIELD=VALUE"
      assert _field_exists(config, match.group(1)), (
          f"plan {plan}, {name}: no config field {match.group(1)!r} for {task},{row}")


def _documented_gpus(plan: str):
  """The GPUS="..." that the plan's own comment tells its caller to give, if any."""
  body = re.search(rf"^plan_{plan}\(\) \{{\n(.*?)^\}}", ALL_PLAN_TEXT, flags=re.M | re.S).group(1)
  found = re.search(r'GPUS="([0-9 ]+)"', body)
  return found.group(1) if found else None


@pytest.mark.parametrize("plan", [p for p in _plans() if _documented_gpus(p)])
def test_each_plan_has_a_gpu_for_every_run_at_the_gpus_its_comment_gives(plan, tmp_path):
  runs, stderr = _expand(plan, tmp_path, gpus=_documented_gpus(plan))
  assert runs and not stderr.strip(), f"plan {plan} at GPUS=\"{_documented_gpus(plan)}\": {stderr}"


def _functions(script: str, cwd, **env) -> subprocess.CompletedProcess:
  """``script`` run after sourcing the driver's functions (not its command dispatch), with this
  interpreter as the device's ``python3`` and the repository importable, as on the device."""
  env = {**os.environ, "DRIVER": DRIVER, "PLANS": PLANS, "PYTHONPATH": ROOT,
         "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"], **env}
  return subprocess.run(["bash", "-c", "source <(sed '/^case \"/,$d' \"$DRIVER\")\n" + script],
                        env=env, capture_output=True, text=True, timeout=120, cwd=cwd)


def _budget_floors(text: str) -> list[tuple[int, str]]:
  words = re.search(r"^BUDGET_FLOORS=\(([^)]*)\)", text, flags=re.M).group(1).split()
  return [(int(words[i]), words[i + 1]) for i in range(0, len(words), 2)]


def _pick(seconds: str, plans: str = PLANS):
  return subprocess.run(["bash", DRIVER, "pick", seconds], env={**os.environ, "PLANS": plans},
                        capture_output=True, text=True, timeout=60)


def test_budget_floors_name_queued_plans_from_the_highest_floor_down():
  floors = _budget_floors(PLAN_TEXT["queued"])
  assert [f for f, _ in floors] == sorted({f for f, _ in floors}, reverse=True)
  assert {p for _, p in floors} <= set(_plans(["queued"]))


def test_pick_gives_a_budget_the_plan_of_the_highest_floor_it_reaches_with_its_gpus():
  floors = _budget_floors(PLAN_TEXT["queued"])
  for i, (floor, plan) in enumerate(floors):
    # this plan from its floor up to just below the next floor (the top plan: any budget above)
    for seconds in [floor] + ([floors[i - 1][0] - 1] if i else [floor + 10_000]):
      got = _pick(str(seconds))
      assert got.returncode == 0, got.stderr
      assert got.stdout.splitlines() == [
          f'setup: GPUS="{_documented_gpus(plan)}" bash docs/results/session5_drive.sh setup {plan}',
          "carry: .carry/wheels .carry/mnistshim"]
  below = _pick(str(floors[-1][0] - 1))
  assert below.returncode == 1 and below.stderr.startswith("none:") and not below.stdout


def test_pick_names_the_cifar_staging_calls_and_refuses_a_budget_that_is_not_a_number(tmp_path):
  for name in PLAN_FILES:
    text = PLAN_TEXT[name]
    if name == "queued":  # the same plans, floors naming a CIFAR-10 one
      text = re.sub(r"^BUDGET_FLOORS=.*$", "BUDGET_FLOORS=(900 session18_fig4)", text, flags=re.M)
    (tmp_path / f"{name}.sh").write_text(text)
  got = _pick("1000", str(tmp_path))
  assert got.returncode == 0, got.stderr
  assert got.stdout.splitlines()[1].startswith("carry: .carry/wheels .carry/cifar_1; then")
  for bad in ("", "12.5", "-3", "all", "1" * 20):
    got = _pick(bad)
    assert got.returncode == 2 and got.stderr.startswith("usage:"), (bad, got.stderr)


def test_a_handover_carries_a_stopped_run_whole_to_the_next_machine(tmp_path):
  # machine 1: a run stopped by the machine's end, its log beside its workdir
  wd1, wd2, out, here = (tmp_path / n for n in ("wd1", "wd2", "out", "here"))
  run = wd1 / "cifar_x"
  (run / "checkpoints" / "7").mkdir(parents=True)
  state = os.urandom(40_000)
  (run / "checkpoints" / "7" / "state").write_bytes(state)
  (run / "config.json").write_text('{"task": "cifar10_jpeg_lossy"}')
  (run / "results.json").write_text('{"status": "preempted"}')
  (wd1 / "cifar_x.log").write_text("step 7 epoch 0.10\nstopped by signal at step 7\n")
  done = wd1 / "mnist_y"  # a run that ended: not handed over by HANDOVER=unfinished
  done.mkdir()
  (done / "config.json").write_text("{}")
  (done / "results.json").write_text('{"status":"completed"}')  # compact, as collect writes
  here.mkdir()
  listed = _functions("unfinished_runs", here, WD=str(wd1))
  assert listed.stdout.split() == ["cifar_x"], listed.stderr
  packed = _functions("pack_handovers cifar_x nothing_here", here, WD=str(wd1), OUT=str(out))
  assert packed.returncode == 0, packed.stderr
  assert "HANDOVER: no workdir nothing_here" in packed.stderr
  assert (out / "handover" / "cifar_x.handover.json").is_file()
  # here: the stop's files into .carry/handover, never over an earlier one
  got = subprocess.run(["bash", DRIVER, "receive", str(out)], cwd=here, capture_output=True,
                       text=True, timeout=60)
  assert got.returncode == 0, got.stderr
  again = subprocess.run(["bash", DRIVER, "receive", str(out)], cwd=here, capture_output=True,
                         text=True, timeout=60)
  assert again.returncode == 1 and "move it away first" in again.stderr
  # machine 2: setup's stage unpacks it where the plan's run of the same name resumes it
  unpacked = _functions("unpack_handovers; unpack_handovers", here, WD=str(wd2))
  assert unpacked.returncode == 0, unpacked.stderr
  assert (wd2 / "cifar_x" / "checkpoints" / "7" / "state").read_bytes() == state
  assert (wd2 / "cifar_x" / "results.json").read_text() == '{"status": "preempted"}'
  # the log goes on from where machine 1's ended; a second stage call leaves the workdir alone
  assert (wd2 / "cifar_x.log").read_text().endswith("stopped by signal at step 7\n")
  assert "handover cifar_x: already in" in unpacked.stdout


def test_collect_keeps_each_run_of_a_poll_snapshot_when_the_machine_is_lost(tmp_path):
  # what a poll's snapshot.tgz holds (the logs beside the workdirs, no checkpoints): session 21's
  # machine went back during its last call, and this is all that came back
  wd, dest = tmp_path / "wd", tmp_path / "docs_results"
  run = wd / "pmnist_x"
  run.mkdir(parents=True)
  (run / "config.json").write_text('{"task": "pmnist"}')
  (run / "results.json").write_text(json.dumps(
      {"status": "running", "history": [{"epoch": 61.0, "accuracy": 0.918765432}]}, indent=2))
  (wd / "pmnist_x.log").write_text("step 26169 epoch 61.00: test accuracy 0.9188\n")
  (wd / "orchestrator.log").write_text("17:43:52 data ready; starting the runs\n")
  (wd / "not_a_run").mkdir()  # e.g. a folder without config.json: skipped
  snapshot = tmp_path / "snapshot.tgz"
  subprocess.run(["tar", "-czf", str(snapshot), "-C", str(wd), "."], check=True)
  for _ in range(2):  # a second machine's snapshot of the same session appends its log
    got = subprocess.run(["bash", DRIVER, "collect", str(snapshot), str(dest)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep
                              + os.environ["PATH"]})
    assert got.returncode == 0, got.stderr
  assert got.stdout.split() == [f"{dest}/pmnist_x"]
  assert (dest / "pmnist_x" / "config.json").read_text() == '{"task": "pmnist"}'
  results = json.loads((dest / "pmnist_x" / "results.json").read_text())
  assert results == {"status": "running", "history": [{"epoch": 61.0, "accuracy": 0.918765}]}
  assert (dest / "pmnist_x" / "train.log").read_text().startswith("step 26169 epoch 61.00")
  assert (dest / "orchestrator.log").read_text().count("starting the runs") == 2
  assert not (dest / "not_a_run").exists()
  usage = subprocess.run(["bash", DRIVER, "collect", str(tmp_path / "missing.tgz"), str(dest)],
                         capture_output=True, text=True, timeout=60)
  assert usage.returncode == 2 and "usage:" in usage.stderr
