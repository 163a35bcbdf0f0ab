"""Lesson 03 checkers: the references pass; plausible wrong answers are rejected with a specific hint."""
import keras
import numpy as np
from keras import ops

from helpers import exercises
from helpers.exercises import lesson03


def test_ids_registered():
    assert {"03.1", "03.2", "03.3"} <= set(exercises.ids())


# ---- 03.1 one step ----------------------------------------------------------------------------
def step_tanh_into_h_prev(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh + h @ W_hh + b, out=h)


def step_reuses_h_prev(x, h, W_xh, W_hh, b):
    a = x @ W_xh + b
    h[...] = h @ W_hh  # reuse the state's memory
    return np.tanh(a + h)


def step_first_row(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh + h[0] @ W_hh + b)  # right only for a batch of one


def step_float32(x, h, W_xh, W_hh, b):
    return np.tanh(x @ W_xh + h @ W_hh + b).astype(np.float32)


def step_preallocated(x, h, W_xh, W_hh, b):
    out = np.zeros((x.shape[0], W_hh.shape[0]))
    out[:] = np.tanh(x @ W_xh + h @ W_hh + b)
    return out


def step_einsum(x, h, W_xh, W_hh, b):
    return np.tanh(np.einsum("bi,ih->bh", x, W_xh) + np.einsum("bk,kh->bh", h, W_hh) + b)


def step_concatenated(x, h, W_xh, W_hh, b):
    return np.tanh(np.concatenate([x, h], axis=1) @ np.concatenate([W_xh, W_hh], axis=0) + b)


# ---- 03.2 forward loop -----------------------------------------------------------------------
def _loop(x, params, h0, *, carry=True, store_before=False, use_h0=True, only_last=False):
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    h = h0 if use_h0 else np.zeros_like(h0)
    hs = []
    for t in range(x.shape[1]):
        new = np.tanh(x[:, t] @ W_xh + (h if carry else h0) @ W_hh + b_h)
        hs.append(h if store_before else new)
        h = new
    return h if only_last else np.stack(hs, axis=1)


def forward_over_batch_axis(x, params, h0):
    h, hs = h0, []
    for t in range(x.shape[0]):  # the batch axis, not time
        h = np.tanh(x[:, t] @ params["W_xh"] + h @ params["W_hh"] + params["b_h"])
        hs.append(h)
    return np.stack(hs, axis=1)


def forward_state_in_h0(x, params, h0):
    hs = []
    for t in range(x.shape[1]):
        h0[:] = np.tanh(x[:, t] @ params["W_xh"] + h0 @ params["W_hh"] + params["b_h"])
        hs.append(h0.copy())
    return np.stack(hs, axis=1)


def forward_float32_buffer(x, params, h0):
    hs = np.zeros(x.shape[:2] + h0.shape[1:], dtype=np.float32)
    h = h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ params["W_xh"] + h @ params["W_hh"] + params["b_h"])
        hs[:, t] = h
    return hs


def forward_time_major(x, params, h0):
    return np.stack([h for h in _loop(x, params, h0).transpose(1, 0, 2)], axis=0)


def forward_buffer_of_x_dtype(x, params, h0):
    hs = np.empty(x.shape[:2] + h0.shape[1:], dtype=x.dtype)
    h = h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ params["W_xh"] + h @ params["W_hh"] + params["b_h"])
        hs[:, t] = h
    return hs


def forward_recursive(x, params, h0):
    if x.shape[1] == 0:
        return np.zeros(x.shape[:2] + h0.shape[1:], dtype=x.dtype)
    h = np.tanh(x[:, 0] @ params["W_xh"] + h0 @ params["W_hh"] + params["b_h"])
    return np.concatenate([h[:, None], forward_recursive(x[:, 1:], params, h)], axis=1)


# ---- 03.3 fix the cell -----------------------------------------------------------------------
class ElementwiseCell(keras.layers.Layer):
    """Right interface, element-wise products (the popular bug, half fixed)."""

    def __init__(self, units, **kw):
        super().__init__(**kw)
        self.units = self.state_size = units

    def build(self, input_shape):
        self.W_xh = self.add_weight(shape=(input_shape[-1], self.units), name="W_xh")
        self.W_hh = self.add_weight(shape=(self.units, self.units), name="W_hh")
        self.b_h = self.add_weight(shape=(self.units,), name="b_h", initializer="zeros")

    def call(self, inputs, states):
        h = ops.tanh(ops.sum(self.W_xh * ops.expand_dims(inputs, -1), 1) * 0 + self.W_hh[0] * states[0] + self.b_h)
        return h, [h]


class StatefulCell(ElementwiseCell):
    """Matrix products, but the state is also kept on the layer."""

    def call(self, inputs, states):
        self.h = ops.tanh(ops.matmul(inputs, self.W_xh) + ops.matmul(states[0], self.W_hh) + self.b_h)
        return self.h, [self.h]


class NoTanhCell(ElementwiseCell):
    def call(self, inputs, states):
        h = ops.matmul(inputs, self.W_xh) + ops.matmul(states[0], self.W_hh) + self.b_h
        return h, [h]


class TransposedCell(ElementwiseCell):
    def call(self, inputs, states):
        h = ops.tanh(ops.matmul(inputs, self.W_xh) + ops.matmul(states[0], ops.transpose(self.W_hh)) + self.b_h)
        return h, [h]


class UnnamedCell(ElementwiseCell):
    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent = self.add_weight(shape=(self.units, self.units), name="recurrent")
        self.bias = self.add_weight(shape=(self.units,), name="bias")


class NoStateSize(keras.layers.Layer):
    def __init__(self, units, **kw):
        super().__init__(**kw)


class StateFromSelfCell(ElementwiseCell):
    """Reads the previous state from the layer (the popular cell's second bug) instead of states[0]."""

    def call(self, inputs, states):
        h_prev = getattr(self, "h", states[0])
        self.h = ops.tanh(ops.matmul(inputs, self.W_xh) + ops.matmul(h_prev, self.W_hh) + self.b_h)
        return self.h, [self.h]


class NoBiasCell(ElementwiseCell):
    def call(self, inputs, states):
        h = ops.tanh(ops.matmul(inputs, self.W_xh) + ops.matmul(states[0], self.W_hh))
        return h, [h]


class Float16Cell(ElementwiseCell):
    def call(self, inputs, states):
        h = ops.tanh(ops.matmul(inputs, self.W_xh) + ops.matmul(states[0], self.W_hh) + self.b_h)
        return ops.cast(h, "float16"), [h]


class FixedBatchCell(ElementwiseCell):
    """Right only for the batch size it was written for."""

    def call(self, inputs, states):
        h = ops.tanh(ops.matmul(inputs, self.W_xh) + ops.matmul(states[0], self.W_hh) + self.b_h)
        h = ops.reshape(h, (3, self.units))
        return h, [h]


class DotCell(ElementwiseCell):
    def call(self, inputs, states):
        h = ops.tanh(ops.dot(inputs, self.W_xh) + ops.dot(states[0], self.W_hh) + self.b_h)
        return h, (h,)


class EinsumCell(ElementwiseCell):
    def call(self, inputs, states):
        (h_prev,) = states
        a = ops.einsum("bi,ih->bh", inputs, self.W_xh) + ops.einsum("bk,kh->bh", h_prev, self.W_hh)
        h = ops.tanh(a + self.b_h)
        return h, [h]


WRONG = {
    "03.1": [
        ("tanh missing", lambda x, h, W_xh, W_hh, b: x @ W_xh + h @ W_hh + b, ("tanh",)),
        ("W_hh transposed", lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + h @ W_hh.T + b), ("transposed",)),
        ("bias missing", lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + h @ W_hh), ("bias",)),
        ("state ignored", lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + b), ("ignored",)),
        ("sigmoid", lambda x, h, W_xh, W_hh, b: 1 / (1 + np.exp(-(x @ W_xh + h @ W_hh + b))), ("sigmoid",)),
        ("property: result transposed", lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + h @ W_hh + b).T, ("shape",)),
        ("element-wise products", lambda x, h, W_xh, W_hh, b: np.tanh(W_xh * x + W_hh * h + b), ("raised",)),
        ("one input: first row of h_prev for the whole batch", step_first_row, ("differ", "row")),
        ("dtype: float32", step_float32, ("dtype", "float64")),
        ("dtype: float64 buffer for float32 inputs", step_preallocated, ("dtype", "float32")),
        ("in place: np.tanh(..., out=h_prev)", step_tanh_into_h_prev, ("in place", "`h`")),
        ("in place: h_prev's memory reused", step_reuses_h_prev, ("in place", "`h`")),
    ],
    "03.2": [
        ("state not carried", lambda x, p, h0: _loop(x, p, h0, carry=False), ("carry",)),
        ("stored before the step", lambda x, p, h0: _loop(x, p, h0, store_before=True), ("off by one",)),
        ("h0 ignored", lambda x, p, h0: _loop(x, p, h0, use_h0=False), ("h0",)),
        ("only the last state", lambda x, p, h0: _loop(x, p, h0, only_last=True), ("last one",)),
        ("a tuple", lambda x, p, h0: (_loop(x, p, h0), None), ("tuple",)),
        ("property: time-major result", forward_time_major, ("shape",)),
        ("one input: loops over the batch axis", forward_over_batch_axis, ("range(x.shape[1])",)),
        ("dtype: float32 buffer", forward_float32_buffer, ("dtype", "float64")),
        ("in place: the state kept in h0", forward_state_in_h0, ("in place", "h0")),
    ],
    "03.3": [
        ("the popular cell as is", lambda units: __import__("helpers").cells.BuggyRNNCell(units), ("state_size",)),
        ("element-wise products", ElementwiseCell, ("differ",)),
        ("in place: state stored on self", StatefulCell, ("self.h",)),
        ("in place: state read from self", StateFromSelfCell, ("self.h", "states[0]")),
        ("tanh missing", NoTanhCell, ("tanh is missing",)),
        ("W_hh transposed", TransposedCell, ("transposed",)),
        ("bias missing", NoBiasCell, ("bias",)),
        ("weights not named", UnnamedCell, ("W_xh",)),
        ("property: no state_size", NoStateSize, ("state_size",)),
        ("not a cell", lambda units: "not a cell", ("keras.layers.Layer",)),
        ("one input: batch size hard-coded", FixedBatchCell, ("raised", "reshape")),
        ("dtype: float16 output", Float16Cell, ("float32", "precision")),
    ],
}

RIGHT = {
    "03.1": [("einsum", step_einsum), ("concatenated weights", step_concatenated),
             ("float64 buffer of the inputs' dtype", lambda x, h, W_xh, W_hh, b:
              np.tanh(np.add(x @ W_xh, h @ W_hh, dtype=x.dtype) + b))],
    "03.2": [("preallocated buffer of x's dtype", forward_buffer_of_x_dtype), ("recursive", forward_recursive)],
    "03.3": [("ops.dot and a tuple of states", DotCell), ("einsum", EinsumCell)],
}


def test_buggy_cell_with_state_size_is_still_rejected():
    from helpers.cells import BuggyRNNCell

    class Patched(BuggyRNNCell):
        def __init__(self, units, **kw):
            super().__init__(units, **kw)
            self.state_size = units

    passed, message = exercises.evaluate("03.3", Patched)
    assert not passed
    assert "`*`" in message or "W_xh" in message, message


def test_unattempted_is_reported():
    def stub(units):
        raise NotImplementedError("Exercise 03.3: write your code here")

    passed, message = exercises.evaluate("03.3", stub)
    assert not passed and "not attempted" in message
    assert lesson03.fixed_cell(3).units == 3


class StubCell(ElementwiseCell):
    """What the student notebook holds before the exercise is done."""

    def call(self, inputs, states):
        raise NotImplementedError("Exercise 03.3: write your code here")


def test_stub_cell_is_not_attempted():
    passed, message = exercises.evaluate("03.3", StubCell)
    assert not passed and "not attempted" in message, message
