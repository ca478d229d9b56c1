"""The tasks: what each sequence is, and how a TFDS example becomes one.

Every task yields integer tokens ``BxTxC`` (pixel values 0..255 or character ids), a validity mask
``BxT`` (False on right padding) and labels ``B``. The model knows nothing else about the data.

An image task of :data:`TASKS` followed by ``@SIDE`` (``cifar10_jpeg_lossy@64``) is the same data
with every image resized to ``SIDE x SIDE`` when read (bilinear): longer sequences from the same
prepared files (the paper's sequence-length study, in kind).

Besides the paper's tasks (:data:`TASKS`), two task-name schemes take a user's data with no code:

* ``npz:PATH``: arrays in an ``.npz`` file (:mod:`rnn_aux.data.arrays`);
* ``tfds:NAME[@SIDE][+key=value...]``: a TFDS image-classification dataset, images resized to
  ``SIDE x SIDE`` (:mod:`rnn_aux.data.catalog`).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import numpy as np

PMNIST_SEED = 92916  # the fixed permutation of permuted MNIST: numpy default_rng(PMNIST_SEED)

# Character vocabulary for DBpedia (Zhang et al. 2015's 69 characters, lower-cased input).
# id 0 = padding, id 1 = unknown character, ids 2.. = DBPEDIA_ALPHABET.
DBPEDIA_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-,;.!?:'\"/\\|_@#$%^&*~`+=<>()[]{} \n"
DBPEDIA_PAD, DBPEDIA_UNK = 0, 1
DBPEDIA_MAX_LEN = 1014  # Zhang et al.'s document length; longer documents are truncated
NPZ_PREFIX, TFDS_PREFIX = "npz:", "tfds:"


@dataclasses.dataclass(frozen=True)
class Task:
  name: str
  seq_len: int
  channels: int
  vocab_size: int
  num_classes: int
  catalog: str            # TFDS catalog name (needs a network to download)
  offline: str            # our builder that prepares the same data from local files
  kind: str               # "image", "text" or "sequence" (npz: integer sequences)
  image_size: Optional[int] = None
  permute: bool = False
  note: str = ""
  # npz: and tfds: tasks (see the module docstring)
  path: str = ""                            # npz: the .npz file
  image_key: str = "image"                  # tfds: the image and label features
  label_key: str = "label"
  splits: tuple[str, str] = ("train", "test")  # tfds: the TFDS splits read as train and test
  resized: bool = False   # ``NAME@SIDE`` of an image task: images resized to image_size when read


def _image_task(name, size, channels, classes, catalog, offline, **kw):
  return Task(name=name, seq_len=size * size, channels=channels, vocab_size=256,
              num_classes=classes, catalog=catalog, offline=offline, kind="image",
              image_size=size, **kw)


TASKS = {
    "mnist": _image_task("mnist", 28, 1, 10, "mnist", "mnist_offline"),
    "pmnist": _image_task("pmnist", 28, 1, 10, "mnist", "mnist_offline", permute=True),
    "cifar10": _image_task("cifar10", 32, 3, 10, "cifar10", "cifar10_offline"),
    "cifar10_jpeg_lossy": _image_task(
        "cifar10_jpeg_lossy", 32, 3, 10, "cifar10", "cifar10_jpeg_lossy",
        note="decoded from JPEG (quality 75): not bit-exact CIFAR-10; results are not comparable"),
    "dbpedia": Task(name="dbpedia", seq_len=DBPEDIA_MAX_LEN, channels=1,
                    vocab_size=len(DBPEDIA_ALPHABET) + 2, num_classes=14,
                    catalog="huggingface:dbpedia_14", offline="dbpedia_csv", kind="text"),
}
for _size in (32, 64, 128):
  TASKS[f"stanford_dogs_{_size}"] = _image_task(
      f"stanford_dogs_{_size}", _size, 3, 120, "stanford_dogs", f"stanford_dogs_manual/s{_size}")


def get_task(name: str, data_dir: Optional[str] = None) -> Task:
  """The task called ``name``: one of :data:`TASKS`, ``npz:PATH`` or ``tfds:NAME[@SIDE]...``.

  ``data_dir`` (TFDS data dir; default ``$TFDS_DATA_DIR`` or ``~/tensorflow_datasets``) is read
  only by ``tfds:`` names of datasets prepared there but absent from the TFDS catalog's code.
  """
  if name.startswith(NPZ_PREFIX):
    from rnn_aux.data import arrays
    return arrays.npz_task(name)
  if name.startswith(TFDS_PREFIX):
    from rnn_aux.data import catalog
    return catalog.catalog_task(name, data_dir)
  base, at, side = name.partition("@")
  if at and base in TASKS:
    if TASKS[base].kind != "image":
      raise ValueError(f"{name}: only image tasks can be resized (@SIDE); {base} is "
                       f"{TASKS[base].kind}")
    if not (side.isdigit() and int(side) > 0):
      raise ValueError(f"{name}: the image side after @ must be a positive integer, e.g. "
                       f"{base}@64")
    s = int(side)
    return dataclasses.replace(TASKS[base], name=name, image_size=s, seq_len=s * s, resized=True)
  if name not in TASKS:
    raise ValueError(f"unknown dataset {name!r}; known: {', '.join(sorted(TASKS))} (an image "
                     "task may end in @SIDE to resize its images), or "
                     f"{NPZ_PREFIX}PATH (an .npz of arrays) or {TFDS_PREFIX}NAME[@SIDE] "
                     "(a TFDS image-classification dataset); see BUILD.md")
  return TASKS[name]


def permutation(seq_len: int, seed: int = PMNIST_SEED) -> np.ndarray:
  """The fixed pixel order of permuted MNIST: the same on every host and every run."""
  return np.random.default_rng(seed).permutation(seq_len)


def encode_text(text: str, max_len: int = DBPEDIA_MAX_LEN) -> tuple[np.ndarray, int]:
  """Lower-case, map characters to ids (unknown -> 1), truncate; returns (ids padded, length)."""
  lookup = {ch: i + 2 for i, ch in enumerate(DBPEDIA_ALPHABET)}
  ids = [lookup.get(ch, DBPEDIA_UNK) for ch in text.lower()[:max_len]] or [DBPEDIA_UNK]
  out = np.zeros((max_len,), np.uint8)
  out[:len(ids)] = ids
  return out, len(ids)


def to_sequences(task: Task, examples: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
  """Stacked examples -> ``(tokens_BxTxC, valid_BxT bool, labels_B int32)``.

  Examples hold ``image`` (``BxHxWxC``) or ``tokens`` (``BxT`` or ``BxTxC``, with an optional
  ``length``: right padding), and ``label``. Tokens are uint8 unless the vocabulary needs more.
  """
  labels = np.asarray(examples["label"]).astype(np.int32)
  if "image" in examples:
    images = np.asarray(examples["image"])
    b = images.shape[0]
    expected = (task.image_size, task.image_size, task.channels)
    if images.shape[1:] != expected:
      raise ValueError(f"{task.name}: images have shape {images.shape[1:]}, expected {expected}; "
                       "prepare the dataset again with python -m rnn_aux.data.prepare")
    tokens = images.reshape(b, task.seq_len, task.channels)  # row-major pixel order
    if task.permute:
      tokens = tokens[:, permutation(task.seq_len)]
    return tokens, np.ones((b, task.seq_len), bool), labels
  ids = np.asarray(examples["tokens"])  # BxT or BxTxC
  if ids.ndim == 2:
    ids = ids[..., None]
  if "length" not in examples:
    return ids, np.ones(ids.shape[:2], bool), labels
  lengths = np.asarray(examples["length"])
  valid = np.arange(ids.shape[1])[None] < lengths[:, None]
  return ids, valid, labels
