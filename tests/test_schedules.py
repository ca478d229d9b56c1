"""Learning-rate schedules: the rate at chosen steps, and through the optimizer."""
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from rnn_aux.train import step as step_lib


def _rates(schedule, steps):
  return [float(schedule(s)) for s in steps]


def test_each_schedule_at_chosen_steps():
  lr, total = 1e-3, 1000
  constant = step_lib.make_schedule("constant", lr, total)
  np.testing.assert_allclose(_rates(constant, [0, 500, 999]), [lr] * 3)
  step = step_lib.make_schedule("step", lr, total, decay_fractions=(0.5, 0.75), decay_factor=0.1)
  np.testing.assert_allclose(_rates(step, [0, 499, 500, 749, 750, 999]),
                             [lr, lr, lr / 10, lr / 10, lr / 100, lr / 100], rtol=1e-6)
  warm_step = step_lib.make_schedule("step", lr, total, warmup_steps=100, decay_fractions=(0.5,))
  np.testing.assert_allclose(_rates(warm_step, [0, 50, 100, 499, 500]),
                             [0.0, lr / 2, lr, lr, lr / 10], rtol=1e-6)
  cosine = step_lib.make_schedule("cosine", lr, total, warmup_steps=100, final_fraction=0.1)
  np.testing.assert_allclose(_rates(cosine, [0, 50, 100, 550, 1000]),
                             [0.0, lr / 2, lr, lr * (0.1 + 0.9 * 0.5), lr * 0.1], rtol=1e-5)


def test_the_optimizer_follows_the_schedule():
  schedule = step_lib.make_schedule("step", 1.0, 4, decay_fractions=(0.5,), decay_factor=0.1)
  opt = step_lib.make_optimizer("sgd", schedule, None)
  params = jnp.zeros(())
  state = opt.init(params)
  moves = []
  for _ in range(4):
    updates, state = opt.update(jnp.ones(()), state, params)
    moves.append(float(updates))
  np.testing.assert_allclose(moves, [-1.0, -1.0, -0.1, -0.1], rtol=1e-6)
  assert isinstance(opt, optax.GradientTransformation)


@pytest.mark.parametrize("kwargs,message", [
    (dict(name="linear"), "unknown lr_schedule 'linear'"),
    (dict(name="constant", warmup_steps=1000), "warmup_steps must be in"),
    (dict(name="step", decay_fractions=(1.5,)), "decay_fractions must lie in"),
    (dict(name="cosine", learning_rate=0.0), "learning_rate must be positive"),
])
def test_bad_schedules_are_one_line_errors(kwargs, message):
  args = dict(name="constant", learning_rate=1e-3, total_steps=1000)
  args.update(kwargs)
  with pytest.raises(ValueError, match=message):
    step_lib.make_schedule(args.pop("name"), args.pop("learning_rate"), args.pop("total_steps"),
                           **args)


def test_adamw_weight_decay_is_decoupled_and_only_for_adamw():
  params = {"w": jnp.full((3,), 2.0)}
  zero = {"w": jnp.zeros((3,))}
  opt = step_lib.make_optimizer("adamw", 0.1, None, weight_decay=0.5)
  updates, _ = opt.update(zero, opt.init(params), params)
  # no gradient: the step is -lr * wd * param exactly
  np.testing.assert_allclose(updates["w"], -0.1 * 0.5 * 2.0, rtol=1e-6)
  none = step_lib.make_optimizer("adamw", 0.1, None)
  updates, _ = none.update(zero, none.init(params), params)
  np.testing.assert_array_equal(updates["w"], 0.0)  # 0 means none, not optax's default
  # the rate is the state's (packed runs each hold their own)
  updates, _ = none.update(zero, step_lib.with_weight_decay(none.init(params), 0.25), params)
  np.testing.assert_allclose(updates["w"], -0.1 * 0.25 * 2.0, rtol=1e-6)
  with pytest.raises(ValueError, match="weight_decay=0.5 needs optimizer=adamw"):
    step_lib.make_optimizer("adam", 0.1, None, weight_decay=0.5)
