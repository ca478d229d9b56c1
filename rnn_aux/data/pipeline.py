"""Deterministic, resumable, per-host batches of token sequences from a TFDS data source.

Order: epoch ``e`` visits the split in ``numpy.random.default_rng([seed, e]).permutation``; global
batch ``i`` of it is ``perm[i*G:(i+1)*G]`` and host ``p`` of ``P`` takes its ``p``-th contiguous
``G/P`` slice, so hosts see disjoint examples whose union is the global batch. Training drops the
last partial batch of an epoch; evaluation (``shuffle=False, drop_remainder=False``) visits every
example once and pads the last batch with ``weight == 0`` rows. The loader's whole position is
``{"epoch", "step"}`` (:meth:`SequenceLoader.get_state`), so a resumed run sees exactly the batches
it would have seen, augmentation included (``augment``, :mod:`rnn_aux.data.augment`: drawn from
the seed and the position).

Splits up to ``cache_bytes`` are read once into memory (MNIST: 55 MB), so a batch is one numpy
gather; larger ones are read by random access per batch. Sources already in memory (``npz:``
tasks: :class:`rnn_aux.data.arrays.ArraySource`) are gathered from directly, never copied.
"""
from __future__ import annotations

import os
from typing import Iterator, NamedTuple, Optional

import numpy as np

from rnn_aux import validation
from rnn_aux.data import augment as augment_lib
from rnn_aux.data import tasks, tfds_module

SOURCES = ("auto", "offline", "catalog")


class Batch(NamedTuple):
  tokens: np.ndarray   # BxTxC uint8
  valid: np.ndarray    # BxT bool
  labels: np.ndarray   # B int32
  weight: np.ndarray   # B float32: 0 on padding rows of the last evaluation batch


def _prepared_versions(data_dir: str, name: str) -> list[str]:
  """The versions of TFDS dataset ``name`` (``base`` or ``base/config``) prepared in ``data_dir``."""
  base, _, config = name.partition("/")
  root = os.path.join(data_dir, base, config) if config else os.path.join(data_dir, base)
  if not os.path.isdir(root):
    return []
  return sorted(v for v in os.listdir(root)
                if os.path.exists(os.path.join(root, v, "dataset_info.json")))


def _offline_version(data_dir: str, name: str, found: list[str], fix: str) -> str:
  """``name:VERSION`` of the version our builder writes now, given the ``found`` prepared versions;
  none prepared, or only others (by older code, e.g. in another order), is an error naming the fix."""
  from rnn_aux.data import builders
  version = str(builders.BUILDERS[name.partition("/")[0]].VERSION)
  if not found:
    raise FileNotFoundError(f"{name} is not prepared in {data_dir}: {fix}")
  if version not in found:
    raise FileNotFoundError(f"{name} in {data_dir} is prepared as version {', '.join(found)}; "
                            f"this code reads {version}: {fix}")
  return f"{name}:{version}"


def load_source(task: tasks.Task, split: str, data_dir: Optional[str], source: str = "auto"):
  """The TFDS data source of ``task``'s split.

  ``source``: ``offline`` reads our offline builder's prepared files; ``catalog`` reads (and, with a
  network, downloads) the TFDS catalog dataset; ``auto`` takes whichever is prepared in
  ``data_dir``, offline first. ``npz:`` tasks read their file (``data_dir`` and ``source`` unused);
  ``tfds:`` tasks read the named dataset, downloading it unless ``source="offline"``.
  """
  if source not in SOURCES:
    raise ValueError(f"unknown data source {source!r}; choose one of {SOURCES}")
  if task.path:  # npz:PATH, in memory
    from rnn_aux.data import arrays
    return arrays.npz_source(task, split)
  if task.name.startswith(tasks.TFDS_PREFIX):
    from rnn_aux.data import catalog
    return catalog.catalog_source(task, split, data_dir, source)
  tfds = tfds_module.tfds()
  data_dir = os.path.expanduser(data_dir or os.environ.get("TFDS_DATA_DIR", "~/tensorflow_datasets"))
  fix = (f"prepare it offline with `python -m rnn_aux.data.prepare --dataset {task.name.split('@')[0]} "
         f"--data_dir {data_dir}` (see BUILD.md), or pass source='catalog' with a network")
  offline = _prepared_versions(data_dir, task.offline)
  if source == "offline" or (source == "auto" and offline):
    name = _offline_version(data_dir, task.offline, offline, fix)
  elif source == "catalog" or _prepared_versions(data_dir, task.catalog):
    name = task.catalog
  else:
    raise FileNotFoundError(f"dataset {task.name} not found in {data_dir}: {fix}")
  if split not in ("train", "test"):
    raise ValueError(f"unknown split {split!r}; the tasks have 'train' and 'test'")
  try:
    src = tfds.data_source(name, split=split, data_dir=data_dir, download=(source == "catalog"))
  except Exception as e:  # TFDS raises many kinds; give one line that names the fix
    ours = name.split(":")[0] == task.offline  # our prepared copy, not the catalog's download
    raise RuntimeError(f"could not open {name}/{split} in {data_dir} "
                       f"({validation.error_summary(e)}); "
                       f"{damaged_files_fix(task) if ours else fix}") from e
  if task.resized:
    from rnn_aux.data import catalog
    return catalog.ImageSource(task, src)
  return src


def damaged_files_fix(task: tasks.Task) -> str:
  """What to do when a prepared or downloaded copy of ``task``'s data cannot be read."""
  if task.name.startswith(tasks.TFDS_PREFIX):
    return ("the downloaded files may be damaged: delete the dataset's folder in the data dir and "
            f"run `python -m rnn_aux.data.prepare --dataset {task.name} --data_dir DIR` to "
            "download it again")
  return ("the prepared files may be damaged: prepare them again with `python -m "
          f"rnn_aux.data.prepare --dataset {task.name.split('@')[0]} --data_dir DIR --again` "
          "(and its --manual_dir where the task needs one, BUILD.md)")


def get_rows(source, keys):
  """Batched random access; sources without a working ``__getitems__`` are read one by one."""
  try:
    return source.__getitems__(keys)
  except (AttributeError, TypeError):  # e.g. tfds.testing.mock_data's data sources
    return [source[k] for k in keys]


def _root(source, idx: np.ndarray):
  """``(source, idx)`` with example ranges resolved to the source they index."""
  while isinstance(source, ExampleRange):
    source, idx = source._source, idx + source._start
  return source, idx


def get_columns(source, idx: np.ndarray) -> dict:
  """Examples ``idx`` stacked per feature: one gather from in-memory sources (``get_batch``)."""
  root, root_idx = _root(source, np.asarray(idx, np.int64))
  if hasattr(root, "get_batch"):
    return root.get_batch(root_idx)
  rows = get_rows(source, [int(i) for i in idx])
  return {k: np.stack([r[k] for r in rows]) for k in rows[0]}


class ExampleRange:
  """Examples ``[start, stop)`` of a data source: a subset for quick runs, or the validation split
  carved from the end of the training split (disjoint from the examples before it)."""

  def __init__(self, source, start: int, stop: int):
    stop = min(stop, len(source))
    if not 0 <= start <= stop:
      raise ValueError(f"example range [{start}, {stop}) is outside the source's {len(source)} "
                       "examples")
    self._source, self._start, self._n = source, start, stop - start

  def __len__(self):
    return self._n

  def __getitem__(self, i):
    if not 0 <= i < self._n:
      raise IndexError(i)
    return self._source[self._start + i]

  def __getitems__(self, keys):
    return get_rows(self._source, [self._start + k for k in keys])


def split_validation(train_source, validation_examples: int):
  """``(train, validation)``: the last ``validation_examples`` of the training split are held out
  for choosing settings; ``validation`` is None when 0."""
  if validation_examples < 0:
    raise ValueError(f"validation_examples must be >= 0, got {validation_examples}")
  n = len(train_source)
  if not validation_examples:
    return train_source, None
  if validation_examples >= n:
    raise ValueError(f"validation_examples={validation_examples} leaves no training example of "
                     f"the {n}; hold out fewer")
  return (ExampleRange(train_source, 0, n - validation_examples),
          ExampleRange(train_source, n - validation_examples, n))


class SequenceLoader:
  """Iterator of :class:`Batch` for one host; see the module docstring for the order."""

  def __init__(self, task: tasks.Task, source, *, global_batch_size: int, seed: int = 0,
               shuffle: bool = True, drop_remainder: bool = True, process_index: int = 0,
               process_count: int = 1, cache_bytes: int = 4 << 30, augment: str = "none"):
    if global_batch_size <= 0:
      raise ValueError(f"batch size must be positive, got {global_batch_size}")
    if global_batch_size % process_count:
      raise ValueError(f"global batch size {global_batch_size} does not divide across "
                       f"{process_count} hosts; use a multiple of {process_count}")
    if not 0 <= process_index < process_count:
      raise ValueError(f"process_index {process_index} outside [0, {process_count})")
    augment_lib.check(task, augment)
    self.task, self.source, self.augment = task, source, augment
    self.size = len(source)
    if self.size == 0:
      raise ValueError(f"{task.name}: the split is empty; prepare the dataset again")
    self.global_batch_size, self.seed = global_batch_size, seed
    self.shuffle, self.drop_remainder = shuffle, drop_remainder
    self.process_index, self.process_count = process_index, process_count
    self.host_batch_size = global_batch_size // process_count
    if drop_remainder and self.size < global_batch_size:
      raise ValueError(f"{task.name}: split has {self.size} examples, fewer than one batch of "
                       f"{global_batch_size}; lower the batch size")
    self.steps_per_epoch = (self.size // global_batch_size if drop_remainder
                            else -(-self.size // global_batch_size))
    self._epoch, self._step, self._order = 0, 0, None
    self._cache = None
    row_bytes = task.seq_len * task.channels + 16
    in_memory = hasattr(_root(source, np.zeros(0, np.int64))[0], "get_batch")
    if not in_memory and self.size * row_bytes <= cache_bytes:
      self._cache = self._read(np.arange(self.size))

  # -- position --------------------------------------------------------------------------
  def get_state(self) -> dict:
    return {"epoch": self._epoch, "step": self._step}

  def set_state(self, state: dict) -> None:
    epoch, step = int(state["epoch"]), int(state["step"])
    if not (epoch >= 0 and 0 <= step <= self.steps_per_epoch):
      raise ValueError(f"bad loader state {state}: step must be in [0, {self.steps_per_epoch}]")
    self._epoch, self._step, self._order = epoch, step, None

  @property
  def epoch(self) -> int:
    return self._epoch

  # -- reading ---------------------------------------------------------------------------
  def _read(self, idx: np.ndarray) -> Batch:
    chunk = 4096
    parts = []
    for start in range(0, len(idx), chunk):
      try:
        columns = get_columns(self.source, idx[start:start + chunk])
      except Exception as e:  # the storage layer's own kinds (array_record, riegeli, TFDS)
        if self.task.path:  # npz: already in memory, so not a damaged file
          raise
        raise RuntimeError(f"{self.task.name}: could not read its examples "
                           f"({validation.error_summary(e)}); {damaged_files_fix(self.task)}"
                           ) from e
      parts.append(tasks.to_sequences(self.task, columns))
    tokens, valid, labels = (np.concatenate(x) for x in zip(*parts))
    if labels.size and (labels.min() < 0 or labels.max() >= self.task.num_classes):
      raise ValueError(f"{self.task.name}: labels outside [0, {self.task.num_classes}); "
                       "the prepared files do not match the task")
    if tokens.size and (tokens.min() < 0 or tokens.max() >= self.task.vocab_size):
      raise ValueError(f"{self.task.name}: token ids outside [0, {self.task.vocab_size}); "
                       "the prepared files do not match the task")
    return Batch(tokens, valid, labels, np.ones(len(labels), np.float32))

  def _take(self, idx: np.ndarray) -> Batch:
    if self._cache is not None:
      return Batch(*(x[idx] for x in self._cache))
    return self._read(idx)

  def _epoch_order(self) -> np.ndarray:
    if self._order is None or self._order[0] != self._epoch:
      order = (np.random.default_rng([self.seed, self._epoch]).permutation(self.size)
               if self.shuffle else np.arange(self.size))
      self._order = (self._epoch, order)
    return self._order[1]

  def __iter__(self) -> Iterator[Batch]:
    return self

  def __next__(self) -> Batch:
    if self._step >= self.steps_per_epoch:
      if not self.drop_remainder and not self.shuffle:
        raise StopIteration  # evaluation: one pass
      self._epoch, self._step = self._epoch + 1, 0
    order = self._epoch_order()
    g, h = self.global_batch_size, self.host_batch_size
    start = self._step * g + self.process_index * h
    idx = order[start:start + h]
    step, self._step = self._step, self._step + 1
    n = len(idx)
    if n == h:
      batch = self._take(idx)
    else:  # last evaluation batch: pad with copies of row 0 (or of the first example), weight 0
      fill = np.full(h - n, order[0])
      batch = self._take(np.concatenate([idx, fill]).astype(np.int64))
      weight = np.concatenate([np.ones(n, np.float32), np.zeros(h - n, np.float32)])
      batch = batch._replace(weight=weight)
    if self.augment == "flip":
      rows = slice(self.process_index * h, (self.process_index + 1) * h)
      batch = batch._replace(tokens=augment_lib.flip_left_right(
          batch.tokens, self.task.image_size,
          augment_lib.flips(self.seed, self._epoch, step, self.global_batch_size, rows)))
    return batch

  def epoch_batches(self) -> Iterator[Batch]:
    """One full pass from the start (evaluation), not touching the training position."""
    saved = self.get_state()
    self.set_state({"epoch": 0, "step": 0})
    try:
      for _ in range(self.steps_per_epoch):
        yield next(self)
    finally:
      self.set_state(saved)
