"""Lesson 04 exercises: the backward step through one tanh cell, and the BPTT loop."""
from __future__ import annotations

import numpy as np

from ..numpy_rnn import RNN_NAMES, PARAM_NAMES, init_params, rnn_backward, rnn_forward, softmax, step_backward
from . import Mismatch, expect_close, expect_shape, register

STEP_KEYS = ("dW_xh", "dW_hh", "db_h", "dh_prev")


def _step_case(seed: int = 7):
    rng = np.random.default_rng(seed)
    batch, n_in, n_hidden = 4, 3, 5
    h_prev = np.tanh(rng.normal(size=(batch, n_hidden)))
    x_t = rng.normal(size=(batch, n_in))
    W_hh = rng.normal(size=(n_hidden, n_hidden)) * 0.5  # not symmetric: a wrong transpose shows
    h_t = np.tanh(rng.normal(size=(batch, n_hidden)))
    dh = rng.normal(size=(batch, n_hidden))
    return dh, h_t, h_prev, x_t, W_hh


def _step_variants(dh, h_t, h_prev, x_t, W_hh) -> dict:
    """Outputs of classic wrong backward steps, keyed by the hint that names the mistake."""
    da = dh * (1 - h_t ** 2)
    return {
        "the tanh derivative is missing: multiply dh by (1 - h_t**2) first": {
            "dW_xh": x_t.T @ dh, "dW_hh": h_prev.T @ dh, "db_h": dh.sum(0), "dh_prev": dh @ W_hh.T},
        "the tanh derivative uses the wrong state: it is 1 - h_t**2 (the output of this step), not 1 - h_prev**2": {
            "dh_prev": (dh * (1 - h_prev ** 2)) @ W_hh.T},
        "the tanh derivative is 1 - h_t**2, not 1 - h_t": {"dh_prev": (dh * (1 - h_t)) @ W_hh.T},
        "dh_prev has a wrong transpose: the forward pass used h_prev @ W_hh, so go back with da @ W_hh.T": {
            "dh_prev": da @ W_hh},
        "dW_hh has a wrong transpose: it is h_prev.T @ da (shape (hidden_in, hidden_out))": {"dW_hh": da.T @ h_prev},
        "dh_prev is zero: the gradient must be carried to the previous step (da @ W_hh.T)": {
            "dh_prev": np.zeros_like(dh)},
    }


@register("04.1", "Back through one tanh step", step_backward)
def check_step_backward(candidate):
    case = _step_case()
    got = candidate(*case)
    if not isinstance(got, dict):
        raise Mismatch(f"expected a dict with keys {list(STEP_KEYS)}, got {type(got).__name__}")
    missing = [k for k in STEP_KEYS if k not in got or got[k] is None]
    if missing:
        raise Mismatch(f"missing {missing} in the returned dict (expected keys {list(STEP_KEYS)}); "
                       "dh_prev is the gradient carried to the previous step")
    want = step_backward(*case)
    for hint, variant in _step_variants(*case).items():
        if any(np.shape(got[k]) == np.shape(v) and np.allclose(got[k], v, atol=1e-9)
               and not np.allclose(v, want[k], atol=1e-9) for k, v in variant.items()):
            raise Mismatch(hint)
    for key in STEP_KEYS:
        expect_close(key, expect_shape(key, got[key], want[key].shape), want[key], atol=1e-8)


# ---- the whole loop ---------------------------------------------------------------------------

def _loop_case(seed: int = 8):
    rng = np.random.default_rng(seed)
    params = init_params(3, 5, 4, seed=seed)
    params["W_hh"] = params["W_hh"] * 1.2
    x = rng.normal(size=(2, 6, 3))
    targets = rng.integers(4, size=(2, 6))
    h0 = np.tanh(rng.normal(size=(2, 5)))
    return x, targets, params, h0


def _bptt_variant(x, targets, params, h0, bug: str) -> dict:
    """The BPTT loop with one named mistake (used to tell the student which one they made)."""
    hs, ys = rnn_forward(x, params, h0)
    batch, time, _ = x.shape
    dys = (softmax(ys) - np.eye(ys.shape[2])[targets]) / batch
    grads = {"W_hy": np.einsum("bth,bto->ho", hs, dys), "b_y": dys.sum((0, 1))}
    grads.update({k: np.zeros_like(params[k]) for k in RNN_NAMES})
    h_prevs = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
    dh_next = np.zeros_like(h0)
    W_hh = params["W_hh"]
    for t in reversed(range(time)):
        dh = dys[:, t] @ params["W_hy"].T + (0 if bug == "not carried" else dh_next)
        da = dh if bug == "no tanh derivative" else dh * (1 - hs[:, t] ** 2)
        step = {"W_xh": x[:, t].T @ da, "W_hh": h_prevs[:, t].T @ da, "b_h": da.sum(0)}
        for k in RNN_NAMES:
            grads[k] = step[k] if bug == "not accumulated" else grads[k] + step[k]
        dh_next = da @ (W_hh if bug == "transpose" else W_hh.T)
    return grads


LOOP_HINTS = {
    "not accumulated": "the gradients are not accumulated over time: the same weights act at every step, "
                       "so add each step's contribution (grads['W_hh'] += ...), do not overwrite it",
    "not carried": "the state gradient is not carried back: at step t, dh = dy_t @ W_hy.T + dh_next, "
                   "where dh_next is the dh_prev returned by step t+1",
    "no tanh derivative": "the tanh derivative is missing: da = dh * (1 - h_t**2)",
    "transpose": "wrong transpose when carrying the gradient back: dh_prev = da @ W_hh.T",
}


def bptt_reference(x, targets, params, h0):
    """Exercise 04.2's answer: full BPTT gradients ``{W_xh, W_hh, b_h, W_hy, b_y}``."""
    grads = rnn_backward(x, targets, params, h0)
    return {k: grads[k] for k in PARAM_NAMES}


@register("04.2", "Backpropagation through time: the loop", bptt_reference)
def check_bptt(candidate):
    case = _loop_case()
    got = candidate(*case)
    if not isinstance(got, dict):
        raise Mismatch(f"expected a dict of gradients with keys {list(PARAM_NAMES)}, got {type(got).__name__}")
    missing = [k for k in PARAM_NAMES if k not in got]
    if missing:
        raise Mismatch(f"missing gradients {missing} (expected keys {list(PARAM_NAMES)})")
    want = bptt_reference(*case)
    for key in PARAM_NAMES:
        expect_shape(f"gradient {key}", got[key], want[key].shape)
    for bug, hint in LOOP_HINTS.items():
        variant = _bptt_variant(*case, bug)
        if all(np.allclose(got[k], variant[k], atol=1e-9) for k in RNN_NAMES):
            raise Mismatch(hint)
    for key in ("W_hy", "b_y", "b_h", "W_xh", "W_hh"):
        expect_close(f"gradient {key}", got[key], want[key], atol=1e-8, rtol=1e-6)
