"""Packed runs: R runs in one process, one vmapped step, equal to R separate runs."""
import jax
import numpy as np
import pytest

from experiments.configs import paper
from rnn_aux.train import checkpoint, loop


def _train(workdir, mnist_dir, **fields):
  config = paper.get_config("mnist,smoke")
  config.data_dir, config.progress_bar, config.eval_batch_size = mnist_dir, False, 96
  config.validation_examples = 40
  config.update(fields)
  results = loop.train_and_evaluate(config, str(workdir))
  mgr = checkpoint.Checkpointer(str(workdir), keep=3)
  try:
    step, params = mgr.latest_params()
  finally:
    mgr.close()
  return results, step, params


def test_two_packed_runs_equal_two_separate_runs(tmp_path, mnist_dir):
  runs = {"seeds": (0, 7), "learning_rate": (3e-3, 1e-3), "aux_weight": (1.0, 0.5)}
  packed, step, params = _train(tmp_path / "packed", mnist_dir, runs=runs)
  assert step == 20  # one epoch of the 320 training examples, batch 16
  for r, (seed, lr, aw) in enumerate(zip(*runs.values())):
    alone, _, alone_params = _train(tmp_path / f"alone{r}", mnist_dir, seed=seed,
                                    learning_rate=lr, aux_weight=aw)
    jax.tree.map(lambda p, a: np.testing.assert_allclose(np.asarray(p)[r], np.asarray(a)[0], atol=2e-5),
                 params, alone_params)
    mine = packed["runs"][r]
    assert (mine["seed"], mine["learning_rate"], mine["aux_weight"]) == (seed, lr, aw)
    assert mine["final_test_accuracy"] == pytest.approx(alone["final_test_accuracy"], abs=1e-6)
    assert mine["final_validation_accuracy"] == pytest.approx(
        alone["final_validation_accuracy"], abs=1e-6)
  accs = [r["final_test_accuracy"] for r in packed["runs"]]
  assert packed["final_test_accuracy"] == pytest.approx(np.mean(accs))
  assert packed["final_test_accuracy_std"] == pytest.approx(np.std(accs, ddof=1))
  assert len(packed["train_log"][-1]["loss_per_run"]) == 2
  base = packed["train_log"][-1]["learning_rate"]  # the schedule at config.learning_rate
  scales = np.asarray(runs["learning_rate"]) / paper.get_config("mnist,smoke").learning_rate
  np.testing.assert_allclose(packed["train_log"][-1]["learning_rate_per_run"], base * scales,
                             rtol=1e-6)


def test_per_run_settings_must_match_the_seeds(tmp_path, mnist_dir):
  with pytest.raises(ValueError, match=r"runs.learning_rate has 1 values for 2 runs"):
    _train(tmp_path / "bad", mnist_dir, runs={"seeds": (0, 1), "learning_rate": (1e-3,),
                                              "aux_weight": ()})


def test_packed_runs_with_their_own_weight_decay_equal_separate_runs(tmp_path, mnist_dir):
  runs = {"seeds": (0, 0), "weight_decay": (0.0, 0.5)}  # one seed: only the decay differs
  packed, _, params = _train(tmp_path / "packed", mnist_dir, optimizer="adamw", runs=runs)
  for r, wd in enumerate(runs["weight_decay"]):
    alone, _, alone_params = _train(tmp_path / f"alone{r}", mnist_dir, optimizer="adamw",
                                    weight_decay=wd)
    jax.tree.map(lambda p, a: np.testing.assert_allclose(np.asarray(p)[r], np.asarray(a)[0],
                                                         atol=2e-5), params, alone_params)
    assert packed["runs"][r]["weight_decay"] == wd
    assert packed["runs"][r]["final_test_accuracy"] == pytest.approx(
        alone["final_test_accuracy"], abs=1e-6)
  # the decay acted: the decayed run's matrices are smaller than its twin's
  w = np.asarray(jax.tree.leaves(params)[0])
  assert np.linalg.norm(w[1]) < np.linalg.norm(w[0]) * 0.999


def test_per_run_weight_decay_needs_adamw(tmp_path, mnist_dir):
  with pytest.raises(ValueError, match=r"runs.weight_decay applies to optimizer=adamw only.*"
                                       r"--config.optimizer=adamw"):
    _train(tmp_path / "bad", mnist_dir, optimizer="adam",
           runs={"seeds": (0, 1), "weight_decay": (0.1, 0.3)})
  with pytest.raises(ValueError, match=r"runs.weight_decay must be >= 0"):
    _train(tmp_path / "neg", mnist_dir, optimizer="adamw",
           runs={"seeds": (0, 1), "weight_decay": (0.1, -0.3)})


def test_results_json_is_written_once_per_evaluation(tmp_path, mnist_dir, monkeypatch):
  # each epoch's evaluation is recorded as it happens (status running), the last one only by
  # the final record
  from rnn_aux.train import metrics
  writes, write = [], metrics.write_json_atomic

  def counting(path, record):
    if path.endswith("results.json"):
      writes.append((record["status"], record["step"], len(record["history"])))
    return write(path, record)

  monkeypatch.setattr(metrics, "write_json_atomic", counting)
  _train(tmp_path / "w", mnist_dir, train_epochs=3)
  assert writes == [("running", 20, 1), ("running", 40, 2), ("completed", 60, 3)]
