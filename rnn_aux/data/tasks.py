"""The paper's tasks: what each sequence is, and how a TFDS example becomes one.

Every task yields integer tokens ``BxTxC`` (pixel values 0..255 or character ids), a validity mask
``BxT`` (False on right padding) and labels ``B``. The model knows nothing else about the data.
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


@dataclasses.dataclass(frozen=True)
class Task:
  name: str
  seq_len: int
  channels: int
  vocab_size: int
  num_classes: int
  catalog: str            # TFDS catalog name (needs a network to download)
  offline: str            # our builder that prepares the same data from local files
  kind: str               # "image" or "text"
  image_size: Optional[int] = None
  permute: bool = False
  note: str = ""


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


def get_task(name: str) -> Task:
  if name not in TASKS:
    raise ValueError(f"unknown dataset {name!r}; known: {', '.join(sorted(TASKS))}")
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
  """Stacked TFDS examples -> ``(tokens_BxTxC uint8, valid_BxT bool, labels_B int32)``."""
  labels = np.asarray(examples["label"]).astype(np.int32)
  if task.kind == "image":
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
  ids = np.asarray(examples["tokens"])
  lengths = np.asarray(examples["length"])
  valid = np.arange(ids.shape[1])[None] < lengths[:, None]
  return ids[..., None], valid, labels
