"""helpers.trajectory (lesson 00): the bouncing-ball physics, the window regression and the error measures."""
import numpy as np
import pytest

from helpers import trajectory as tr


def test_balls_obey_gravity_between_bounces_and_never_go_below_the_floor():
    balls = tr.bouncing_balls(20, 80, noise=0.0, seed=2)
    assert balls.true.shape == balls.observed.shape == (20, 80, 2)
    assert np.array_equal(balls.true, balls.observed)
    assert (balls.true[..., 1] >= 0).all()
    vx = np.diff(balls.true[..., 0], axis=1)
    assert np.allclose(vx, vx[:, :1])                                   # constant horizontal speed
    ay = np.diff(balls.true[..., 1], n=2, axis=1)                       # second difference of the height
    free = np.isclose(ay, -tr.G * tr.DT ** 2)
    assert free.mean() > 0.8                                            # free fall most of the time ...
    bounces = ~free
    assert bounces.any() and (ay[bounces] > -tr.G * tr.DT ** 2).all()    # ... and a push up at each bounce


def test_bounces_lose_energy():
    balls = tr.bouncing_balls(30, 200, noise=0.0, seed=3)
    y = balls.true[..., 1]
    first, last = y[:, :60].max(axis=1), y[:, -60:].max(axis=1)
    assert (last < first).all()


def test_noise_has_the_stated_size_and_the_seed_decides():
    balls = tr.bouncing_balls(100, 50, noise=0.05, seed=4)
    assert np.std(balls.observed - balls.true) == pytest.approx(0.05, rel=0.05)
    assert np.array_equal(tr.bouncing_balls(5, 10, seed=1).observed, tr.bouncing_balls(5, 10, seed=1).observed)
    assert not np.array_equal(tr.bouncing_balls(5, 10, seed=1).observed, tr.bouncing_balls(5, 10, seed=2).observed)
    with pytest.raises(ValueError, match="'noise'"):
        tr.bouncing_balls(5, noise=-1)


def test_window_pairs_and_a_window_regression_learn_free_flight():
    balls = tr.bouncing_balls(10, 30, noise=0.0, seed=5)
    x, y, t = tr.window_pairs(balls.observed, 3)
    assert x.shape == (10 * 27, 3, 2) and y.shape == (10 * 27, 2) and t.min() == 3
    assert np.array_equal(x[0], balls.observed[0, :3]) and np.array_equal(y[0], balls.observed[0, 3])
    # away from bounces, three positions determine the next one exactly (constant acceleration)
    model = tr.window_regression(tr.bouncing_balls(50, 6, noise=0.0, seed=6).observed, 3)
    flight = tr.bouncing_balls(50, 6, noise=0.0, seed=7)
    ok = (flight.true[:, :, 1] > 0.3).all(axis=1)                       # no bounce in these 6 steps
    predicted = model.predict_sequences(flight.observed)
    assert np.isnan(predicted[:, :2]).all()
    assert np.allclose(predicted[ok, 2:-1], flight.true[ok, 3:], atol=1e-6)
    with pytest.raises(ValueError, match="'window'"):
        tr.window_pairs(balls.observed, 30)


def test_error_by_history_is_a_mean_distance_per_history_length():
    true = np.zeros((2, 4, 2))
    predictions = np.zeros((2, 4, 2))
    predictions[:, 1, 0] = 3.0                     # after 2 positions: 3 m off in x
    predictions[0, 0] = np.nan                     # one ball without a prediction after 1 position
    errors = tr.error_by_history(predictions, true)
    assert errors.shape == (3,) and np.allclose(errors, [0.0, 3.0, 0.0])
    predictions[:, 0] = np.nan
    assert np.isnan(tr.error_by_history(predictions, true)[0])


def test_rnn_inputs_are_steps_and_height():
    balls = tr.bouncing_balls(3, 5, seed=8)
    inputs = tr.rnn_inputs(balls.observed)
    assert inputs.shape == (3, 5, 3) and inputs.dtype == np.float32
    assert np.allclose(inputs[:, 0, :2], 0)
    assert np.allclose(inputs[:, 2, :2], balls.observed[:, 2] - balls.observed[:, 1])
    assert np.allclose(inputs[..., 2], balls.observed[..., 1])
    x, y = tr.rnn_targets(balls.observed)
    assert x.shape == (3, 4, 3) and np.allclose(y[:, 1], balls.observed[:, 2] - balls.observed[:, 1])


def test_plots_are_pure_and_check_their_input():
    balls = tr.bouncing_balls(2, 20, seed=9)
    fig = tr.plot_trajectory(balls.true[0], balls.observed[0], {"same": balls.true[0]})
    assert len(fig.axes[0].lines) >= 3
    fig = tr.plot_error_by_history({"a": np.linspace(0.1, 0.05, 19)}, noise=0.03)
    assert fig.axes[0].get_ylim()[0] == 0 and len(fig.axes[0].lines) == 2
    with pytest.raises(ValueError, match="predictions\\['bad'\\]"):
        tr.plot_trajectory(balls.true[0], balls.observed[0], {"bad": balls.true[0, :5]})
