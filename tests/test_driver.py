"""The GPU sessions' driver (docs/results/session5_drive.sh): every plan expands, on CPU, into
training runs whose workdirs are distinct and whose --config flags name real config fields, so a
typo costs a test failure here rather than device minutes there."""
import os
import re
import shlex
import subprocess

import pytest

from experiments.configs import paper

DRIVER = os.path.join(os.path.dirname(__file__), "..", "docs", "results", "session5_drive.sh")

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


def _plans():
  with open(DRIVER) as f:
    return re.findall(r"^plan_(session\w+)\(\) \{", f.read(), flags=re.M)


def _expand(plan: str, tmp_path) -> tuple[list, str]:
  env = {**os.environ, "DRIVER": DRIVER, "PLAN": plan, "GPUS": "0 0 0 0", "OUT": str(tmp_path),
         "SKIP_BENCH": "1", "NO_MPS": "1"}
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
