"""Lesson 04 checkers: the references pass; the classic BPTT mistakes are each rejected by name."""
import numpy as np

from helpers import exercises
from helpers.numpy_rnn import softmax, step_backward


def test_ids_registered():
    assert {"04.1", "04.2"} <= set(exercises.ids())


# ---- 04.1 one backward step ------------------------------------------------------------------
def _step(dh, h_t, h_prev, x_t, W_hh, *, deriv="right", transpose_back=True, carry=True, dW_hh_T=False):
    da = {"right": dh * (1 - h_t ** 2), "none": dh, "prev": dh * (1 - h_prev ** 2),
          "linear": dh * (1 - h_t)}[deriv]
    dh_prev = da @ (W_hh.T if transpose_back else W_hh)
    return {"dW_xh": x_t.T @ da, "dW_hh": da.T @ h_prev if dW_hh_T else h_prev.T @ da, "db_h": da.sum(0),
            "dh_prev": dh_prev if carry else np.zeros_like(dh)}


def step_in_place_derivative(dh, h_t, h_prev, x_t, W_hh):
    dh *= 1 - h_t ** 2  # the classic in-place tanh derivative
    return {"dW_xh": x_t.T @ dh, "dW_hh": h_prev.T @ dh, "db_h": dh.sum(0), "dh_prev": dh @ W_hh.T}


def step_squares_h_t_in_place(dh, h_t, h_prev, x_t, W_hh):
    h_t **= 2
    da = dh * (1 - h_t)
    return {"dW_xh": x_t.T @ da, "dW_hh": h_prev.T @ da, "db_h": da.sum(0), "dh_prev": da @ W_hh.T}


def step_float32(*args):
    return {k: v.astype(np.float32) for k, v in _step(*args).items()}


def step_mean_bias(*args):
    grads = _step(*args)
    return {**grads, "db_h": grads["db_h"] / len(args[0])}


def step_tuple(dh, h_t, h_prev, x_t, W_hh):
    da = dh * (1 - h_t * h_t)
    return np.dot(x_t.T, da), np.dot(h_prev.T, da), np.sum(da, axis=0), np.dot(da, W_hh.T)


def step_einsum(dh, h_t, h_prev, x_t, W_hh):
    da = dh - dh * h_t ** 2
    return {"dW_xh": np.einsum("bi,bh->ih", x_t, da), "dW_hh": np.einsum("bk,bh->kh", h_prev, da),
            "db_h": np.einsum("bh->h", da), "dh_prev": np.einsum("bh,kh->bk", da, W_hh)}


def step_no_derivative_for_dh_prev(dh, h_t, h_prev, x_t, W_hh):
    grads = _step(dh, h_t, h_prev, x_t, W_hh)
    return {**grads, "dh_prev": dh @ W_hh.T}


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


def bptt_grads_alias_params(x, targets, params, h0):
    """Starts the gradients from the parameters' own arrays (forgot zeros_like): += then changes the params."""
    reference = _bptt(x, targets, params, h0)
    grads = dict(params)
    for k in grads:
        grads[k] *= 0
        grads[k] += reference[k]
    return grads


def bptt_not_divided(x, targets, params, h0):
    return {k: v * len(x) for k, v in _bptt(x, targets, params, h0).items()}


def bptt_four_outputs(x, targets, params, h0):
    """np.eye(4): right only when there are 4 output classes."""
    return bptt_with_tuple_steps(x, targets, params, h0, classes=4)


def bptt_float32(x, targets, params, h0):
    return {k: v.astype(np.float32) for k, v in _bptt(x, targets, params, h0).items()}


def bptt_tuple_step(x, targets, params, h0):
    """Written for a step_backward that returns a tuple; in the notebook the reference (a dict) is in scope."""
    hs, h = [], h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ params["W_xh"] + h @ params["W_hh"] + params["b_h"])
        hs.append(h)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dh_next = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        dh = dh_next
        dW_xh, dW_hh, db_h, dh_next = step_backward(dh, hs[t], hs[t - 1] if t else h0, x[:, t], params["W_hh"])
    return grads


def bptt_with_tuple_steps(x, targets, params, h0, classes=None):
    """A right loop that uses a tuple-returning step (04.1 accepts a tuple in the formula's order)."""
    W_xh, W_hh, b_h, W_hy, b_y = (params[k] for k in ("W_xh", "W_hh", "b_h", "W_hy", "b_y"))
    batch, time, _ = x.shape
    hs, h = [], h0
    for t in range(time):
        h = np.tanh(x[:, t] @ W_xh + h @ W_hh + b_h)
        hs.append(h)
    hs = np.stack(hs, axis=1)
    dys = (softmax(hs @ W_hy + b_y) - np.eye(classes or W_hy.shape[1])[targets]) / batch
    grads = {"W_hy": np.einsum("bth,bto->ho", hs, dys), "b_y": dys.sum(axis=(0, 1)),
             "W_xh": np.zeros_like(W_xh), "W_hh": np.zeros_like(W_hh), "b_h": np.zeros_like(b_h)}
    dh_next = np.zeros_like(h0)
    for t in range(time - 1, -1, -1):
        h_prev = hs[:, t - 1] if t > 0 else h0
        d_xh, d_hh, d_b, dh_next = step_tuple(dys[:, t] @ W_hy.T + dh_next, hs[:, t], h_prev, x[:, t], W_hh)
        grads["W_xh"] = grads["W_xh"] + d_xh
        grads["W_hh"] = grads["W_hh"] + d_hh
        grads["b_h"] = grads["b_h"] + d_b
    return grads


WRONG = {
    "04.1": [
        ("tanh derivative missing", lambda *a: _step(*a, deriv="none"), ("derivative is missing",)),
        ("derivative of the wrong state", lambda *a: _step(*a, deriv="prev"), ("wrong state",)),
        ("1 - h_t", lambda *a: _step(*a, deriv="linear"), ("1 - h_t**2",)),
        ("dh_prev not transposed", lambda *a: _step(*a, transpose_back=False), ("transpose",)),
        ("dW_hh transposed", lambda *a: _step(*a, dW_hh_T=True), ("dW_hh has a wrong transpose",)),
        ("not carried", lambda *a: _step(*a, carry=False), ("carried",)),
        ("dh_prev missing", lambda *a: {k: v for k, v in _step(*a).items() if k != "dh_prev"}, ("dh_prev",)),
        ("scaled", lambda *a: {k: 2 * v for k, v in _step(*a).items()}, ("differ",)),
        ("property: dh_prev skips the derivative", step_no_derivative_for_dh_prev, ("skips the tanh derivative",)),
        ("one input: bias averaged (right for a batch of one)", step_mean_bias, ("averaged",)),
        ("dtype: float32", step_float32, ("dtype", "float64")),
        ("in place: dh *= 1 - h_t**2", step_in_place_derivative, ("in place", "`dh`")),
        ("in place: h_t squared in place", step_squares_h_t_in_place, ("in place", "`h_t`")),
        ("tuple in another order", lambda *a: tuple(_step(*a)[k] for k in ("dW_hh", "dW_xh", "db_h", "dh_prev")),
         ("shape",)),
    ],
    "04.2": [
        ("not accumulated", lambda *a: _bptt(*a, accumulate=False), ("not accumulated",)),
        ("not carried", lambda *a: _bptt(*a, carry=False), ("not carried",)),
        ("no tanh derivative", lambda *a: _bptt(*a, deriv=False), ("tanh derivative",)),
        ("wrong transpose", lambda *a: _bptt(*a, transpose_back=False), ("transpose",)),
        ("no output gradients", lambda *a: _bptt(*a, output_grads=False), ("W_hy",)),
        ("gradient missing", lambda *a: {k: v for k, v in _bptt(*a).items() if k != "b_h"}, ("b_h",)),
        ("property: a tuple of gradients", lambda *a: tuple(_bptt(*a).values()), ("dict",)),
        ("one input: not divided by the batch (right for a batch of one)", bptt_not_divided, ("mean over the batch",)),
        ("one input: 4 output classes hard-coded", bptt_four_outputs, ("raised", "np.eye")),
        ("dtype: float32", bptt_float32, ("dtype", "float64")),
        ("in place: gradients accumulated into the parameters", bptt_grads_alias_params, ("in place", "params")),
        ("unpacks the reference step as a tuple", bptt_tuple_step, ("reference from exercise 04.1", "dict")),
    ],
}

RIGHT = {
    "04.1": [("a tuple in the formula's order", step_tuple), ("einsum", step_einsum)],
    "04.2": [("an independent loop", _bptt), ("tuple steps and vectorised outputs", bptt_with_tuple_steps)],
}
