"""A thrown, bouncing ball (lesson 00's opening question): where does it go next?

:func:`bouncing_balls` simulates balls thrown from a height, pulled down by gravity and bouncing off
the floor (losing a share of their speed at each bounce), and observes their positions with
measurement noise. Predicting the next position is **regression**, many-to-one with a fixed window
of past positions (:func:`window_regression`), or many-to-many with a recurrent network that reads
the whole history and answers at every step.

Arrays: positions ``(balls, time, 2)`` in metres, ``(x, y)`` with the floor at ``y = 0``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .training import build_optimizer
from .validation import check_array, check_number, check_seed, check_size
from .figures import FONT_PT

G = 9.81            # m/s², gravity
DT = 0.05           # s between two observations


@dataclass
class Balls:
    """``true`` and ``observed`` positions ``(balls, time, 2)``; observed = true + Gaussian noise."""

    true: np.ndarray
    observed: np.ndarray
    noise: float
    dt: float


def bouncing_balls(n: int, steps: int = 60, *, noise: float = 0.03, dt: float = DT, seed: int = 0) -> Balls:
    """``n`` balls thrown with random speed, angle, height and bounciness, ``steps`` positions each.

    Between bounces the motion is exact (constant horizontal speed, constant downward acceleration
    ``G``); a ball that would go below the floor during a step is reflected there, its vertical speed
    reversed and scaled by its restitution (0.6-0.9). ``noise`` is the standard deviation (m) of the
    measurement error added to every observed coordinate.
    """
    n = check_size("n", n, maximum=100_000, what="balls")
    steps = check_size("steps", steps, minimum=2, maximum=10_000, what="time steps")
    noise = check_number("noise", noise, low=0, high=10)
    dt = check_number("dt", dt, low=0, low_open=True, high=1)
    seed = check_seed("seed", seed)
    rng = np.random.default_rng(seed)
    speed = rng.uniform(3.0, 8.0, n)
    angle = np.radians(rng.uniform(20.0, 70.0, n))
    vx, vy = speed * np.cos(angle), speed * np.sin(angle)
    x, y = np.zeros(n), rng.uniform(0.5, 2.0, n)
    restitution = rng.uniform(0.6, 0.9, n)
    true = np.zeros((n, steps, 2))
    for t in range(steps):
        true[:, t, 0], true[:, t, 1] = x, y
        x = x + vx * dt
        y_next = y + vy * dt - 0.5 * G * dt ** 2
        vy_next = vy - G * dt
        bounced = y_next < 0
        y = np.where(bounced, -y_next * restitution, y_next)       # reflected at the floor, with the energy loss
        vy = np.where(bounced, -vy_next * restitution, vy_next)
    observed = true + rng.normal(0.0, noise, size=true.shape) if noise > 0 else true.copy()
    return Balls(true, observed, noise, dt)


def window_pairs(observed, window: int):
    """Every ``window`` consecutive observed positions and the next one: ``(x (N, window, 2), y (N, 2), t (N,))``.

    ``t`` is the time index of the position predicted (so ``t >= window``).
    """
    observed = check_array("observed", observed, ndim=3, kind="number")
    if observed.shape[-1] != 2:
        raise ValueError(f"argument 'observed': expected positions (balls, time, 2), got shape {observed.shape}")
    window = check_size("window", window, maximum=observed.shape[1] - 1, what="positions (shorter than the sequence)")
    starts = np.arange(observed.shape[1] - window)
    x = np.stack([observed[:, s:s + window] for s in starts], axis=1)         # (balls, N, window, 2)
    y = observed[:, window:]                                                 # (balls, N, 2)
    t = np.broadcast_to(starts + window, y.shape[:2])
    return x.reshape(-1, window, 2), y.reshape(-1, 2), t.reshape(-1)


class WindowRegression:
    """Linear least squares from the last ``window`` positions (flattened) to the next position."""

    def __init__(self, window: int):
        self.window = check_size("window", window, maximum=1000, what="positions")
        self.weights = None

    def fit(self, observed):
        x, y, _ = window_pairs(observed, self.window)
        features = np.concatenate([x.reshape(len(x), -1), np.ones((len(x), 1))], axis=1)
        self.weights = np.linalg.lstsq(features, y, rcond=None)[0]           # (2 * window + 1, 2)
        return self

    def predict(self, history):
        """history ``(N, window, 2)`` → next position ``(N, 2)``."""
        history = check_array("history", history, shape=(None, self.window, 2), dims=("N", "window", "xy"),
                              kind="number")
        if self.weights is None:
            raise RuntimeError("WindowRegression.predict: call fit(observed) first")
        return np.concatenate([history.reshape(len(history), -1), np.ones((len(history), 1))], axis=1) @ self.weights

    def predict_sequences(self, observed):
        """One-step-ahead predictions ``(balls, time, 2)``; NaN where fewer than ``window`` positions were seen.

        Entry ``t`` predicts position ``t + 1`` from positions ``t - window + 1 … t``.
        """
        observed = check_array("observed", observed, ndim=3, kind="number")
        out = np.full(observed.shape, np.nan)
        for t in range(self.window - 1, observed.shape[1]):
            out[:, t] = self.predict(observed[:, t - self.window + 1:t + 1])
        return out


def window_regression(observed, window: int) -> WindowRegression:
    """A :class:`WindowRegression` fitted on every window of ``observed`` ``(balls, time, 2)``."""
    return WindowRegression(window).fit(observed)


def error_by_history(predictions, true) -> np.ndarray:
    """Mean distance (m) between a prediction of the next position and the true one, by history length.

    ``predictions[:, t]`` predicts position ``t + 1`` after seeing ``t + 1`` positions; returns ``(time - 1,)``
    whose entry ``k - 1`` is the error after seeing ``k`` positions (NaN where no prediction was made).
    """
    predictions = check_array("predictions", predictions, ndim=3, kind="number", finite=False)
    true = check_array("true", true, shape=predictions.shape, dims=("balls", "time", "xy"), kind="number")
    distance = np.linalg.norm(predictions[:, :-1] - true[:, 1:], axis=-1)      # (balls, time - 1)
    return np.array([np.nan if np.isnan(column).all() else float(np.nanmean(column)) for column in distance.T])


def build_rnn_regressor(units: int = 32, learning_rate: float = 1e-2):
    """A GRU that reads :func:`rnn_inputs` ``(batch, time, 3)`` and predicts, at every step, the step to the
    next position ``(batch, time, 2)``: many-to-many regression, mean squared error."""
    import keras

    units = check_size("units", units, minimum=1, maximum=4096, what="units")
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
    model = keras.Sequential([keras.Input((None, 3)),
                              keras.layers.GRU(units, return_sequences=True),
                              keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return build_optimizer(model)                            # the first training step then traces once


def rnn_inputs(observed) -> np.ndarray:
    """What the RNN reads at step ``t``: the last step ``(dx, dy)`` (0 at ``t = 0``) and the height ``y``.

    ``(balls, time, 3)``. Steps rather than positions: the same throw anywhere along ``x`` looks the same,
    and the numbers stay small (tenths of a metre) whatever the distance flown.
    """
    observed = check_array("observed", observed, ndim=3, kind="number")
    steps = np.diff(observed, axis=1, prepend=observed[:, :1])
    return np.concatenate([steps, observed[..., 1:]], axis=-1).astype("float32")


def rnn_targets(observed):
    """Training pairs for :func:`build_rnn_regressor`: inputs ``(balls, time - 1, 3)``, next steps ``(balls, time - 1, 2)``."""
    observed = check_array("observed", observed, ndim=3, kind="number")
    return rnn_inputs(observed)[:, :-1], (observed[:, 1:] - observed[:, :-1]).astype("float32")


def rnn_predictions(model, observed) -> np.ndarray:
    """One-step-ahead predictions ``(balls, time, 2)`` of a trained regressor: position + predicted step."""
    observed = check_array("observed", observed, ndim=3, kind="number")
    steps = np.asarray(model(rnn_inputs(observed), training=False), dtype=float)
    return observed + steps


def plot_trajectory(true, observed, predictions: dict, *, title: str = "one test ball"):
    """The true path, the noisy observations and each model's one-step-ahead predictions (pure)."""
    import matplotlib.pyplot as plt

    true = check_array("true", true, ndim=2, kind="number")
    observed = check_array("observed", observed, shape=true.shape, dims=("time", "xy"), kind="number")
    if not isinstance(predictions, dict):
        raise TypeError(f"argument 'predictions': expected a dict {{model: (time, 2)}}, got {type(predictions).__name__}")
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.plot(true[:, 0], true[:, 1], color="black", lw=1.5, label="true path")
    ax.plot(observed[:, 0], observed[:, 1], ".", color="#999999", ms=4, label="observed (noisy)")
    for (name, p), marker in zip(predictions.items(), "xo+^"):
        p = check_array(f"predictions[{name!r}]", p, shape=true.shape, dims=("time", "xy"), kind="number",
                        finite=False)
        ax.plot(p[:-1, 0], p[:-1, 1], marker, ms=4, mfc="none", label=f"{name}: predicted next")
    ax.axhline(0, color="#8b5a2b", lw=2)
    ax.set(xlabel="x (m)", ylabel="height (m)", title=title)
    ax.legend(fontsize=FONT_PT, loc="upper right")
    return fig


def plot_error_by_history(errors: dict, *, noise: float | None = None):
    """Mean next-position error (cm) against the number of positions seen, one line per model (pure)."""
    import matplotlib.pyplot as plt

    if not isinstance(errors, dict) or not errors:
        raise TypeError("argument 'errors': expected a non-empty dict {model: errors (time - 1,)}")
    fig, ax = plt.subplots(figsize=(7, 3.0))
    for name, e in errors.items():
        e = check_array(f"errors[{name!r}]", e, ndim=1, kind="number", finite=False)
        ax.plot(np.arange(1, len(e) + 1), 100 * e, marker=".", label=name)
    if noise is not None:
        noise = check_number("noise", noise, low=0, high=10)
        ax.axhline(100 * noise, color="#999999", ls="--", lw=1, label="noise of one observation (per axis)")
    ax.set(xlabel="positions seen so far", ylabel="error of the next position (cm)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=FONT_PT)
    return fig
