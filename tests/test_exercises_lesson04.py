"""Lesson 04 checkers: the references pass; the classic BPTT mistakes are each rejected by name."""
import numpy as np
import pytest

from helpers import exercises
from helpers.numpy_rnn import softmax


def test_ids_registered():
    assert {"04.1", "04.2"} <= set(exercises.ids())


# ---- 04.1 one backward step ------------------------------------------------------------------
def _step(dh, h_t, h_prev, x_t, W_hh, *, deriv="right", transpose_back=True, carry=True, dW_hh_T=False):
    da = {"right": dh * (1 - h_t ** 2), "none": dh, "prev": dh * (1 - h_prev ** 2),
          "linear": dh * (1 - h_t)}[deriv]
    dh_prev = da @ (W_hh.T if transpose_back else W_hh)
    return {"dW_xh": x_t.T @ da, "dW_hh": da.T @ h_prev if dW_hh_T else h_prev.T @ da, "db_h": da.sum(0),
            "dh_prev": dh_prev if carry else np.zeros_like(dh)}


@pytest.mark.parametrize("kwargs, word", [
    ({"deriv": "none"}, "derivative is missing"),
    ({"deriv": "prev"}, "wrong state"),
    ({"deriv": "linear"}, "1 - h_t**2"),
    ({"transpose_back": False}, "transpose"),
    ({"dW_hh_T": True}, "dW_hh has a wrong transpose"),
    ({"carry": False}, "carried"),
])
def test_step_rejects(kwargs, word):
    passed, message = exercises.evaluate("04.1", lambda *a: _step(*a, **kwargs))
    assert not passed
    assert word in message, message


def test_step_rejects_missing_keys_and_scaling():
    passed, message = exercises.evaluate("04.1", lambda *a: {k: v for k, v in _step(*a).items() if k != "dh_prev"})
    assert not passed and "dh_prev" in message
    passed, message = exercises.evaluate("04.1", lambda *a: {k: 2 * v for k, v in _step(*a).items()})
    assert not passed and "differ" in message


# ---- 04.2 the BPTT loop ----------------------------------------------------------------------
def _bptt(x, targets, params, h0, *, accumulate=True, carry=True, deriv=True, transpose_back=True,
          output_grads=True):
    """Written independently of the checker's variants: one loop, a switch per classic mistake."""
    W_xh, W_hh, b_h, W_hy, b_y = (params[k] for k in ("W_xh", "W_hh", "b_h", "W_hy", "b_y"))
    batch, time, _ = x.shape
    hs, h = [], h0
    for t in range(time):
        h = np.tanh(x[:, t] @ W_xh + h @ W_hh + b_h)
        hs.append(h)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dh_next = np.zeros_like(h0)
    for t in reversed(range(time)):
        p = softmax(hs[t] @ W_hy + b_y)
        p[np.arange(batch), targets[:, t]] -= 1
        dy = p / batch
        grads["W_hy"] += hs[t].T @ dy
        grads["b_y"] += dy.sum(0)
        dh = dy @ W_hy.T + (dh_next if carry else 0)
        da = dh * (1 - hs[t] ** 2) if deriv else dh
        h_prev = hs[t - 1] if t > 0 else h0
        contribution = {"W_xh": x[:, t].T @ da, "W_hh": h_prev.T @ da, "b_h": da.sum(0)}
        for k, v in contribution.items():
            grads[k] = grads[k] + v if accumulate else v
        dh_next = da @ (W_hh.T if transpose_back else W_hh)
    if not output_grads:
        grads["W_hy"] = np.zeros_like(W_hy)
    return grads


def test_independent_loop_is_right():
    passed, message = exercises.evaluate("04.2", _bptt)
    assert passed, message


@pytest.mark.parametrize("kwargs, word", [
    ({"accumulate": False}, "not accumulated"),
    ({"carry": False}, "not carried"),
    ({"deriv": False}, "tanh derivative"),
    ({"transpose_back": False}, "transpose"),
    ({"output_grads": False}, "W_hy"),
])
def test_loop_rejects(kwargs, word):
    passed, message = exercises.evaluate("04.2", lambda *a: _bptt(*a, **kwargs))
    assert not passed
    assert word in message, message


def test_loop_rejects_missing_gradient():
    passed, message = exercises.evaluate("04.2", lambda *a: {k: v for k, v in _bptt(*a).items() if k != "b_h"})
    assert not passed and "b_h" in message
