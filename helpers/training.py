"""Long work made visible: a time budget, progress, and a live loss plot (lesson 01 on).

``LiveLoss`` is a Keras callback: in a notebook it redraws one loss figure in place
after each epoch; elsewhere (tests, scripts) it prints one line per epoch.
``TimeBudget`` stops training when a wall-clock budget is spent, so a CPU laptop never
waits longer than the lesson promised; ``DecayByTime`` lowers the learning rate over the
second part of that same budget (a step schedule cannot know how many steps a machine manages).
"""
from __future__ import annotations

import time
from contextlib import contextmanager

import keras
import matplotlib.pyplot as plt

from .validation import check_bool, check_callable, check_keras_model, check_number, check_string_list, check_text

MAX_BUDGET = 7 * 24 * 3600.0   # a week: a longer budget is a typo (or NaN/inf, which would never stop)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython

        shell = get_ipython()
        return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"
    except ImportError:  # pragma: no cover
        return False


class TimeBudget(keras.callbacks.Callback):
    """Stop ``fit`` at the end of the first epoch (or batch) after ``seconds`` have passed."""

    def __init__(self, seconds: float, check_every_batch: bool = True):
        super().__init__()
        self.seconds = check_number("seconds", seconds, low=0, low_open=True, high=MAX_BUDGET)
        self.check_every_batch = check_bool("check_every_batch", check_every_batch)
        self.stopped_early = False

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def _check(self):
        if time.perf_counter() - self.start > self.seconds:
            self.model.stop_training = True
            self.stopped_early = True

    def on_train_batch_end(self, batch, logs=None):
        if self.check_every_batch:
            self._check()

    def on_epoch_end(self, epoch, logs=None):
        self._check()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def decay_factor(fraction: float, hold: float = 0.5, floor: float = 0.1) -> float:
    """Learning-rate multiplier when ``fraction`` of the budget is spent: 1 until ``hold``, then a
    straight line down to ``floor`` at the end of the budget (and ``floor`` after it)."""
    fraction = check_number("fraction", fraction, low=0)
    hold = check_number("hold", hold, low=0, high=1)
    floor = check_number("floor", floor, low=0, high=1)
    if fraction <= hold or hold >= 1:
        return 1.0
    return 1.0 - (1.0 - floor) * min(1.0, (fraction - hold) / (1.0 - hold))


class DecayByTime(keras.callbacks.Callback):
    """Keep the optimizer's learning rate for the first ``hold`` share of ``seconds`` of wall clock,
    then lower it linearly to ``floor`` times the start value by the end (see :func:`decay_factor`).

    Use it with ``TimeBudget(seconds)``: big steps while the loss falls fast, small steps at the end
    to settle into the valley instead of bouncing across it. ``rates`` records (seconds, rate) pairs.
    """

    def __init__(self, seconds: float, hold: float = 0.5, floor: float = 0.1, clock=time.perf_counter):
        super().__init__()
        self.seconds = check_number("seconds", seconds, low=0, low_open=True, high=MAX_BUDGET)
        self.hold = check_number("hold", hold, low=0, high=1)
        self.floor = check_number("floor", floor, low=0, high=1)
        self.clock = check_callable("clock", clock, "a clock function such as time.perf_counter")
        self.rates: list[tuple[float, float]] = []

    def on_train_begin(self, logs=None):
        self.start = self.clock()
        self.base = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_train_batch_begin(self, batch, logs=None):
        elapsed = self.clock() - self.start
        rate = self.base * decay_factor(elapsed / self.seconds, self.hold, self.floor)
        if not self.rates or self.rates[-1][1] != rate:
            self.model.optimizer.learning_rate.assign(rate)
            self.rates.append((elapsed, rate))


class LiveLoss(keras.callbacks.Callback):
    """Plot the training (and validation) loss live in a notebook; print it elsewhere."""

    def __init__(self, title: str = "training", metrics=("loss", "val_loss")):
        super().__init__()
        self.title = check_text("title", title)
        self.metrics = tuple(check_string_list("metrics", metrics, what="metric names"))
        self.history: dict[str, list[float]] = {m: [] for m in metrics}
        self._handle = None

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for metric in self.metrics:
            if metric in logs:
                self.history[metric].append(float(logs[metric]))
        elapsed = time.perf_counter() - self.start
        summary = "  ".join(f"{k}={v:.4f}" for k, v in logs.items())
        if _in_notebook():
            from .figures import show_live
            from .plots import loss_curve

            fig = loss_curve({k: v for k, v in self.history.items() if v},
                             title=f"{self.title}: epoch {epoch + 1}, {elapsed:.0f} s")
            self._handle = show_live(fig, self._handle)   # the plot and its description, replaced each epoch
            plt.close(fig)
        else:
            print(f"epoch {epoch + 1}  {summary}  ({elapsed:.1f} s)")


def build_optimizer(model):
    """Create the optimizer's variables (Adam's two moments per weight) now, before the first training step.

    TensorFlow traces a first training step that creates variables twice (once to see them created, once
    more to run); with the variables already there it traces once. Measured on lesson 10's transformer:
    the first step took 8.7 s, and 4.0 s after this call. Training is unchanged. Returns ``model``.
    """
    check_keras_model("model", model)
    if getattr(model, "optimizer", None) is None:
        raise ValueError("argument 'model': expected a compiled model (call model.compile first), got one "
                         "without an optimizer")
    model.optimizer.build(model.trainable_variables)
    return model


@contextmanager
def timed(label: str):
    """``with timed("training"):`` prints how long the block took."""
    check_text("label", label)
    start = time.perf_counter()
    yield
    print(f"{label}: {time.perf_counter() - start:.1f} s")
