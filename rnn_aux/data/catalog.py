"""``tfds:NAME[@SIDE][+key=value...]``: any TFDS image-classification dataset, no code.

``NAME`` is what ``tfds.builder`` takes (``oxford_flowers102``, ``cifar100``,
``stanford_dogs:0.2.0``, a config after ``/``). ``@SIDE`` resizes every image to ``SIDE x SIDE``
(bilinear, aspect ratio not kept, as our Stanford Dogs builder does); it is needed when the
dataset's images vary in size, and optional when they share one square size. Options after ``+``:

* ``image=FEATURE``, ``label=FEATURE``: the features read (default ``image`` and ``label``; else the
  dataset's only ``Image`` and only ``ClassLabel`` feature), e.g. ``tfds:cifar100+label=coarse_label``;
* ``train=SPLIT``, ``test=SPLIT``: the TFDS splits (slicing allowed) read as our ``train`` and
  ``test`` (default ``train`` and ``test``), e.g. ``tfds:tf_flowers@64+train=train[:90%]+test=train[90%:]``.

Channels and classes come from the dataset's info; pixels become ``SIDE*SIDE`` steps of ``C``
values in row-major order, as the paper's image tasks. The info comes from the TFDS catalog's
code, or for datasets outside it from the prepared files in the data dir.
"""
from __future__ import annotations

import os
from typing import Optional

import numpy as np

from rnn_aux import validation
from rnn_aux.data import images, tasks, tfds_module

OPTIONS = ("image", "label", "train", "test")


def parse(name: str) -> tuple[str, Optional[int], dict]:
  """``tfds:NAME@SIDE+k=v`` -> ``(NAME, SIDE or None, {k: v})``."""
  body = name[len(tasks.TFDS_PREFIX):]
  body, *opts = body.split("+")
  options = {}
  for opt in opts:
    key, eq, value = opt.partition("=")
    if not eq or key not in OPTIONS or not value:
      raise ValueError(f"{name}: bad option {opt!r}; options are +KEY=VALUE with KEY one of "
                       f"{', '.join(OPTIONS)}, e.g. tfds:cifar100@32+label=coarse_label")
    options[key] = value
  dataset, at, side = body.partition("@")
  if not dataset:
    raise ValueError(f"{name}: no dataset name; write tfds:NAME[@SIDE], e.g. "
                     "tfds:oxford_flowers102@64")
  if at and not (side.isdigit() and int(side) > 0):
    raise ValueError(f"{name}: the image side after @ must be a positive integer, e.g. "
                     f"tfds:{dataset}@64")
  return dataset, int(side) if at else None, options


def data_dir_or_default(data_dir: Optional[str]) -> str:
  return os.path.expanduser(data_dir or os.environ.get("TFDS_DATA_DIR", "~/tensorflow_datasets"))


def _builder(name: str, dataset: str, data_dir: str):
  tfds = tfds_module.tfds()
  try:
    return tfds.builder(dataset, data_dir=data_dir)
  except Exception as e:  # DatasetNotFoundError and friends: one line
    raise ValueError(f"{name}: TFDS knows no dataset {dataset!r} in its catalog or in {data_dir} "
                     f"({validation.error_summary(e)}); check the name, or pass the data dir that "
                     "holds it (--config.data_dir, $TFDS_DATA_DIR)") from e


def _pick(name, features, key, wanted, kind, option):
  """The feature called ``key`` (explicit or default), else the only one of class ``kind``."""
  tfds = tfds_module.tfds()
  cls = {"Image": tfds.features.Image, "ClassLabel": tfds.features.ClassLabel}[kind]
  if wanted is not None or key in features:
    key = wanted or key
    if key not in features or not isinstance(features[key], cls):
      raise ValueError(f"{name}: the dataset has no {kind} feature {key!r} (its features: "
                       f"{', '.join(features.keys())}); name one with +{option}=FEATURE")
    return key
  found = [k for k, f in features.items() if isinstance(f, cls)]
  if not found:
    raise ValueError(f"{name}: no {kind} features (features: {', '.join(features.keys())}); "
                     "not an image-classification dataset")
  if len(found) > 1:
    raise ValueError(f"{name}: several {kind} features ({', '.join(found)}); pick one with "
                     f"+{option}=FEATURE")
  return found[0]


def catalog_task(name: str, data_dir: Optional[str] = None) -> tasks.Task:
  """The Task of ``tfds:NAME[@SIDE]...``, its shapes and classes from the dataset's info."""
  dataset, side, options = parse(name)
  builder = _builder(name, dataset, data_dir_or_default(data_dir))
  features = builder.info.features
  image_key = _pick(name, features, "image", options.get("image"), "Image", "image")
  label_key = _pick(name, features, "label", options.get("label"), "ClassLabel", "label")
  image = features[image_key]
  h, w, channels = image.shape
  if image.np_dtype != np.uint8 or channels is None:
    raise ValueError(f"{name}: feature {image_key!r} is {image.np_dtype} of shape {image.shape}; "
                     "only uint8 images with a fixed channel count become pixel tokens")
  if side is None:
    if h is None or h != w:
      size = "vary in size" if h is None or w is None else f"are {h}x{w}"
      raise ValueError(f"{name}: the images {size}; give a square side "
                       f"to resize them to, e.g. tfds:{name[len(tasks.TFDS_PREFIX):]}@64 "
                       "(before any +option)")
    side = h
  num_classes = features[label_key].num_classes
  return tasks.Task(name=name, seq_len=side * side, channels=channels, vocab_size=256,
                    num_classes=num_classes, catalog=dataset, offline="", kind="image",
                    image_size=side, image_key=image_key, label_key=label_key,
                    splits=(options.get("train", "train"), options.get("test", "test")))


class ImageSource:
  """A TFDS data source's rows as ``{"image": SIDExSIDExC uint8, "label"}``: our image rows."""

  def __init__(self, task: tasks.Task, source):
    self.task, self.source = task, source

  def __len__(self):
    return len(self.source)

  def _row(self, row) -> dict:
    image = np.asarray(row[self.task.image_key])
    if image.ndim == 2:
      image = image[..., None]
    c = self.task.channels
    if image.shape[-1] != c:  # decoders may drop or add channels of grey or RGBA files
      if image.shape[-1] == 1:
        image = np.repeat(image, c, axis=-1)
      elif image.shape[-1] == 4 and c == 3:
        image = image[..., :3]
      else:
        raise ValueError(f"{self.task.name}: an image has {image.shape[-1]} channels, the "
                         f"dataset's info says {c}")
    return {"image": images.resize(image.astype(np.uint8, copy=False), self.task.image_size),
            "label": np.int64(row[self.task.label_key])}

  def __getitem__(self, i):
    return self._row(self.source[i])

  def __getitems__(self, keys):
    from rnn_aux.data import pipeline
    return [self._row(r) for r in pipeline.get_rows(self.source, keys)]


def catalog_source(task: tasks.Task, split: str, data_dir: Optional[str], source: str):
  """``task``'s split (``train`` or ``test``: the TFDS splits in ``task.splits``).

  ``source``: ``offline`` reads only what is prepared in ``data_dir``; ``auto`` and ``catalog``
  download and prepare the dataset there when it is not (needs a network).
  """
  tfds = tfds_module.tfds()
  if split not in ("train", "test"):
    raise ValueError(f"unknown split {split!r}; the tasks have 'train' and 'test'")
  data_dir = data_dir_or_default(data_dir)
  tfds_split = task.splits[split == "test"]
  builder = _builder(task.name, task.catalog, data_dir)
  prepared = builder.is_prepared() if hasattr(builder, "is_prepared") else True
  if not prepared and source == "offline":
    raise FileNotFoundError(f"{task.catalog} is not prepared in {data_dir}; run once with a "
                            "network and data_source auto (downloads it), or copy a prepared "
                            "array_record TFDS data dir there")
  known = list(builder.info.splits.keys()) if prepared else []
  base = tfds_split.split("[")[0]
  if known and base not in known:
    raise ValueError(f"{task.name}: {task.catalog} has splits {', '.join(known)}, not "
                     f"{base!r}; map ours with +{split}=SPLIT, e.g. +{split}={known[-1]}")
  try:
    src = tfds.data_source(task.catalog, split=tfds_split, data_dir=data_dir,
                           download=not prepared)
  except Exception as e:  # TFDS raises many kinds; give one line that names the fix
    raise RuntimeError(f"could not open {task.catalog}/{tfds_split} in {data_dir} "
                       f"({validation.error_summary(e)}); download needs a network, and data "
                       "sources need array_record files (a dataset prepared as tfrecord must "
                       "be prepared again)") from e
  return ImageSource(task, src)
