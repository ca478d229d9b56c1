"""Data pipelines: real MNIST offline, the other tasks on small files in their original formats."""
import csv
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import tensorflow_datasets as tfds

from rnn_aux.data import builders, pipeline, tasks


def _loader(name, data_dir, **kw):
  task = tasks.get_task(name)
  return pipeline.SequenceLoader(task, pipeline.load_source(task, kw.pop("split", "train"), data_dir),
                                 **kw)


def test_real_mnist_offline(mnist_dir):
  loader = _loader("mnist", mnist_dir, global_batch_size=128, shuffle=False)
  cache = loader._cache
  assert cache.tokens.shape == (60000, 784, 1) and cache.tokens.dtype == np.uint8
  np.testing.assert_array_equal(np.bincount(cache.labels),
                                [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
  np.testing.assert_array_equal(cache.labels[:10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
  assert cache.tokens.min() == 0 and cache.tokens.max() == 255
  test = _loader("mnist", mnist_dir, split="test", global_batch_size=128, shuffle=False,
                 drop_remainder=False)
  assert test.size == 10000 and test.steps_per_epoch == 79
  batches = list(test.epoch_batches())
  assert sum(float(b.weight.sum()) for b in batches) == 10000


def test_pmnist_permutation_fixed_and_shared(mnist_dir):
  p1, p2 = tasks.permutation(784), tasks.permutation(784)
  np.testing.assert_array_equal(p1, p2)
  assert sorted(p1) == list(range(784)) and (p1 != np.arange(784)).mean() > 0.9
  plain = _loader("mnist", mnist_dir, global_batch_size=32, shuffle=False)
  perm = _loader("pmnist", mnist_dir, global_batch_size=32, shuffle=False)
  a, b = next(plain), next(perm)
  np.testing.assert_array_equal(a.tokens[:, p1], b.tokens)


def test_determinism_resume_and_host_sharding(mnist_dir):
  a = _loader("mnist", mnist_dir, global_batch_size=64, seed=3)
  b = _loader("mnist", mnist_dir, global_batch_size=64, seed=3)
  for _ in range(3):
    np.testing.assert_array_equal(next(a).labels, next(b).labels)
  state = a.get_state()
  expected = [next(a).tokens for _ in range(4)]
  c = _loader("mnist", mnist_dir, global_batch_size=64, seed=3)
  c.set_state(state)
  for e in expected:
    np.testing.assert_array_equal(next(c).tokens, e)
  # crossing an epoch boundary continues identically too
  a.set_state({"epoch": 0, "step": a.steps_per_epoch - 1})
  c.set_state({"epoch": 0, "step": a.steps_per_epoch - 1})
  for _ in range(3):
    np.testing.assert_array_equal(next(a).labels, next(c).labels)
  assert a.epoch == 1
  other_seed = _loader("mnist", mnist_dir, global_batch_size=64, seed=4)
  assert not np.array_equal(next(other_seed).labels, next(_loader("mnist", mnist_dir, global_batch_size=64, seed=3)).labels)
  task = tasks.get_task("mnist")
  source = pipeline.load_source(task, "test", mnist_dir)
  for hosts in (2, 4):
    seen = []
    for p in range(hosts):
      loader = pipeline.SequenceLoader(task, source, global_batch_size=40, shuffle=True, seed=1,
                                       drop_remainder=False, process_index=p, process_count=hosts)
      order = loader._epoch_order()
      idx = []
      for step in range(loader.steps_per_epoch):
        start = step * 40 + p * (40 // hosts)
        idx.extend(order[start:start + 40 // hosts])
      seen.append(set(int(i) for i in idx))
    assert sum(len(s) for s in seen) == 10000 and len(set.union(*seen)) == 10000


def _write_cifar_python(root, n_train=6, n_test=4):
  d = os.path.join(root, "cifar-10-batches-py")
  os.makedirs(d)
  rng = np.random.default_rng(0)
  for name, n in [(f"data_batch_{i}", n_train) for i in range(1, 6)] + [("test_batch", n_test)]:
    with open(os.path.join(d, name), "wb") as f:
      pickle.dump({b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                   b"labels": list(rng.integers(0, 10, n))}, f)
  return d


def test_cifar10_python_batches_end_to_end(tmp_path):
  src = _write_cifar_python(str(tmp_path / "manual"))
  builders.prepare("cifar10", str(tmp_path / "tfds"), str(tmp_path / "manual"))
  loader = _loader("cifar10", str(tmp_path / "tfds"), global_batch_size=30, shuffle=False)
  batch = next(loader)
  assert batch.tokens.shape == (30, 1024, 3)
  with open(os.path.join(src, "data_batch_1"), "rb") as f:
    first = pickle.load(f, encoding="bytes")
  img = first[b"data"][0].reshape(3, 32, 32).transpose(1, 2, 0)
  np.testing.assert_array_equal(batch.tokens[0], img.reshape(1024, 3))  # row-major RGB pixels
  assert batch.labels[0] == first[b"labels"][0]


def test_cifar10_jpeg_lossy_keeps_its_name_and_mixes_its_class_major_test_split(tmp_path):
  manual = tmp_path / "jpeg"
  manual.mkdir()
  rng = np.random.default_rng(0)
  for name in [f"train_{i:02d}.npz" for i in range(10)]:
    np.savez(manual / name, image=rng.integers(0, 256, (3, 32, 32, 3), dtype=np.uint8),
             label=rng.integers(0, 10, 3).astype(np.uint8))
  # as the real test.npz: class-major, 4 images a class; each image's pixels hold its index
  test_labels = np.repeat(np.arange(10), 4).astype(np.uint8)
  test_images = np.broadcast_to(np.arange(40, dtype=np.uint8)[:, None, None, None], (40, 32, 32, 3))
  np.savez(manual / "test.npz", image=test_images, label=test_labels)
  assert builders.prepare("cifar10_jpeg_lossy", str(tmp_path / "tfds"), str(manual)) == "cifar10_jpeg_lossy"
  loader = _loader("cifar10_jpeg_lossy", str(tmp_path / "tfds"), global_batch_size=10)
  assert "JPEG" in loader.task.note and next(loader).tokens.shape == (10, 1024, 3)
  test = _loader("cifar10_jpeg_lossy", str(tmp_path / "tfds"), split="test", global_batch_size=40,
                 shuffle=False)._cache
  index = test.tokens[:, 0, 0].astype(int)
  assert sorted(index) == list(range(40))  # the same examples, each with its own label
  np.testing.assert_array_equal(test.labels, test_labels[index])
  assert len(set(test.labels[:10])) >= 5  # the first 10 are not one class
  np.testing.assert_array_equal(index, np.random.default_rng(0).permutation(40))  # fixed order
  # data prepared by older code (another version) is refused with the fix, never read silently
  root = tmp_path / "tfds" / "cifar10_jpeg_lossy"
  os.rename(root / "1.1.0", root / "1.0.0")
  with pytest.raises(FileNotFoundError, match=r"prepared as version 1.0.0; this code reads 1.1.0: "
                                              r"prepare it offline with"):
    _loader("cifar10_jpeg_lossy", str(tmp_path / "tfds"), split="test", global_batch_size=40)


def test_dbpedia_csv_padding_and_vocabulary(tmp_path):
  d = tmp_path / "manual" / "dbpedia_csv"
  d.mkdir(parents=True)
  rows = [(1, "Abc", "short text"), (14, "Long", "x" * 3000), (3, "Odd", "naïve")]
  for split in ("train", "test"):
    with open(d / f"{split}.csv", "w", newline="") as f:
      csv.writer(f).writerows(rows)
  builders.prepare("dbpedia", str(tmp_path / "tfds"), str(tmp_path / "manual"))
  batch = next(_loader("dbpedia", str(tmp_path / "tfds"), global_batch_size=3, shuffle=False))
  assert batch.tokens.shape == (3, tasks.DBPEDIA_MAX_LEN, 1)
  np.testing.assert_array_equal(batch.labels, [0, 13, 2])
  assert batch.valid[0].sum() == len("abc\nshort text") and batch.valid[1].all()
  assert (batch.tokens[0, batch.valid[0].sum():] == tasks.DBPEDIA_PAD).all()
  assert tasks.DBPEDIA_UNK in batch.tokens[2, :, 0]  # "ï" is not in the alphabet
  with open(d / "train.csv", "a") as f:
    f.write("99,bad,row\n")
  with pytest.raises(Exception, match="outside 1..14"):
    builders.prepare("dbpedia", str(tmp_path / "tfds2"), str(tmp_path / "manual"))
  # preparing again from files that fail (a bad row, a missing manual dir) keeps the old copy
  for manual in (tmp_path / "manual", tmp_path / "nowhere"):
    with pytest.raises(Exception, match="outside 1..14|manual"):
      builders.prepare("dbpedia", str(tmp_path / "tfds"), str(manual), again=True)
    again = next(_loader("dbpedia", str(tmp_path / "tfds"), global_batch_size=3, shuffle=False))
    np.testing.assert_array_equal(again.tokens, batch.tokens)
  assert not [n for n in os.listdir(tmp_path / "tfds") if n.startswith(".prepare-again")]


def test_stanford_dogs_manual(tmp_path):
  from PIL import Image
  images, lists = tmp_path / "m" / "Images", tmp_path / "m" / "lists"
  lists.mkdir(parents=True)
  breeds = [f"n{i:08d}-breed{i}" for i in range(120)]
  files = []
  for i, breed in enumerate(breeds[:3]):
    (images / breed).mkdir(parents=True)
    Image.new("RGB", (50 + i, 40), (i * 40, 0, 0)).save(images / breed / "a.jpg")
    files.append(f"{breed}/a.jpg")
  for breed in breeds[3:]:
    (images / breed).mkdir(parents=True)
  (lists / "train_list.txt").write_text("\n".join(files))
  (lists / "test_list.txt").write_text(files[0])
  builders.prepare("stanford_dogs_32", str(tmp_path / "tfds"), str(tmp_path / "m"))
  batch = next(_loader("stanford_dogs_32", str(tmp_path / "tfds"), global_batch_size=3,
                       shuffle=False))
  assert batch.tokens.shape == (3, 1024, 3)
  np.testing.assert_array_equal(batch.labels, [0, 1, 2])


def test_catalog_path_with_mock_data():
  task = tasks.get_task("mnist")
  with tfds.testing.mock_data(num_examples=40, policy=tfds.testing.MockPolicy.USE_CODE):
    source = pipeline.load_source(task, "train", "/nonexistent", source="catalog")
    batch = next(pipeline.SequenceLoader(task, source, global_batch_size=8))
  assert batch.tokens.shape == (8, 784, 1) and batch.labels.max() < 10


def test_bad_inputs(tmp_path, mnist_dir):
  with pytest.raises(ValueError, match="known: .*mnist"):
    tasks.get_task("mnistt")
  with pytest.raises(FileNotFoundError, match="python -m rnn_aux.data.prepare --dataset mnist"):
    pipeline.load_source(tasks.get_task("mnist"), "train", str(tmp_path))
  with pytest.raises(FileNotFoundError, match="--manual_dir"):
    builders.prepare("cifar10", str(tmp_path / "x"), str(tmp_path))
  with pytest.raises(ValueError, match="does not divide"):
    _loader("mnist", mnist_dir, global_batch_size=10, process_count=4)
  with pytest.raises(ValueError, match="fewer than one batch"):
    _loader("mnist", mnist_dir, split="test", global_batch_size=20000)
  with pytest.raises(ValueError, match="unknown split"):
    pipeline.load_source(tasks.get_task("mnist"), "validation", mnist_dir)
  # a truncated data file is an error that names the fix, not a hang
  bad = tmp_path / "bad"
  import shutil
  shutil.copytree(mnist_dir, bad)
  path = bad / "mnist_offline" / "1.0.0" / "mnist_offline-test.array_record-00000-of-00001"
  original = path.read_bytes()
  for size in (1000, len(original) // 2):  # below array_record's minimum; cut mid-chunk
    path.write_bytes(original[:size])
    with pytest.raises(RuntimeError, match="mnist: could not read its examples .*prepare them "
                       "again .*--again"):
      _loader("mnist", str(bad), split="test", global_batch_size=10)
  # which preparing again (not reusing the damaged copy) mends, as it does a damaged description
  builders.prepare("mnist", str(bad), again=True)
  assert _loader("mnist", str(bad), split="test", global_batch_size=10).size == 10000
  (path.parent / "dataset_info.json").write_text("{")
  with pytest.raises(RuntimeError, match="could not open .*prepare them again .*--again"):
    _loader("mnist", str(bad), split="test", global_batch_size=10)
  builders.prepare("mnist", str(bad), again=True)
  assert _loader("mnist", str(bad), split="test", global_batch_size=10).size == 10000


@pytest.mark.parametrize("binary", ["prepare", "train"])
def test_a_broken_tfds_install_is_one_line_naming_the_missing_package(binary, tmp_path, mnist_dir):
  # a package tfds needs, missing (as from a --no-deps install): tfds's lazy import would hide it
  fake = tmp_path / "site"
  fake.mkdir()
  (fake / "promise.py").write_text("raise ModuleNotFoundError(\"No module named 'promise'\", "
                                   "name='promise')\n")
  root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  env = dict(os.environ, XLA_FLAGS="", PYTHONPATH=os.pathsep.join([str(fake), root]))
  if binary == "prepare":
    cmd = ["-m", "rnn_aux.data.prepare", "--dataset", "mnist", "--data_dir", str(tmp_path / "d")]
  else:
    cmd = [os.path.join(root, "experiments", "train.py"), "--config",
           os.path.join(root, "experiments", "configs", "paper.py") + ":mnist,smoke",
           f"--config.data_dir={mnist_dir}", "--workdir", str(tmp_path / "w")]
  r = subprocess.run([sys.executable, *cmd], env=env, capture_output=True, text=True, timeout=300)
  assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
  last = r.stderr.strip().splitlines()[-1]
  assert last.startswith("error: tensorflow_datasets cannot be imported"), r.stderr[-2000:]
  assert "promise" in last and "pip install -r requirements.txt" in last


def test_token_ids_outside_the_task_vocabulary_are_refused(mnist_dir):
  import dataclasses
  source = pipeline.load_source(tasks.get_task("mnist"), "test", mnist_dir)
  small_vocab = dataclasses.replace(tasks.get_task("mnist"), vocab_size=100)  # pixels reach 255
  with pytest.raises(ValueError, match=r"token ids outside \[0, 100\)"):
    loader = pipeline.SequenceLoader(small_vocab, pipeline.ExampleRange(source, 0, 50),
                                     global_batch_size=10)
    next(loader)


def test_an_image_task_resized_by_name(mnist_dir):
  from rnn_aux.data import images
  task = tasks.get_task("mnist@14")
  assert (task.image_size, task.seq_len, task.channels, task.num_classes) == (14, 196, 1, 10)
  assert tasks.get_task("pmnist@14").permute
  plain = _loader("mnist", mnist_dir, split="test", global_batch_size=8, shuffle=False)
  small = _loader("mnist@14", mnist_dir, split="test", global_batch_size=8, shuffle=False)
  a, b = next(plain), next(small)
  assert b.tokens.shape == (8, 196, 1)
  want = [images.resize(x.reshape(28, 28, 1), 14).reshape(196, 1) for x in a.tokens]
  np.testing.assert_array_equal(b.tokens, np.stack(want))
  np.testing.assert_array_equal(a.labels, b.labels)
  for name, message in [("dbpedia@64", "only image tasks can be resized"),
                        ("mnist@0", "must be a positive integer"),
                        ("mnistt@14", "unknown dataset")]:
    with pytest.raises(ValueError, match=message):
      tasks.get_task(name)


def test_flip_augmentation_mirrors_images_resumes_exactly_and_splits_over_hosts(mnist_dir):
  from rnn_aux.data import augment
  tokens = np.arange(2 * 9 * 2).reshape(2, 9, 2)  # two 3x3 images of 2 channels, row-major
  out = augment.flip_left_right(tokens, 3, np.array([True, False]))
  np.testing.assert_array_equal(out[0].reshape(3, 3, 2), tokens[0].reshape(3, 3, 2)[:, ::-1])
  np.testing.assert_array_equal(out[1], tokens[1])
  kw = dict(split="test", global_batch_size=64, seed=5)
  plain = _loader("mnist", mnist_dir, **kw)
  flipped = _loader("mnist", mnist_dir, augment="flip", **kw)
  p, f = next(plain), next(flipped)
  np.testing.assert_array_equal(p.labels, f.labels)  # same examples, same order
  images_p, images_f = p.tokens.reshape(64, 28, 28), f.tokens.reshape(64, 28, 28)
  mirrored = np.array([np.array_equal(a[:, ::-1], b) and not np.array_equal(a, b)
                       for a, b in zip(images_p, images_f)])
  same = np.array([np.array_equal(a, b) for a, b in zip(images_p, images_f)])
  assert (mirrored | same).all() and 16 < mirrored.sum() < 48
  # a resumed loader draws the same flips; another step draws others
  state = flipped.get_state()
  expected = [next(flipped).tokens for _ in range(2)]
  again = _loader("mnist", mnist_dir, augment="flip", **kw)
  again.set_state(state)
  for e in expected:
    np.testing.assert_array_equal(next(again).tokens, e)
  assert not np.array_equal(augment.flips(5, 0, 1, 64, slice(None)),
                            augment.flips(5, 0, 2, 64, slice(None)))
  # two hosts' halves are the one-host batch
  task = tasks.get_task("mnist")
  source = pipeline.load_source(task, "test", mnist_dir)
  halves = [next(pipeline.SequenceLoader(task, source, global_batch_size=64, seed=5, augment="flip",
                                         process_index=i, process_count=2)).tokens
            for i in range(2)]
  np.testing.assert_array_equal(np.concatenate(halves), f.tokens)
  for name, flag, message in [("pmnist", "flip", "pmnist is permuted"),
                              ("mnist", "crop", "choose one of none, flip")]:
    with pytest.raises(ValueError, match=message):
      _loader(name, mnist_dir, augment=flag, **kw)
