"""What the training loop trains: a :class:`Model` (init, loss, eval logits), built by name from
the config's ``model`` section, which holds that model's fields and nothing else.

A model's section maps one to one onto its spec dataclass (:class:`rnn_aux.classifier.ModelSpec`,
:class:`rnn_aux.transformer.TransformerSpec`): every field but ``name`` is passed through, the
task supplies the sizes it decides (classes, vocabulary, channels), and a field the spec does not
know is a one-line error. The loop knows no model's fields.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import jax

from rnn_aux import classifier, losses, transformer
from rnn_aux.data import tasks


@dataclasses.dataclass(frozen=True)
class Model:
  """What the loop needs of a model: init, a training loss and evaluation logits."""
  init: Callable[[jax.Array], Any]
  # (params, tokens, valid, labels, key, supervised_weight, aux_weight) -> (loss, metrics)
  loss: Callable[..., tuple]
  logits: Callable[[Any, jax.Array, jax.Array], jax.Array]
  has_aux: bool


def lstm_model(spec: classifier.ModelSpec) -> Model:
  """The paper's classifier (any registered recurrence and auxiliary loss)."""
  def loss(params, tokens, valid, labels, key, sup_w, aux_w):
    return classifier.objective(params, spec, tokens, labels, key, valid_BxT=valid,
                                supervised_weight=sup_w, aux_weight=aux_w)
  return Model(init=lambda key: classifier.init(key, spec), loss=loss,
               logits=lambda p, t, v: classifier.logits(p, spec, t, v),
               has_aux=spec.aux is not None)


def transformer_model(spec: transformer.TransformerSpec, seq_len: int) -> Model:
  def loss(params, tokens, valid, labels, key, sup_w, aux_w):
    del aux_w
    out = transformer.logits(params, spec, tokens, valid, train=True, dropout_key=key)
    l, m = losses.classification_loss(out, labels)
    return sup_w * l, {"loss": sup_w * l, **{f"supervised/{k}": v for k, v in m.items()}}
  return Model(init=lambda key: transformer.init(key, spec, seq_len), loss=loss,
               logits=lambda p, t, v: transformer.logits(p, spec, t, v), has_aux=False)


# name -> (spec class, builder(spec, task) -> Model)
BUILDERS: dict[str, tuple[type, Callable[[Any, tasks.Task], Model]]] = {
    "lstm": (classifier.ModelSpec, lambda spec, task: lstm_model(spec)),
    "transformer": (transformer.TransformerSpec,
                    lambda spec, task: transformer_model(spec, task.seq_len)),
}


def spec_from_config(spec_class: type, section: dict, task: tasks.Task):
  """``spec_class`` from a config section (a dict; ``name`` dropped) and the task's sizes."""
  known = {f.name for f in dataclasses.fields(spec_class)}
  fields = {k: v for k, v in section.items() if k != "name"}
  unknown = sorted(set(fields) - known)
  if unknown:
    raise ValueError(f"model.name={section.get('name')!r} has no field(s) {', '.join(unknown)}; "
                     f"its fields: {', '.join(sorted(known - {'num_classes', 'vocab_size', 'channels'}))}")
  fields = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
  fields.update(num_classes=task.num_classes, vocab_size=task.vocab_size, channels=task.channels)
  return spec_class(**fields)


def build(section, task: tasks.Task) -> Model:
  """The model named ``section["name"]``, built from the rest of ``section`` (a ConfigDict or
  dict)."""
  section = section.to_dict() if hasattr(section, "to_dict") else dict(section)
  name = section.get("name")
  if name not in BUILDERS:
    raise ValueError(f"unknown model.name {name!r}; choose one of: {', '.join(sorted(BUILDERS))}")
  spec_class, builder = BUILDERS[name]
  return builder(spec_from_config(spec_class, section, task), task)
