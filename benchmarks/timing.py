"""What the benchmark scripts share: a median over timed calls, and one point in a child process
(so that each point's compilation, allocator and peak-memory counter are its own)."""
import json
import re
import subprocess
import sys
import time

import numpy as np

RESULT = "RESULT "  # the prefix of the one line a child prints for its parent
# "ValueError: ...", "jax.errors.JaxRuntimeError: RESOURCE_EXHAUSTED ...": JAX prints notes (e.g.
# "For simplicity, JAX has removed its internal frames ...") after the exception's own line.
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exhausted|Interrupt)\b.*")


def error_line(stderr: str) -> str:
  """The line of ``stderr`` that names the exception: the last ``SomeError: ...`` line, else the
  last line."""
  lines = [l for l in stderr.strip().splitlines() if l.strip()] or ["no output"]
  named = [l for l in lines if _EXCEPTION_LINE.match(l)]
  return (named or lines)[-1][:300]


def median_ms(fn, n: int = 20) -> float:
  """Median milliseconds of ``fn()`` over ``n`` calls, after two untimed ones."""
  fn()
  fn()
  ts = []
  for _ in range(n):
    t = time.perf_counter()
    fn()
    ts.append(time.perf_counter() - t)
  return float(np.median(ts) * 1e3)


def child_result(script: str, args: list) -> dict:
  """Run ``script args`` with this Python: the dict of its last ``RESULT {json}`` line, or
  ``{"error": the exception's line of its stderr}`` (e.g. out of memory)."""
  r = subprocess.run([sys.executable, script] + list(args), capture_output=True, text=True)
  lines = [l for l in r.stdout.splitlines() if l.startswith(RESULT)]
  if lines:
    return json.loads(lines[-1][len(RESULT):])
  return {"error": error_line(r.stderr)}
