"""Vanishing and exploding gradients, measured (lesson 05; reused in 06).

In a recurrent layer ``h_t = f(a_t)`` with ``a_t = W_hh h_{t-1} + W_xh x_t + b``, so one step's
Jacobian is ``dh_t/dh_{t-1} = diag(f'(a_t)) W_hh`` and the gradient that reaches ``h_0`` from
step ``T`` is the product of ``T`` such matrices. Its norm shrinks or grows roughly like
``(spectral radius of W_hh × typical f')^T``: exponentially in the sequence length.

Matrices use the maths layout of the slides: ``W_hh`` is ``(units, units)`` and acts on column
vectors (``W_hh @ h``). Keras stores the transpose (``recurrent_kernel = W_hh.T``).
"""
from __future__ import annotations

import numpy as np

from .figures import FONT_PT, power_ticks
from .validation import (MAX_LENGTH, MAX_UNITS, check_array, check_choice, check_keras_model, check_number,
                         check_positive_int, check_seed, check_size)

ACTIVATIONS = ("tanh", "relu", "sigmoid")


def activation(name: str, a):
    """``f(a)`` for ``name`` in :data:`ACTIVATIONS` (any shape)."""
    check_choice("activation", name, set(ACTIVATIONS))
    a = check_array("a", a, kind="number", allow_empty=True).astype(np.float64)
    if name == "tanh":
        return np.tanh(a)
    if name == "relu":
        return np.maximum(a, 0.0)
    return 1.0 / (1.0 + np.exp(-a))


def activation_derivative(name: str, a):
    """``f'(a)`` for ``name`` in :data:`ACTIVATIONS` (any shape): ``1 - tanh²``, ``[a > 0]``, ``s (1 - s)``."""
    check_choice("activation", name, set(ACTIVATIONS))
    a = check_array("a", a, kind="number", allow_empty=True).astype(np.float64)
    if name == "tanh":
        return 1.0 - np.tanh(a) ** 2
    if name == "relu":
        return (a > 0).astype(np.float64)
    s = 1.0 / (1.0 + np.exp(-a))
    return s * (1.0 - s)


def step_jacobian(W_hh, a_t, activation_name: str = "tanh") -> np.ndarray:
    """One step's Jacobian ``dh_t/dh_{t-1} = diag(f'(a_t)) W_hh``: ``(units, units)``.

    ``W_hh`` ``(units, units)``, ``a_t`` the pre-activation ``(units,)``. Reference for exercise 05.1.
    """
    W_hh = check_array("W_hh", W_hh, ndim=2, kind="number")
    if W_hh.shape[0] != W_hh.shape[1]:
        raise ValueError(f"argument 'W_hh': expected a square matrix (units, units), got {W_hh.shape}")
    a_t = check_array("a_t", a_t, shape=(W_hh.shape[0],), dims=("units",), kind="number")
    return activation_derivative(activation_name, a_t)[:, None] * W_hh


def spectral_radius(W) -> float:
    """Largest absolute eigenvalue of a square matrix."""
    W = check_array("W", W, ndim=2, kind="number")
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"argument 'W': expected a square matrix, got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def random_recurrent_matrix(units: int, radius: float, *, seed: int = 0) -> np.ndarray:
    """A random Gaussian ``W_hh`` ``(units, units)`` rescaled to spectral radius ``radius``."""
    units = check_size("units", units, maximum=MAX_UNITS, what="units")
    radius = check_number("radius", radius, low=0, high=1e6)
    check_seed("seed", seed)
    W = np.random.default_rng(seed).normal(size=(units, units))
    return W * (radius / spectral_radius(W))


def jacobian_norms(W_hh, length: int, activation_name: str = "tanh", *, input_scale: float = 0.1,
                   seed: int = 0) -> np.ndarray:
    """Norms ``||dh_t/dh_0||`` (largest singular value) for ``t = 1 .. length``: shape ``(length,)``.

    Runs the recurrence ``h_t = f(W_hh h_{t-1} + x_t)`` from ``h_0 = 0`` on random inputs
    ``x_t ~ N(0, input_scale²)`` (they stand in for ``W_xh x_t + b``) and multiplies the
    step Jacobians as it goes: ``J_t = diag(f'(a_t)) W_hh J_{t-1}``.
    """
    W_hh = check_array("W_hh", W_hh, ndim=2, kind="number").astype(np.float64)
    units = W_hh.shape[0]
    if W_hh.shape != (units, units):
        raise ValueError(f"argument 'W_hh': expected a square matrix (units, units), got {W_hh.shape}")
    length = check_size("length", length, maximum=MAX_LENGTH, what="steps")
    if units > 1024:
        raise ValueError(f"argument 'W_hh': expected at most 1024 units (a product of {length:,} Jacobians must "
                         f"finish in seconds on a 2-core machine), got {units}")
    check_choice("activation_name", activation_name, set(ACTIVATIONS))
    input_scale = check_number("input_scale", input_scale, low=0, high=1e6)
    check_seed("seed", seed)
    rng = np.random.default_rng(seed)
    h = np.zeros(units)
    J = np.eye(units)
    norms = np.empty(length)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(length):
            a = W_hh @ h + input_scale * rng.normal(size=units)
            h = activation(activation_name, a)
            J = step_jacobian(W_hh, a, activation_name) @ J
            norms[t] = np.linalg.norm(J, 2) if np.all(np.isfinite(J)) else np.inf
    return norms


def norm_curves(radii=(0.5, 0.9, 1.0, 1.1, 1.5), length: int = 100, activation_name: str = "tanh", *,
                units: int = 32, seed: int = 0) -> dict[float, np.ndarray]:
    """``{radius: jacobian_norms(...)}`` for one activation and several spectral radii (same random W shape)."""
    if isinstance(radii, (str, bytes)) or not hasattr(radii, "__iter__"):
        raise TypeError(f"argument 'radii': expected a list of numbers, got {type(radii).__name__} {radii!r:.40}")
    radii = [check_number("radii", r, low=0, high=1e6) for r in radii]
    if not radii:
        raise ValueError("argument 'radii': expected at least one spectral radius, got none")
    return {float(r): jacobian_norms(random_recurrent_matrix(units, r, seed=seed), length, activation_name, seed=seed)
            for r in radii}


def decay_rate(norms) -> float:
    """Average factor per step by which ``norms`` (``(length,)``) grows (> 1) or shrinks (< 1), from a log-linear fit."""
    norms = check_array("norms", norms, ndim=1, kind="number", finite="no_nan")
    ok = np.isfinite(norms) & (norms > 0)
    if ok.sum() < 2:
        return float("nan")
    t = np.arange(1, len(norms) + 1)[ok]
    slope = np.polyfit(t, np.log(norms[ok]), 1)[0]
    return float(np.exp(slope))


def plot_norm_curves(curves: dict, *, title: str = "", ax=None, label: str = "spectral radius"):
    """Log-scale plot of ``{key: norms (length,)}`` against step ``t`` (pure: data in, Figure out)."""
    import matplotlib.pyplot as plt

    if not curves:
        raise ValueError("argument 'curves': expected at least one curve, got an empty dict")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.5))
    else:
        fig = ax.figure
    for key, norms in curves.items():
        norms = check_array(f"curves[{key!r}]", norms, ndim=1, kind="number", finite="no_nan")
        shown = np.clip(np.where(np.isfinite(norms), norms, 1e100), 1e-100, 1e100)
        ax.semilogy(np.arange(1, len(norms) + 1), shown, label=f"{label} {key}")
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("steps back in time t")
    ax.set_ylabel("||dh_t / dh_0||")
    ax.set_title(title)
    if len(fig.axes) == 1:
        ax.legend()
    elif ax is fig.axes[-1]:        # panels side by side: the same lines in each, one legend beside the last
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    power_ticks(ax.yaxis)
    return fig


# ---- clipping ---------------------------------------------------------------------------------------

def clip_by_norm(grad, max_norm: float) -> np.ndarray:
    """Rescale ``grad`` (any shape) to norm ``max_norm`` when its norm is larger; keep its direction.

    What ``keras.optimizers.Adam(clipnorm=...)`` does to each gradient. Reference for exercise 05.2.
    """
    grad = check_array("grad", grad, kind="number").astype(np.float64)
    max_norm = check_number("max_norm", max_norm, low=0, low_open=True)
    norm = np.linalg.norm(grad)
    return grad * (max_norm / norm) if norm > max_norm else grad.copy()


def clipping_run(clipnorm: float | None, *, steps: int = 60, gap: int = 30, gain: float = 1.8,
                 learning_rate: float = 0.05, units: int = 32, batch_size: int = 64, seed: int = 0) -> dict:
    """Train a ReLU RNN whose ``W_hh`` starts at ``gain × orthogonal`` with plain SGD; return per-step logs.

    With ``gain > 1`` the gradient explodes along the sequence; ``clipnorm`` (``None`` = no
    clipping) caps each gradient's norm. Returns ``{"loss": (steps,), "grad_norm": (steps,)}``
    where ``grad_norm`` is the global norm before clipping; a diverged run shows ``inf``/``nan``.
    """
    import keras
    import tensorflow as tf

    from .long_gap import make_long_gap

    steps = check_size("steps", steps, maximum=100_000, what="steps")
    if clipnorm is not None:
        clipnorm = check_number("clipnorm", clipnorm, low=0, low_open=True)
    gap = check_size("gap", gap, minimum=0, maximum=10_000, what="steps")
    gain = check_number("gain", gain, low=0, high=1e3)
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
    units = check_size("units", units, maximum=MAX_UNITS, what="units")
    batch_size = check_size("batch_size", batch_size, maximum=100_000, what="rows")
    seed = check_seed("seed", seed)
    if steps * batch_size * (gap + 2) > 50_000_000:
        raise ValueError(f"argument 'steps': expected steps * batch_size * (gap + 2) <= 50,000,000 tokens on a "
                         f"2-core, 24 GiB machine, got {steps:,} * {batch_size:,} * {gap + 2:,}")
    data = make_long_gap(steps * batch_size, gap, seed=seed)
    x, y = data.one_hot(), data.y
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((None, data.vocab_size)),
        keras.layers.SimpleRNN(units, activation="relu",
                               recurrent_initializer=keras.initializers.Orthogonal(gain=gain, seed=seed)),
        keras.layers.Dense(data.n_classes)])
    optimizer = keras.optimizers.SGD(learning_rate, clipnorm=clipnorm)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, tf.linalg.global_norm(grads)

    losses, norms = [], []
    for step in range(steps):
        part = slice(step * batch_size, (step + 1) * batch_size)
        loss, norm = train_step(tf.constant(x[part]), tf.constant(y[part]))
        losses.append(float(loss))
        norms.append(float(norm))
    return {"loss": np.asarray(losses), "grad_norm": np.asarray(norms)}


# ---- gradients of a trained Keras model, per time step ----------------------------------------------

def input_gradient_norms(model, x, y) -> np.ndarray:
    """Mean norm of ``dLoss/dx_t`` over the batch, for every step: ``x`` ``(batch, time, features)`` → ``(time,)``.

    How much the loss still "hears" the input at step ``t``: for a plain RNN it fades for early
    steps; in an LSTM it stays up (lessons 05, 06). ``model`` outputs class probabilities.
    """
    import keras
    import tensorflow as tf

    check_keras_model("model", model)
    x = check_array("x", x, ndim=3, dims=("batch", "time", "features"), kind="number").astype(np.float32)
    y = check_array("y", y, shape=(len(x),), dims=("batch",), kind="int")
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = keras.losses.sparse_categorical_crossentropy(tf.constant(y), model(xt, training=False))
        loss = tf.reduce_sum(loss)
    grad = tape.gradient(loss, xt).numpy()
    return np.linalg.norm(grad, axis=-1).mean(axis=0)
