"""The packed runs of one process (``config.runs``): a seed each (its initial parameters, data
order and random flips) and, optionally, settings of their own. Packed runs share the model and
the compiled step, so a setting may differ between them only where it is a traced value of that
step (a per-run scalar), never where it changes the program or the batches' shapes.

  config.runs.seeds = (0, 1, 2, 0, 1, 2)
  config.runs.weight_decay = (0.1, 0.1, 0.1, 0.3, 0.3, 0.3)   # optimizer=adamw
"""
from __future__ import annotations

import dataclasses

# The settings a run of a pack may hold on its own, each a config field of the same name whose
# value the runs that do not set it share.
PER_RUN_SETTINGS = ("learning_rate", "aux_weight", "weight_decay")


@dataclasses.dataclass(frozen=True)
class RunPlan:
  """Each packed run's seed and its value of every per-run setting (the fields in the order of
  :data:`PER_RUN_SETTINGS`)."""
  seeds: tuple
  learning_rates: tuple
  aux_weights: tuple
  weight_decays: tuple

  @property
  def size(self) -> int:
    return len(self.seeds)

  def run_settings(self, r: int) -> dict:
    """Run ``r``'s seed and per-run settings, as ``results.json`` records them."""
    values = (getattr(self, f.name)[r] for f in dataclasses.fields(self))
    return dict(zip(("seed",) + PER_RUN_SETTINGS, values))


def run_plan(config) -> RunPlan:
  """``config.runs`` (seeds, and optionally one value per seed of each of
  :data:`PER_RUN_SETTINGS`); no seeds means one run with ``config.seed``."""
  runs = config.get("runs") or {}
  seeds = tuple(int(s) for s in runs.get("seeds", ())) or (int(config.seed),)

  def per_run(name):
    values = tuple(float(v) for v in runs.get(name, ()))
    if not values:
      return (float(config.get(name, 0.0)),) * len(seeds)
    if len(values) != len(seeds):
      raise ValueError(f"runs.{name} has {len(values)} values for {len(seeds)} runs "
                       "(runs.seeds): give one per seed, or none")
    return values

  plan = RunPlan(seeds, *(per_run(name) for name in PER_RUN_SETTINGS))
  if min(plan.learning_rates) <= 0:
    raise ValueError(f"runs.learning_rate must be positive, got {plan.learning_rates}")
  if min(plan.weight_decays) < 0:
    raise ValueError(f"runs.weight_decay must be >= 0, got {plan.weight_decays}")
  return plan
