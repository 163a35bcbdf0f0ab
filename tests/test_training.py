import time

import keras
import numpy as np
import pytest

from helpers import training


def _model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_time_budget_stops_training_early():
    x, y = np.zeros((64, 3)), np.zeros((64, 1))

    class Slow(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            time.sleep(0.02)

    budget = training.TimeBudget(0.2)
    history = _model().fit(x, y, epochs=500, batch_size=8, verbose=0, callbacks=[Slow(), budget])
    assert budget.stopped_early and len(history.history["loss"]) < 500
    with pytest.raises(ValueError, match="'seconds'.*> 0"):
        training.TimeBudget(0)


def test_live_loss_prints_outside_a_notebook(capsys):
    live = training.LiveLoss()
    _model().fit(np.zeros((8, 3)), np.zeros((8, 1)), epochs=2, verbose=0, callbacks=[live])
    out = capsys.readouterr().out
    assert out.count("epoch ") == 2 and len(live.history["loss"]) == 2


def test_timed(capsys):
    with training.timed("nothing"):
        pass
    assert "nothing:" in capsys.readouterr().out


def test_decay_factor_holds_then_falls_linearly_to_the_floor():
    assert training.decay_factor(0.0) == training.decay_factor(0.5) == 1.0
    assert training.decay_factor(0.75, hold=0.5, floor=0.1) == pytest.approx(0.55)
    assert training.decay_factor(1.0, floor=0.1) == pytest.approx(0.1)
    assert training.decay_factor(3.0, floor=0.1) == pytest.approx(0.1)   # past the budget: stays at the floor
    assert training.decay_factor(0.9, hold=1.0) == 1.0
    with pytest.raises(ValueError, match="'floor'.*<= 1"):
        training.decay_factor(0.5, floor=2)
    with pytest.raises(ValueError, match="'fraction'.*>= 0"):
        training.decay_factor(-0.1)


def test_decay_by_time_sets_the_optimizer_rate_from_the_clock():
    now = [0.0]

    class Tick(keras.callbacks.Callback):          # each batch takes 1 "second" of a 10-second budget
        def on_train_batch_end(self, batch, logs=None):
            now[0] += 1.0

    model = _model()
    model.optimizer.learning_rate.assign(0.5)
    decay = training.DecayByTime(10, hold=0.5, floor=0.2, clock=lambda: now[0])
    model.fit(np.zeros((80, 3)), np.zeros((80, 1)), batch_size=8, epochs=1, verbose=0, callbacks=[decay, Tick()])
    rates = dict(decay.rates)
    assert rates[0.0] == pytest.approx(0.5) and 5.0 not in rates       # held for the first half
    assert rates[7.0] == pytest.approx(0.5 * (1 - 0.8 * 0.4))            # then linear
    assert float(model.optimizer.learning_rate) == pytest.approx(0.5 * (1 - 0.8 * 0.8))   # last batch began at 9 s
    with pytest.raises(ValueError, match="'hold'.*<= 1"):
        training.DecayByTime(10, hold=1.5)


def test_build_optimizer_creates_the_slots_before_the_first_step_and_rejects_bad_models():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match=r"'model'.*compiled"):
        training.build_optimizer(model)
    with pytest.raises(TypeError, match=r"'model'.*Keras model"):
        training.build_optimizer("model")
    model.compile(optimizer="adam", loss="mse")
    assert not model.optimizer.built
    assert training.build_optimizer(model) is model
    assert model.optimizer.built and len(model.optimizer.variables) > len(model.trainable_variables)
    before = [np.array(v) for v in model.trainable_variables]
    model.train_on_batch(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"))   # trains as before
    assert any(not np.allclose(a, np.array(b)) for a, b in zip(before, model.trainable_variables))


def test_build_optimizer_leaves_training_unchanged():
    x = np.random.default_rng(0).normal(size=(32, 5, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    weights = []
    for prebuild in (False, True):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((5, 3)), keras.layers.GRU(4), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
        if prebuild:
            training.build_optimizer(model)
        model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(*weights))
