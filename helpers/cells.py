"""Recurrent cells as Keras layers (lesson 03; lesson 06 adds the LSTM).

A *cell* computes one time step; ``keras.layers.RNN(cell)`` runs it over the time axis::

    layer = keras.layers.RNN(MinimalRNNCell(64))     # (batch, time, features) -> (batch, 64)

The cell's contract with ``keras.layers.RNN``: a ``state_size`` attribute, and
``call(inputs, states)`` taking ``inputs (batch, features)`` and the list of previous
states, returning ``(output, new_states)``. The state travels through the arguments,
never on the layer itself, so one cell object can serve many sequences at once.
"""
from __future__ import annotations

import time

import keras
import numpy as np
from keras import ops

from .validation import MAX_UNITS, check_array, check_seed, check_size


class MinimalRNNCell(keras.layers.Layer):
    """The vanilla RNN step ``h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)``; output = state (lesson 03).

    ``inputs (batch, features)``, ``states = [h_prev (batch, units)]`` →
    ``(h_t (batch, units), [h_t])``. Weights are named as in the maths: ``W_xh
    (features, units)``, ``W_hh (units, units)``, ``b_h (units,)``, in SimpleRNN's order
    (kernel, recurrent kernel, bias), so ``set_weights`` takes a SimpleRNN's weights.
    """

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = check_size("units", units, maximum=MAX_UNITS, what="units")
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        n_in = input_shape[-1]
        if n_in is None:
            raise ValueError("argument 'input_shape': the feature size (last axis) must be known, got None")
        self.W_xh = self.add_weight(shape=(n_in, self.units), initializer="glorot_uniform", name="W_xh")
        self.W_hh = self.add_weight(shape=(self.units, self.units), initializer="orthogonal", name="W_hh")
        self.b_h = self.add_weight(shape=(self.units,), initializer="zeros", name="b_h")

    def call(self, inputs, states):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        _check_step_shapes(inputs, h_prev, self.W_xh.shape[0], self.units)
        h = ops.tanh(ops.matmul(inputs, self.W_xh) + ops.matmul(h_prev, self.W_hh) + self.b_h)  # (batch, units)
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _check_step_shapes(inputs, h_prev, n_in: int, units: int) -> None:
    """Static shape checks for one step, with messages naming the argument."""
    x_shape, h_shape = tuple(inputs.shape), tuple(h_prev.shape)
    if len(x_shape) != 2 or (x_shape[-1] is not None and x_shape[-1] != n_in):
        raise ValueError(f"argument 'inputs': expected shape (batch, {n_in}), got {x_shape}")
    if len(h_shape) != 2 or (h_shape[-1] is not None and h_shape[-1] != units):
        raise ValueError(f"argument 'states': expected h_prev of shape (batch, {units}), got {h_shape}")


class BuggyRNNCell(keras.layers.Layer):
    """The cell that circulates in popular write-ups, bugs included (lesson 03, spot the bug).

    Do not use it: ``*`` multiplies element-wise (it must be a matrix product) and the
    hidden state lives on the layer (``self.h``), so it leaks from one sequence into
    the next and cannot be batched. Call it one step at a time: ``y_t, h_t = cell(x_t)``.
    """

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = check_size("units", units, maximum=MAX_UNITS, what="units")

    def build(self, input_shape):
        n_in = input_shape[-1]
        self.W_xh = self.add_weight(shape=(n_in, self.units), initializer="glorot_uniform", name="W_xh")
        self.W_hh = self.add_weight(shape=(self.units, self.units), initializer="orthogonal", name="W_hh")
        self.W_hy = self.add_weight(shape=(self.units, self.units), initializer="glorot_uniform", name="W_hy")
        self.h = ops.zeros((1, self.units))  # bug 2: the state is kept on the layer

    def call(self, x):
        # bug 1: element-wise products broadcast silently instead of failing
        self.h = ops.tanh(self.W_hh * self.h + self.W_xh * ops.transpose(x))
        output = self.W_hy * self.h
        return output, self.h


def run_cell(cell, x, h0=None) -> tuple[np.ndarray, np.ndarray]:
    """Loop a Keras cell over time by hand: ``x (batch, time, features)`` → ``hs (batch, time, units)``, last state.

    What ``keras.layers.RNN`` does for you, written out (lesson 03). ``h0 (batch, units)``
    defaults to zeros.
    """
    if not isinstance(cell, keras.layers.Layer) or not isinstance(getattr(cell, "state_size", None), int):
        raise TypeError(f"argument 'cell': expected a Keras cell with an int state_size (e.g. MinimalRNNCell), got "
                        f"{type(cell).__name__} {cell!r:.40}")
    x = check_array("x", x, ndim=3, kind="number", allow_empty=True)
    if x.shape[1] == 0:
        raise ValueError(f"argument 'x': expected a sequence of length >= 1, got shape {x.shape} (time = 0)")
    units = cell.state_size
    if h0 is None:
        h0 = np.zeros((x.shape[0], units), dtype="float32")
    h = check_array("h0", h0, shape=(x.shape[0], units), dims=("batch", "units"), kind="float")
    h = ops.convert_to_tensor(h, dtype="float32")
    if not cell.built:
        cell.build((x.shape[0], x.shape[2]))
    outputs = []
    for t in range(x.shape[1]):
        out, states = cell(ops.convert_to_tensor(x[:, t], dtype="float32"), [h])
        h = states[0]
        outputs.append(ops.convert_to_numpy(out))
    return np.stack(outputs, axis=1), ops.convert_to_numpy(h)


def simple_rnn_twin(units: int, n_features: int, *, seed: int = 0, return_sequences: bool = True):
    """A built ``keras.layers.SimpleRNN`` and a ``keras.layers.RNN(MinimalRNNCell)`` with the same weights."""
    units = check_size("units", units, maximum=MAX_UNITS, what="units")
    n_features = check_size("n_features", n_features, maximum=MAX_UNITS, what="features")
    keras.utils.set_random_seed(check_seed("seed", seed))
    reference = keras.layers.SimpleRNN(units, return_sequences=return_sequences)
    reference.build((None, None, n_features))
    ours = keras.layers.RNN(MinimalRNNCell(units), return_sequences=return_sequences)
    ours.build((None, None, n_features))
    ours.set_weights(reference.get_weights())  # kernel, recurrent kernel, bias: same order
    return reference, ours


def compare_speed(batch: int = 32, time_steps: int = 100, units: int = 64, n_features: int = 64,
                  repeats: int = 5, seed: int = 0) -> dict:
    """Median seconds of one forward pass: numpy loop vs ``keras.layers.SimpleRNN`` (lesson 03).

    Same weights and input ``(batch, time_steps, n_features)``, float32. The Keras layer is
    called once first (tracing, warm-up) and then timed as a compiled ``tf.function``
    and eagerly. Returns ``{"numpy": s, "keras": s, "keras eager": s, "ratio": numpy / keras}``.
    """
    from . import numpy_rnn

    repeats = check_size("repeats", repeats, maximum=1_000, what="repeats")
    batch = check_size("batch", batch, maximum=10_000, what="rows")
    time_steps = check_size("time_steps", time_steps, maximum=10_000, what="steps")
    units = check_size("units", units, maximum=MAX_UNITS, what="units")
    n_features = check_size("n_features", n_features, maximum=MAX_UNITS, what="features")
    if batch * time_steps * max(units, n_features) > 100_000_000:
        raise ValueError(f"argument 'batch': expected batch * time_steps * width <= 100,000,000 (seconds per pass on "
                         f"a 2-core machine), got {batch:,} * {time_steps:,} * {max(units, n_features):,}")
    rng = np.random.default_rng(check_seed("seed", seed))
    x = rng.normal(size=(batch, time_steps, n_features)).astype("float32")
    layer = keras.layers.SimpleRNN(units)
    layer.build((None, None, n_features))
    params = numpy_rnn.params_from_keras(layer)
    import tensorflow as tf

    compiled = tf.function(lambda inputs: layer(inputs))
    compiled(x)  # trace once: the timing below is the steady state

    def median(fn):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return float(np.median(times))

    result = {"numpy": median(lambda: numpy_rnn.rnn_forward(x, params)),
              "keras": median(lambda: compiled(x).numpy()),
              "keras eager": median(lambda: np.asarray(layer(x)))}
    result["ratio"] = result["numpy"] / result["keras"]
    return result
