"""Lesson 06 exercises: one LSTM step (06.1) and one GRU step, Keras convention (06.2)."""
from __future__ import annotations

import numpy as np

from ..lstm import gru_step, lstm_step, sigmoid
from . import Mismatch, expect_close, expect_shape, register


def _lstm_case(seed=6, batch=3, features=5, units=4):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(batch, features)), rng.normal(size=(batch, units)), rng.normal(size=(batch, units)) * 2,
            rng.normal(size=(features, 4 * units)), rng.normal(size=(units, 4 * units)), rng.normal(size=4 * units))


def _lstm_variant(x, h, c, W, U, b, *, order="ifco", swap=False, forget_on_candidate=False, no_output=False):
    units = h.shape[1]
    z = x @ W + h @ U + b
    blocks = {name: z[:, k * units:(k + 1) * units] for k, name in enumerate(order)}
    squash_gate, squash_cand = (np.tanh, sigmoid) if swap else (sigmoid, np.tanh)
    i, f, o = (squash_gate(blocks[n]) for n in "ifo")
    g = squash_cand(blocks["c"])
    c_new = (i * c + f * g) if forget_on_candidate else (f * c + i * g)
    h_new = np.tanh(c_new) if no_output else o * np.tanh(c_new)
    return h_new, c_new


@register("06.1", "One LSTM step (Keras gate order i, f, c, o)", lstm_step)
def check_lstm_step(candidate):
    case = _lstm_case()
    expected_h, expected_c = lstm_step(*case)
    result = candidate(*(np.copy(a) for a in case))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Mismatch(f"lstm_step should return a pair (h_t, c_t), got {type(result).__name__}")
    h, c = (np.asarray(r, dtype=np.float64) for r in result)
    expect_shape("h_t", h, expected_h.shape)
    expect_shape("c_t", c, expected_c.shape)
    wrong = {
        "gates in the wrong order: Keras stores the blocks as i, f, c, o (input, forget, candidate, output), "
        "you used i, f, o, c": dict(order="ifoc"),
        "the forget gate must scale the old cell state c_{t-1} and the input gate the candidate: "
        "c_t = f * c_{t-1} + i * g (or you took the input and forget blocks in the wrong order: Keras' "
        "order is i, f, c, o)": dict(forget_on_candidate=True),
        "sigmoid and tanh swapped: the gates i, f, o use sigmoid (a 0-1 valve), the candidate uses tanh":
            dict(swap=True),
        "the output gate is missing: h_t = o * tanh(c_t)": dict(no_output=True),
    }
    for message, options in wrong.items():
        wrong_h, wrong_c = _lstm_variant(*case, **options)
        if np.allclose(h, wrong_h, atol=1e-6) and np.allclose(c, wrong_c, atol=1e-6):
            raise Mismatch(message)
    if np.allclose(c, expected_c, atol=1e-6) and np.allclose(h, np.tanh(expected_c), atol=1e-6):
        raise Mismatch("the output gate is missing: h_t = o * tanh(c_t)")
    if np.allclose(h, expected_c, atol=1e-6) and np.allclose(c, expected_h, atol=1e-6):
        raise Mismatch("h_t and c_t are swapped: return (h_t, c_t)")
    expect_close("c_t (cell state)", c, expected_c, atol=1e-6)
    expect_close("h_t (hidden state)", h, expected_h, atol=1e-6)


def _gru_variant(x, h, W, U, b, *, textbook=False, reset_before=False, order="zrh"):
    units = h.shape[1]
    xw = x @ W + b[0]
    hu = h @ U + b[1]
    blk = lambda m, name: m[:, order.index(name) * units:(order.index(name) + 1) * units]  # noqa: E731
    z = sigmoid(blk(xw, "z") + blk(hu, "z"))
    r = sigmoid(blk(xw, "r") + blk(hu, "r"))
    if reset_before:
        cand = np.tanh(blk(xw, "h") + (r * h) @ U[:, order.index("h") * units:(order.index("h") + 1) * units]
                       + b[1][order.index("h") * units:(order.index("h") + 1) * units])
    else:
        cand = np.tanh(blk(xw, "h") + r * blk(hu, "h"))
    return (1 - z) * h + z * cand if textbook else z * h + (1 - z) * cand


@register("06.2", "One GRU step (Keras: reset_after=True, z keeps the old state)", gru_step)
def check_gru_step(candidate):
    rng = np.random.default_rng(62)
    batch, features, units = 3, 5, 4
    case = (rng.normal(size=(batch, features)), rng.normal(size=(batch, units)),
            rng.normal(size=(features, 3 * units)), rng.normal(size=(units, 3 * units)), rng.normal(size=(2, 3 * units)))
    expected = gru_step(*case)
    got = np.asarray(candidate(*(np.copy(a) for a in case)), dtype=np.float64)
    expect_shape("h_t", got, expected.shape)
    wrong = {
        "that is the textbook convention h_t = (1 - z) h_{t-1} + z ĥ; Keras' update gate z is the share of the "
        "OLD state kept: h_t = z * h_{t-1} + (1 - z) * ĥ": dict(textbook=True),
        "the reset gate is applied before the recurrent matrix product (reset_after=False); Keras' default "
        "applies it after: ĥ = tanh(x W_h + b_h + r * (h U_h + b'_h))": dict(reset_before=True),
        "gates in the wrong order: Keras stores the blocks as z, r, h (update, reset, candidate)": dict(order="rzh"),
    }
    for message, options in wrong.items():
        if np.allclose(got, _gru_variant(*case, **options), atol=1e-6):
            raise Mismatch(message)
    expect_close("h_t", got, expected, atol=1e-6)
