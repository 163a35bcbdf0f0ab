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
