"""The README's code example runs as written."""
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_composition_example_runs():
  blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
  assert blocks, "README has no python example"
  scope = {}
  exec(compile(blocks[0], "README.md", "exec"), scope)
  assert float(scope["loss"]) > 0
  assert scope["metrics"]["fraction_valid"] == 1.0
  import jax
  assert sum(float(abs(g).sum()) for g in jax.tree.leaves(scope["grads"])) > 0
