"""A user's own data with no code: ``npz:PATH`` arrays and ``tfds:NAME@SIDE`` datasets, on files
the tests write (no network)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow_datasets as tfds
from PIL import Image

from rnn_aux.data import pipeline, tasks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _images(n, seed, shape=(6, 5)):
  return np.random.default_rng(seed).integers(0, 256, (n, *shape), dtype=np.uint8)


def _write(path, **arrays):
  np.savez(path, **arrays)
  return f"npz:{path}"


@pytest.fixture
def npz_images(tmp_path):
  x_train, x_test = _images(40, 0), _images(12, 1)
  y_train = np.arange(40) % 7
  y_test = np.arange(12) % 7
  name = _write(tmp_path / "d.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
  return name, x_train, y_train, x_test, y_test


def test_npz_images_yield_the_written_arrays_in_permutation_order(npz_images):
  name, x_train, y_train, x_test, y_test = npz_images
  task = tasks.get_task(name)
  assert (task.seq_len, task.channels, task.vocab_size, task.num_classes) == (30, 1, 256, 7)
  assert task.kind == "image" and task.image_size is None  # 6x5: not square
  source = pipeline.load_source(task, "train", None)
  loader = pipeline.SequenceLoader(task, source, global_batch_size=8, seed=5)
  perm = np.random.default_rng([5, 0]).permutation(40)
  for step in range(5):  # the whole epoch, in the documented order
    batch = next(loader)
    idx = perm[step * 8:(step + 1) * 8]
    np.testing.assert_array_equal(batch.tokens, x_train[idx].reshape(8, 30, 1))
    np.testing.assert_array_equal(batch.labels, y_train[idx])
    assert batch.tokens.dtype == np.uint8 and batch.valid.all()
  # exact resume across the epoch boundary
  state = loader.get_state()
  expected = [next(loader) for _ in range(3)]
  again = pipeline.SequenceLoader(task, source, global_batch_size=8, seed=5)
  again.set_state(state)
  for e in expected:
    np.testing.assert_array_equal(next(again).tokens, e.tokens)
  perm1 = np.random.default_rng([5, 1]).permutation(40)
  np.testing.assert_array_equal(expected[0].labels, y_train[perm1[:8]])
  # two hosts: disjoint halves whose concatenation is the global batch
  halves = [next(pipeline.SequenceLoader(task, source, global_batch_size=8, seed=5,
                                         process_index=p, process_count=2)) for p in (0, 1)]
  np.testing.assert_array_equal(np.concatenate([h.labels for h in halves]), y_train[perm[:8]])
  # validation: the last 10 training examples, in order, never in the training range
  train, val = pipeline.split_validation(source, 10)
  val_batches = list(pipeline.SequenceLoader(task, val, global_batch_size=4, shuffle=False,
                                             drop_remainder=False).epoch_batches())
  assert [float(b.weight.sum()) for b in val_batches] == [4, 4, 2]
  np.testing.assert_array_equal(np.concatenate([b.tokens for b in val_batches])[:10],
                                x_train[30:].reshape(10, 30, 1))
  assert len(train) == 30
  test = pipeline.SequenceLoader(task, pipeline.load_source(task, "test", None),
                                 global_batch_size=12, shuffle=False)
  np.testing.assert_array_equal(next(test).labels, y_test)


def test_npz_padded_sequences_and_vocabularies(tmp_path):
  rng = np.random.default_rng(0)
  x = rng.integers(0, 300, (10, 9, 2))  # NxTxC int64: more than 256 token values
  lengths = np.arange(10) % 9 + 1
  name = _write(tmp_path / "s.npz", x_train=x, y_train=np.arange(10) % 3, x_test=x[:4],
                y_test=np.arange(4) % 3, length_train=lengths, length_test=lengths[:4],
                kind="sequence")
  task = tasks.get_task(name)
  assert (task.seq_len, task.channels, task.num_classes, task.kind) == (9, 2, 3, "sequence")
  assert task.vocab_size == x.max() + 1
  batch = next(pipeline.SequenceLoader(task, pipeline.load_source(task, "train", None),
                                       global_batch_size=10, shuffle=False))
  np.testing.assert_array_equal(batch.tokens, x)
  assert batch.tokens.dtype == np.int32
  np.testing.assert_array_equal(batch.valid.sum(1), lengths)
  assert batch.valid[3, :4].all() and not batch.valid[3, 4:].any()
  # NxT with a validity mask and an explicit vocabulary and class count
  valid = np.arange(9)[None] < lengths[:, None]
  name = _write(tmp_path / "t.npz", x_train=x[..., 0] % 50, y_train=np.zeros(10, np.int64),
                x_test=x[:2, :, 0] % 50, y_test=np.zeros(2, np.int64), valid_train=valid,
                valid_test=valid[:2], vocab_size=64, num_classes=5)
  task = tasks.get_task(name)
  assert (task.seq_len, task.channels, task.vocab_size, task.num_classes) == (9, 1, 64, 5)
  batch = next(pipeline.SequenceLoader(task, pipeline.load_source(task, "test", None),
                                       global_batch_size=2, shuffle=False))
  np.testing.assert_array_equal(batch.valid, valid[:2])
  assert batch.tokens.dtype == np.uint8 and batch.tokens.shape == (2, 9, 1)


GOOD = dict(x_train=_images(4, 0), y_train=np.array([0, 1, 2, 1]), x_test=_images(2, 1),
            y_test=np.array([0, 1]))


@pytest.mark.parametrize("change, message", [
    (dict(y_test=None), "lacks y_test.*np.savez"),
    (dict(y_train=np.array([0, 1, 2])), "x_train has 4 examples but y_train has 3"),
    (dict(num_classes=np.int64(2)), "label 2, outside \\[0, 2\\).*raise num_classes"),
    (dict(y_test=np.array([0, -1])), "label -1; labels must be class ids"),
    (dict(x_train=GOOD["x_train"] / 255.0), "dtype float64; tokens must be integers"),
    (dict(x_test=_images(2, 1, (5, 5))), "x_test \\(5, 5\\); both splits need one shape"),
    (dict(vocab_size=np.int64(100)), "not below vocab_size 100"),
    (dict(x_test=-np.ones((2, 6, 5), np.int64)), "tokens must be >= 0"),
    (dict(length_train=np.array([1, 2, 3, 31])), "each must be in \\[1, 30\\]"),
    (dict(labels=np.zeros(4)), "unknown keys labels"),
    (dict(kind="picture"), "kind='image'.*kind='sequence'"),
    (dict(y_train=np.eye(3)[[0, 1, 2, 1]]), "np.argmax one-hot labels"),
])
def test_npz_mistakes_are_one_line_errors_naming_the_fix(tmp_path, change, message):
  arrays = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
  name = _write(tmp_path / "bad.npz", **arrays)
  with pytest.raises(ValueError, match=message) as e:
    tasks.get_task(name)
  assert "\n" not in str(e.value)


def test_npz_missing_or_unreadable_file(tmp_path):
  with pytest.raises(FileNotFoundError, match="no such file.*x_train, y_train"):
    tasks.get_task(f"npz:{tmp_path}/nothing.npz")
  (tmp_path / "text.npz").write_text("not a zip")
  with pytest.raises(ValueError, match="not a readable .npz"):
    tasks.get_task(f"npz:{tmp_path}/text.npz")
  with pytest.raises(ValueError, match="known: .*npz:PATH"):
    tasks.get_task("npz_typo:/x")


class RnnAuxTinyShapes(tfds.core.GeneratorBasedBuilder):
  """Images of varying size, with feature names other than image/label."""
  VERSION = tfds.core.Version("1.0.0")

  def _info(self):
    features = tfds.features.FeaturesDict({
        "picture": tfds.features.Image(shape=(None, None, 3)),
        "shape": tfds.features.ClassLabel(names=["disc", "square", "star"]),
        "id": tfds.features.Tensor(shape=(), dtype=np.int64)})
    return tfds.core.DatasetInfo(builder=self, disable_shuffling=True, features=features)

  def _split_generators(self, dl_manager):
    return {"train": self._generate_examples(48, 0), "test": self._generate_examples(20, 1)}

  def _generate_examples(self, n, seed):
    for i, image in enumerate(self.images(n, seed)):
      yield i, {"picture": Image.fromarray(image), "shape": i % 3, "id": i}

  @staticmethod
  def images(n, seed):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (5 + i % 7, 9 + i % 3, 3), dtype=np.uint8) for i in range(n)]


@pytest.fixture(scope="module")
def tiny_tfds(tmp_path_factory):
  d = str(tmp_path_factory.mktemp("tfds"))
  RnnAuxTinyShapes(data_dir=d, file_format="array_record").download_and_prepare()
  return d


def test_tfds_dataset_by_name_resized_to_sequences(tiny_tfds):
  task = tasks.get_task("tfds:rnn_aux_tiny_shapes@8", tiny_tfds)
  assert (task.seq_len, task.channels, task.vocab_size, task.num_classes) == (64, 3, 256, 3)
  assert (task.image_key, task.label_key) == ("picture", "shape")  # the only Image / ClassLabel
  loader = pipeline.SequenceLoader(task, pipeline.load_source(task, "train", tiny_tfds),
                                   global_batch_size=48, shuffle=False)
  batch = next(loader)
  originals = RnnAuxTinyShapes.images(48, 0)
  expected = np.stack([np.asarray(Image.fromarray(im).resize((8, 8), Image.BILINEAR))
                       for im in originals]).reshape(48, 64, 3)
  np.testing.assert_array_equal(batch.tokens, expected)
  np.testing.assert_array_equal(batch.labels, np.arange(48) % 3)
  # splits mapped by option: our test split is the last quarter of TFDS' train split
  task = tasks.get_task("tfds:rnn_aux_tiny_shapes@4+train=train[:75%]+test=train[75%:]",
                        tiny_tfds)
  test = pipeline.load_source(task, "test", tiny_tfds, "offline")
  assert len(test) == 12 and test[0]["image"].shape == (4, 4, 3) and test[0]["label"] == 36 % 3


def test_tfds_name_errors(tiny_tfds, tmp_path):
  with pytest.raises(ValueError, match="vary in size; give a square side.*@64"):
    tasks.get_task("tfds:rnn_aux_tiny_shapes", tiny_tfds)
  with pytest.raises(ValueError, match="no ClassLabel feature 'id'.*\\+label=FEATURE"):
    tasks.get_task("tfds:rnn_aux_tiny_shapes@8+label=id", tiny_tfds)
  with pytest.raises(ValueError, match="bad option 'side=8'"):
    tasks.get_task("tfds:rnn_aux_tiny_shapes+side=8", tiny_tfds)
  task = tasks.get_task("tfds:rnn_aux_tiny_shapes@8+test=validation", tiny_tfds)
  with pytest.raises(ValueError, match="has splits .*train.*\\+test=SPLIT"):
    pipeline.load_source(task, "test", tiny_tfds)
  with pytest.raises(ValueError, match="TFDS knows no dataset"):
    tasks.get_task("tfds:rnn_aux_no_such_dataset@8", str(tmp_path))
  with pytest.raises(ValueError, match="no Image features.*not an image-classification"):
    tasks.get_task("tfds:imdb_reviews")
  # a catalog dataset that is not prepared is not downloaded with source="offline"
  with pytest.raises(FileNotFoundError, match="not prepared in"):
    pipeline.load_source(tasks.get_task("tfds:cifar10"), "train", str(tmp_path), "offline")


def test_tfds_catalog_dataset_with_mock_data():
  task = tasks.get_task("tfds:oxford_flowers102@16")  # info from the TFDS catalog's code
  assert (task.seq_len, task.channels, task.num_classes) == (256, 3, 102)
  with tfds.testing.mock_data(num_examples=24, policy=tfds.testing.MockPolicy.USE_CODE):
    source = pipeline.load_source(task, "train", "/nonexistent")
    batch = next(pipeline.SequenceLoader(task, source, global_batch_size=8))
  assert batch.tokens.shape == (8, 256, 3) and batch.labels.max() < 102


@pytest.mark.parametrize("kind", ["tfds", "npz"])
def test_user_dataset_trains_the_smoke_model(kind, tiny_tfds, tmp_path):
  if kind == "tfds":
    name = "tfds:rnn_aux_tiny_shapes@8"  # read from its prepared files: not registered there
  else:
    name = _write(tmp_path / "d.npz", x_train=_images(48, 0, (8, 8, 3)), y_train=np.arange(48) % 3,
                  x_test=_images(20, 1, (8, 8, 3)), y_test=np.arange(20) % 3)
  env = dict(os.environ, XLA_FLAGS="", TFDS_DATA_DIR=tiny_tfds,
             PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
  r = subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "train.py"),
                      "--config", os.path.join(ROOT, "experiments", "configs", "paper.py") +
                      ":mnist,smoke", f"--config.task={name}", f"--config.data_dir={tiny_tfds}",
                      "--config.progress_bar=False", "--workdir", str(tmp_path / "w")],
                     env=env, capture_output=True, text=True, timeout=300)
  assert r.returncode == 0, r.stderr[-3000:]
  with open(tmp_path / "w" / "results.json") as f:
    results = json.load(f)
  assert results["task"] == name and results["status"] == "completed"
  assert results["step"] == 3 and 0 <= results["final_test_accuracy"] <= 1
