"""Lesson 04 exercises: the backward step through one tanh cell, and the BPTT loop."""
from __future__ import annotations

import numpy as np

from ..numpy_rnn import RNN_NAMES, PARAM_NAMES, init_params, rnn_backward, rnn_forward, softmax, step_backward
from . import draws
from . import Mismatch, expect_close, expect_dtype, expect_shape, register, run
from ._safety import CandidateError, describe_error

STEP_KEYS = ("dW_xh", "dW_hh", "db_h", "dh_prev")


def _step_case(seed: int = 7, batch: int = 4, n_in: int = 3, n_hidden: int = 5, dtype=np.float64):
    rng = draws.rng(seed)
    h_prev = np.tanh(rng.normal(size=(batch, n_hidden)))
    x_t = rng.normal(size=(batch, n_in))
    W_hh = rng.normal(size=(n_hidden, n_hidden)) * 0.5  # not symmetric: a wrong transpose shows
    h_t = np.tanh(rng.normal(size=(batch, n_hidden)))
    dh = rng.normal(size=(batch, n_hidden))
    return tuple(a.astype(dtype) for a in (dh, h_t, h_prev, x_t, W_hh))


STEP_CASES = [dict(seed=7), dict(seed=70, batch=1, n_in=2, n_hidden=3), dict(seed=71, batch=6, n_in=5, n_hidden=2),
              dict(seed=72, batch=3, n_in=4, n_hidden=6, dtype=np.float32)]


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
        "db_h is averaged over the batch: sum it (da.sum(axis=0)), like dW_xh and dW_hh sum over the batch": {
            "db_h": da.mean(0)},
        "dh_prev skips the tanh derivative: it is da @ W_hh.T with da = dh * (1 - h_t**2)": {"dh_prev": dh @ W_hh.T},
    }


def _as_step_dict(got, what: str) -> dict:
    """The answer as a dict: a dict with the four keys, or a tuple/list in the formula's order."""
    if isinstance(got, (tuple, list)):
        if len(got) != len(STEP_KEYS):
            raise Mismatch(f"{what}: a tuple answer must hold {len(STEP_KEYS)} arrays in the formula's order "
                           f"({', '.join(STEP_KEYS)}), got {len(got)}")
        return dict(zip(STEP_KEYS, got))
    if not isinstance(got, dict):
        raise Mismatch(f"{what}: expected a dict with keys {list(STEP_KEYS)}, got {type(got).__name__}")
    missing = [k for k in STEP_KEYS if k not in got or got[k] is None]
    if missing:
        raise Mismatch(f"{what}: missing {missing} in the returned dict (expected keys {list(STEP_KEYS)}); "
                       "dh_prev is the gradient carried to the previous step")
    return got


@register("04.1", "Back through one tanh step", step_backward)
def check_step_backward(candidate):
    for sizes in STEP_CASES:
        case = _step_case(**sizes)
        dh, _, _, x_t, _ = case
        what = f"step_backward for dh {dh.shape}, x_t {x_t.shape} ({dh.dtype})"
        got = _as_step_dict(run(candidate, *case), what)
        want = step_backward(*case)
        case64 = tuple(a.astype(np.float64) for a in case)
        for key in STEP_KEYS:
            if not isinstance(got[key], np.ndarray):
                raise Mismatch(f"{what}: {key} must be a numpy array, got {type(got[key]).__name__}")
            expect_shape(f"{what}: {key}", got[key], want[key].shape)
        tolerance = 1e-8 if dh.dtype == np.float64 else 1e-5
        for hint, variant in _step_variants(*case64).items():
            if all(np.allclose(got[k], v, atol=tolerance) for k, v in variant.items()) and \
                    any(not np.allclose(v, want[k], atol=tolerance) for k, v in variant.items()):
                raise Mismatch(f"{what}: {hint}")
        for key in STEP_KEYS:
            expect_close(f"{what}: {key}", got[key], want[key], atol=tolerance)
            expect_dtype(f"{what}: {key} keeps the dtype of the inputs", got[key], dh.dtype)


# ---- the whole loop ---------------------------------------------------------------------------

def _loop_case(seed: int = 8, batch: int = 2, time: int = 6, n_in: int = 3, n_hidden: int = 5, n_out: int = 4):
    rng = draws.rng(seed)
    params = init_params(n_in, n_hidden, n_out, seed=seed)
    params["W_hh"] = params["W_hh"] * 1.2
    params["b_h"] = rng.normal(size=n_hidden) * 0.1
    params["b_y"] = rng.normal(size=n_out) * 0.1
    x = rng.normal(size=(batch, time, n_in))
    targets = rng.integers(n_out, size=(batch, time))
    h0 = np.tanh(rng.normal(size=(batch, n_hidden)))
    return x, targets, params, h0


LOOP_CASES = [dict(seed=8), dict(seed=80, batch=1, time=1, n_in=2, n_hidden=3, n_out=5),
              dict(seed=81, batch=3, time=9, n_in=4, n_hidden=2, n_out=7)]


def _bptt_variant(x, targets, params, h0, bug: str) -> dict:
    """The BPTT loop with one named mistake (used to tell the student which one they made)."""
    hs, ys = rnn_forward(x, params, h0)
    batch, time, _ = x.shape
    dys = (softmax(ys) - np.eye(ys.shape[2])[targets]) / (1 if bug == "not divided by batch" else batch)
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
    "not divided by batch": "the loss is the mean over the batch: dy_t = (softmax(y_t) - onehot(target_t)) / batch",
}


def bptt_reference(x, targets, params, h0):
    """Exercise 04.2's answer: full BPTT gradients ``{W_xh, W_hh, b_h, W_hy, b_y}``."""
    grads = rnn_backward(x, targets, params, h0)
    return {k: grads[k] for k in PARAM_NAMES}


def _with_step_note(candidate, error: CandidateError) -> Mismatch:
    """A crash in the loop; if the notebook's step_backward is 04.1's reference, say what it returns."""
    message = describe_error(error.original)
    names = getattr(candidate, "__globals__", {})
    if any(value is step_backward for value in names.values()):
        message += (". Note: step_backward here is the reference from exercise 04.1 (yours did not pass yet); "
                    f"it returns a dict with keys {list(STEP_KEYS)}: read step['dW_xh'] and so on")
    return Mismatch(message)


@register("04.2", "Backpropagation through time: the loop", bptt_reference,
          implements=("helpers.numpy_rnn.rnn_backward",))
def check_bptt(candidate):
    for sizes in LOOP_CASES:
        case = _loop_case(**sizes)
        x, targets, params, _ = case
        what = f"bptt for x {x.shape}, {params['W_hy'].shape[1]} outputs"
        try:
            got = run(candidate, *case)
        except CandidateError as error:
            raise _with_step_note(candidate, error) from None
        if not isinstance(got, dict):
            raise Mismatch(f"{what}: expected a dict of gradients with keys {list(PARAM_NAMES)}, "
                           f"got {type(got).__name__}")
        missing = [k for k in PARAM_NAMES if k not in got]
        if missing:
            raise Mismatch(f"{what}: missing gradients {missing} (expected keys {list(PARAM_NAMES)})")
        want = bptt_reference(*case)
        for key in PARAM_NAMES:
            expect_shape(f"{what}: gradient {key}", got[key], want[key].shape)
        for bug, hint in LOOP_HINTS.items():
            variant = _bptt_variant(*case, bug)
            if all(np.allclose(got[k], variant[k], atol=1e-9) for k in RNN_NAMES) and \
                    not all(np.allclose(variant[k], want[k], atol=1e-9) for k in RNN_NAMES):
                raise Mismatch(f"{what}: {hint}")
        for key in ("W_hy", "b_y", "b_h", "W_xh", "W_hh"):
            expect_close(f"{what}: gradient {key}", got[key], want[key], atol=1e-8, rtol=1e-6)
            expect_dtype(f"{what}: gradient {key} (the dtype of the parameters)", got[key], params[key].dtype)
