"""Lesson 03 checkers: the references pass; plausible wrong answers are rejected with a specific hint."""
import keras
import numpy as np
import pytest
from keras import ops

from helpers import exercises
from helpers.exercises import lesson03


def test_ids_registered():
    assert {"03.1", "03.2", "03.3"} <= set(exercises.ids())


# ---- 03.1 one step ----------------------------------------------------------------------------
WRONG_STEPS = {
    "tanh": lambda x, h, W_xh, W_hh, b: x @ W_xh + h @ W_hh + b,
    "transposed": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + h @ W_hh.T + b),
    "bias": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + h @ W_hh),
    "ignored": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + b),
    "sigmoid": lambda x, h, W_xh, W_hh, b: 1 / (1 + np.exp(-(x @ W_xh + h @ W_hh + b))),
    "shape": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + h @ W_hh + b).T,
    "values differ": lambda x, h, W_xh, W_hh, b: np.tanh(x @ W_xh + 0.5 * h @ W_hh + b),
}


@pytest.mark.parametrize("word", list(WRONG_STEPS))
def test_step_rejects(word):
    passed, message = exercises.evaluate("03.1", WRONG_STEPS[word])
    assert not passed
    assert word in message, message


def test_step_elementwise_crash_is_reported():
    passed, message = exercises.evaluate("03.1", lambda x, h, W_xh, W_hh, b: np.tanh(W_xh * x + W_hh * h + b))
    assert not passed and "raised ValueError" in message


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


@pytest.mark.parametrize("kwargs, word", [
    ({"carry": False}, "carry"),
    ({"store_before": True}, "off by one"),
    ({"use_h0": False}, "h0"),
    ({"only_last": True}, "last one"),
])
def test_forward_rejects(kwargs, word):
    passed, message = exercises.evaluate("03.2", lambda x, p, h0: _loop(x, p, h0, **kwargs))
    assert not passed
    assert word in message, message


def test_forward_rejects_tuple():
    passed, message = exercises.evaluate("03.2", lambda x, p, h0: (_loop(x, p, h0), None))
    assert not passed and "tuple" in message


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


@pytest.mark.parametrize("candidate, word", [
    (lambda units: __import__("helpers").cells.BuggyRNNCell(units), "state_size"),
    (ElementwiseCell, "differ"),
    (StatefulCell, "self.h"),
    (NoTanhCell, "tanh is missing"),
    (TransposedCell, "transposed"),
    (UnnamedCell, "W_xh"),
    (NoStateSize, "state_size"),
    (lambda units: "not a cell", "keras.layers.Layer"),
])
def test_fixed_cell_rejects(candidate, word):
    passed, message = exercises.evaluate("03.3", candidate)
    assert not passed
    assert word in message, message


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
