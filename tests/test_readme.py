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


def test_the_public_api_is_what_all_names():
  # the README's example and "Using the auxiliary losses" use these names from the package
  import rnn_aux
  import rnn_aux.data
  for module in (rnn_aux, rnn_aux.data):
    assert all(hasattr(module, name) for name in module.__all__), module.__name__
  used = set(re.findall(r"rnn_aux\.([a-zA-Z_]+)\(", README.read_text()))
  assert used and used <= set(rnn_aux.__all__), used - set(rnn_aux.__all__)
