"""``npz:PATH``: a classification dataset from integer arrays in one ``.npz`` file, no code.

Keys (``np.savez(PATH, x_train=..., y_train=..., x_test=..., y_test=...)``):

| key | shape | meaning |
|---|---|---|
| ``x_train``, ``x_test`` | ``NxT``, ``NxTxC``, ``NxHxW`` or ``NxHxWxC`` | integer tokens (see ``kind``) |
| ``y_train``, ``y_test`` | ``N`` | integer labels in ``[0, num_classes)`` |
| ``length_train``, ``length_test`` (optional) | ``N`` | real steps of right-padded sequences, in ``[1, T]`` |
| ``valid_train``, ``valid_test`` (optional, instead of ``length_*``) | ``NxT`` bool | True on real steps, a prefix of each row |
| ``kind`` (optional) | scalar str | ``image`` or ``sequence``: how a rank-3 ``x`` reads (default ``image``: ``NxHxW``, as Keras' ``mnist.npz``); rank 2 is always a sequence, rank 4 an image |
| ``vocab_size`` (optional) | scalar int | token values; default 256 for uint8 images, else max token + 1 |
| ``num_classes`` (optional) | scalar int | default max label + 1 |

Images become sequences as the paper's image tasks do: pixels in row-major order, ``C`` channels a
step. The file is read whole into memory (once per process and file version) and checked; every
problem is a one-line ``ValueError`` (``FileNotFoundError`` for a missing file) that names the fix.
"""
from __future__ import annotations

import functools
import os
import zipfile

import numpy as np

from rnn_aux.data import tasks

REQUIRED = ("x_train", "y_train", "x_test", "y_test")
OPTIONAL = ("length_train", "length_test", "valid_train", "valid_test", "kind", "vocab_size",
            "num_classes")
SPLITS = ("train", "test")


class ArraySource:
  """Random access to examples held in memory as columns of one length, e.g.
  ``{"tokens": NxTxC, "label": N[, "length": N]}`` (what :func:`tasks.to_sequences` reads).

  Besides ``len``, ``[i]`` and ``__getitems__`` (the TFDS data source protocol), ``get_batch``
  returns stacked columns for an index array in one gather.
  """

  def __init__(self, columns: dict):
    self.columns = dict(columns)

  def __len__(self):
    return len(self.columns["label"])

  def get_batch(self, indices) -> dict:
    idx = np.asarray(indices, np.int64)
    return {k: v[idx] for k, v in self.columns.items()}

  def __getitem__(self, i):
    if not -len(self) <= i < len(self):
      raise IndexError(i)
    return {k: v[i] for k, v in self.columns.items()}

  def __getitems__(self, keys):
    return [self[k] for k in keys]


class _Data:
  """A checked ``.npz``: the fields of its Task and a source per split."""

  def __init__(self, path: str):
    where = f"npz:{path}"
    if not zipfile.is_zipfile(path):
      raise ValueError(f"{where}: not a readable .npz file (an .npz is a zip archive); write it "
                       "with np.savez(PATH, x_train=..., y_train=..., x_test=..., y_test=...)")
    try:
      with np.load(path, allow_pickle=False) as f:
        raw = {k: f[k] for k in f.files}
    except (zipfile.BadZipFile, OSError, EOFError) as e:
      raise ValueError(f"{where}: not a readable .npz file ({type(e).__name__}); write it with "
                       "np.savez(PATH, x_train=..., y_train=..., x_test=..., y_test=...)") from e
    except ValueError as e:  # object arrays need pickle: refused
      raise ValueError(f"{where}: holds object arrays ({e}); store plain integer arrays, e.g. "
                       "np.stack a list of equal-length sequences (pad them and add length_*)"
                       ) from e
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
      has = ", ".join(sorted(raw)) or "no arrays"
      raise ValueError(f"{where} lacks {', '.join(missing)} (it has {has}); "
                       "save np.savez(PATH, x_train=..., y_train=..., x_test=..., y_test=...)")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
      raise ValueError(f"{where}: unknown keys {', '.join(unknown)}; the keys it reads are "
                       f"{', '.join(REQUIRED + OPTIONAL)} (rename or drop the others)")
    kind = self._kind(where, raw)
    xs = {s: self._tokens(where, f"x_{s}", raw[f"x_{s}"], kind) for s in SPLITS}
    shapes = {s: x.shape[1:] for s, x in xs.items()}
    if shapes["train"] != shapes["test"]:
      raise ValueError(f"{where}: x_train examples have shape {raw['x_train'].shape[1:]} but "
                       f"x_test {raw['x_test'].shape[1:]}; both splits need one shape (pad, crop "
                       "or resize them)")
    self.seq_len, self.channels = shapes["train"]
    self.kind = kind
    self.image_size = (raw["x_train"].shape[1] if kind == "image"
                       and raw["x_train"].shape[1] == raw["x_train"].shape[2] else None)
    self.vocab_size = self._vocab(where, raw, xs, kind)
    ys = {s: self._labels(where, s, raw[f"y_{s}"], len(xs[s])) for s in SPLITS}
    self.num_classes = self._num_classes(where, raw, ys)
    lengths = {s: self._lengths(where, s, raw, len(xs[s])) for s in SPLITS}
    dtype = np.uint8 if self.vocab_size <= 256 else np.int32
    self.sources = {}
    for s in SPLITS:
      columns = {"tokens": xs[s].astype(dtype, copy=False), "label": ys[s]}
      if lengths[s] is not None:
        columns["length"] = lengths[s]
      self.sources[s] = ArraySource(columns)

  @staticmethod
  def _kind(where, raw) -> str:
    if "kind" not in raw:
      return "image" if raw["x_train"].ndim >= 3 else "sequence"
    kind = str(raw["kind"])
    if kind not in ("image", "sequence"):
      raise ValueError(f"{where}: kind is {kind!r}; store kind='image' (NxHxW[xC]) or "
                       "kind='sequence' (NxT[xC])")
    return kind

  @staticmethod
  def _tokens(where, key, x, kind) -> np.ndarray:
    """``x`` as ``NxTxC`` integer tokens (a view where possible)."""
    if not (np.issubdtype(x.dtype, np.integer) or x.dtype == bool):
      raise ValueError(f"{where}: {key} has dtype {x.dtype}; tokens must be integers, e.g. "
                       "np.rint(x * 255).astype(np.uint8) for images scaled to [0, 1]")
    ranks = {"image": (3, 4), "sequence": (2, 3)}[kind]
    if x.ndim not in ranks or x.shape[0] == 0 or 0 in x.shape[1:]:
      layout = "NxHxW or NxHxWxC" if kind == "image" else "NxT or NxTxC"
      raise ValueError(f"{where}: {key} has shape {x.shape}; a {kind} dataset needs {layout} "
                       "with N, T, H, W, C > 0 (kind='image' or 'sequence' in the file says which)")
    n = x.shape[0]
    if kind == "image":
      return x.reshape(n, x.shape[1] * x.shape[2], x.shape[3] if x.ndim == 4 else 1)
    return x.reshape(n, x.shape[1], x.shape[2] if x.ndim == 3 else 1)

  @staticmethod
  def _scalar(where, raw, key) -> int | None:
    if key not in raw:
      return None
    v = raw[key]
    if v.ndim or not np.issubdtype(v.dtype, np.integer) or int(v) < 1:
      raise ValueError(f"{where}: {key} must be one positive integer, got {v!r}")
    return int(v)

  def _vocab(self, where, raw, xs, kind) -> int:
    lo = min(int(x.min()) for x in xs.values())
    hi = max(int(x.max()) for x in xs.values())
    if lo < 0:
      raise ValueError(f"{where}: a token is {lo}; tokens must be >= 0 (shift them, or map them "
                       "to ids 0..V-1)")
    vocab = self._scalar(where, raw, "vocab_size")
    if vocab is None:
      return 256 if kind == "image" and raw["x_train"].dtype == np.uint8 else max(hi + 1, 2)
    if hi >= vocab:
      raise ValueError(f"{where}: a token is {hi}, not below vocab_size {vocab}; raise "
                       "vocab_size in the file or leave it out (default: max token + 1)")
    return vocab

  @staticmethod
  def _labels(where, split, y, n) -> np.ndarray:
    key = f"y_{split}"
    if y.ndim == 2 and y.shape[1] == 1:
      y = y[:, 0]
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
      raise ValueError(f"{where}: {key} has shape {y.shape} and dtype {y.dtype}; labels are one "
                       "integer class id per example (np.argmax one-hot labels first)")
    if len(y) != n:
      raise ValueError(f"{where}: x_{split} has {n} examples but {key} has {len(y)}; give "
                       "one label per example")
    if y.min() < 0:
      raise ValueError(f"{where}: {key} holds label {int(y.min())}; labels must be class ids "
                       "0..K-1")
    return y.astype(np.int32)

  def _num_classes(self, where, raw, ys) -> int:
    hi = max(int(y.max()) for y in ys.values())
    k = self._scalar(where, raw, "num_classes")
    if k is None:
      if hi < 1:
        raise ValueError(f"{where}: every label is 0; a classifier needs 2 classes or more "
                         "(store num_classes if a split lacks some)")
      return hi + 1
    for split, y in ys.items():
      if y.max() >= k:
        raise ValueError(f"{where}: y_{split} holds label {int(y.max())}, outside [0, {k}) of "
                         "num_classes; fix the labels or raise num_classes")
    return k

  def _lengths(self, where, split, raw, n):
    length_key, valid_key = f"length_{split}", f"valid_{split}"
    if length_key in raw and valid_key in raw:
      raise ValueError(f"{where}: both {length_key} and {valid_key}; keep one")
    if valid_key in raw:
      valid = raw[valid_key]
      if valid.shape != (n, self.seq_len) or valid.dtype != bool:
        raise ValueError(f"{where}: {valid_key} must be bool {(n, self.seq_len)}, got "
                         f"{valid.dtype} {valid.shape}")
      lengths = valid.sum(1)
      if not np.array_equal(valid, np.arange(self.seq_len)[None] < lengths[:, None]):
        raise ValueError(f"{where}: {valid_key} is not a prefix mask; sequences must be "
                         "right-padded (real steps first), e.g. store length_* instead")
    elif length_key in raw:
      lengths = raw[length_key]
      if lengths.shape != (n,) or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"{where}: {length_key} must be {n} integers, got {lengths.dtype} "
                         f"{lengths.shape}")
    else:
      return None
    if lengths.min() < 1 or lengths.max() > self.seq_len:
      raise ValueError(f"{where}: {length_key if length_key in raw else valid_key} has lengths "
                       f"in [{lengths.min()}, {lengths.max()}]; each must be in [1, "
                       f"{self.seq_len}]")
    return lengths.astype(np.int32)


@functools.lru_cache(maxsize=2)
def _load(path: str, mtime_ns: int, size: int) -> _Data:
  del mtime_ns, size  # cache keys: a rewritten file is read again
  return _Data(path)


def load(path: str) -> _Data:
  path = os.path.abspath(os.path.expanduser(path))
  if not os.path.isfile(path):
    raise FileNotFoundError(f"npz:{path}: no such file; the task name is npz:PATH with PATH an "
                            ".npz holding x_train, y_train, x_test, y_test (see BUILD.md)")
  st = os.stat(path)
  return _load(path, st.st_mtime_ns, st.st_size)


def npz_task(name: str) -> tasks.Task:
  """The Task of ``npz:PATH``: shapes, vocabulary and classes read from the file."""
  path = name[len(tasks.NPZ_PREFIX):]
  if not path:
    raise ValueError("npz: needs a path: --config.task=npz:/path/to/data.npz")
  data = load(path)
  return tasks.Task(name=name, seq_len=data.seq_len, channels=data.channels,
                    vocab_size=data.vocab_size, num_classes=data.num_classes, catalog="",
                    offline="", kind=data.kind, image_size=data.image_size,
                    path=os.path.abspath(os.path.expanduser(path)))


def npz_source(task: tasks.Task, split: str) -> ArraySource:
  if split not in SPLITS:
    raise ValueError(f"unknown split {split!r}; an npz: task has 'train' and 'test'")
  data = load(task.path)
  if (data.seq_len, data.channels, data.vocab_size, data.num_classes) != (
      task.seq_len, task.channels, task.vocab_size, task.num_classes):
    raise ValueError(f"{task.name}: the file changed since its task was made; make the task "
                     "again (tasks.get_task)")
  return data.sources[split]
