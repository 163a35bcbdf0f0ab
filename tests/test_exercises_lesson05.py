"""Exercises 05.1 (step Jacobian) and 05.2 (clip by norm): plausible wrong answers are rejected with the
right hint, correct answers written differently from the references pass.

Families of wrong answers (issue 13): right only on one input, properties not checked, wrong dtype,
inputs changed in place.
"""
import numpy as np

from helpers import exercises
from tests.exercise_utils import assert_rejects


def _d(a):
    return 1 - np.tanh(a) ** 2


# ---- 05.1 ----------------------------------------------------------------------------------------

def jac_in_place_W(W_hh, a_t):
    W_hh *= _d(a_t)[:, None]                 # scales the caller's matrix
    return W_hh


def jac_in_place_tanh(W_hh, a_t):
    np.tanh(a_t, out=a_t)                    # overwrites the caller's pre-activation
    return (1 - a_t ** 2)[:, None] * W_hh


def jac_float32(W_hh, a_t):
    return (_d(a_t)[:, None] * W_hh).astype(np.float32)


def jac_list(W_hh, a_t):
    return (_d(a_t)[:, None] * W_hh).tolist()


def jac_first_unit_only(W_hh, a_t):
    return _d(a_t[0]) * W_hh                 # right only for one unit


def jac_hard_coded_four(W_hh, a_t):
    return _d(a_t).reshape(4, 1) * W_hh      # right only for the 4 units of one example


def jac_elementwise_diag(W_hh, a_t):
    return np.diag(_d(a_t)) * W_hh           # * instead of @: only the diagonal survives


def jac_sech(W_hh, a_t):
    return W_hh / np.cosh(a_t)[:, None]


def jac_loop(W_hh, a_t):
    J = np.empty_like(W_hh, dtype=float)
    for j in range(len(a_t)):
        J[j] = (1.0 - np.tanh(a_t[j]) ** 2) * W_hh[j]
    return J


WRONG = {
    "05.1": [
        ("columns scaled", lambda W, a: W @ np.diag(_d(a)), ("columns",)),
        ("columns by broadcasting", lambda W, a: _d(a) * W, ("columns",)),
        ("transposed", lambda W, a: np.diag(_d(a)) @ W.T, ("transposed",)),
        ("tanh, not its derivative", lambda W, a: np.diag(np.tanh(a)) @ W, ("derivative",)),
        ("1 - a**2", lambda W, a: np.diag(1 - a ** 2) @ W, ("derivative", "not a")),
        ("sech, not sech squared", jac_sech, ("square is missing",)),
        ("derivative at 0", lambda W, a: np.diag(_d(np.zeros_like(a))) @ W, ("unchanged",)),
        ("reversed a_t", lambda W, a: np.diag(_d(a[::-1])) @ W, ("differ",)),
        ("element-wise diag", jac_elementwise_diag, ("diagonal", "@")),
        ("first unit only", jac_first_unit_only, ("values differ",)),
        ("hard-coded 4 units (one input)", jac_hard_coded_four, ("reshape", "hard-coded")),
        ("float32 (dtype)", jac_float32, ("float64",)),
        ("a list (dtype)", jac_list, ("numpy array", "list")),
        ("W_hh scaled in place", jac_in_place_W, ("in place", "`W_hh`")),
        ("tanh with out=a_t", jac_in_place_tanh, ("in place", "`a_t`")),
    ],
    "05.2": [],
}

RIGHT = {
    "05.1": [
        ("diag @ W", lambda W, a: np.diag(1 - np.tanh(a) ** 2) @ W),
        ("einsum with sech squared", lambda W, a: np.einsum("i,ij->ij", 1 / np.cosh(a) ** 2, W)),
        ("row loop", jac_loop),
    ],
    "05.2": [],
}


# ---- 05.2 ----------------------------------------------------------------------------------------

def clip_in_place(grad, max_norm):
    norm = np.linalg.norm(grad)
    if norm > max_norm:
        grad *= max_norm / norm              # rescales the caller's gradient
    return grad


def clip_hard_coded_one(grad, max_norm):
    norm = np.linalg.norm(grad)
    return grad / norm if norm > 1 else grad


def clip_threshold_one(grad, max_norm):
    norm = np.linalg.norm(grad)
    return grad * (max_norm / norm) if norm > 1 else grad


def clip_no_sqrt(grad, max_norm):
    squared = np.sum(grad ** 2)
    return grad * (max_norm / np.sqrt(squared)) if squared > max_norm else grad


def clip_rows(grad, max_norm):
    if grad.ndim == 1:
        norm = np.linalg.norm(grad)
        return grad * (max_norm / norm) if norm > max_norm else grad
    rows = grad.reshape(grad.shape[0], -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows * np.minimum(1.0, max_norm / norms)).reshape(grad.shape)


def clip_max_abs(grad, max_norm):
    biggest = np.abs(grad).max()
    return grad * (max_norm / biggest) if biggest > max_norm else grad


def clip_l1(grad, max_norm):
    norm = np.abs(grad).sum()
    return grad * (max_norm / norm) if norm > max_norm else grad


def clip_float32(grad, max_norm):
    norm = np.linalg.norm(grad)
    scale = np.float32(max_norm / norm) if norm > max_norm else np.float32(1)
    return grad.astype(np.float32) * scale


def clip_tf(grad, max_norm):
    import tensorflow as tf
    return tf.clip_by_norm(grad, max_norm)


def clip_last_axis(grad, max_norm):
    norm = np.linalg.norm(grad, axis=-1, keepdims=True)
    return grad * np.minimum(1.0, max_norm / np.maximum(norm, 1e-12))


def clip_min_scale(grad, max_norm):
    return grad * (max_norm / max(np.sqrt(np.sum(grad * grad)), max_norm))


def clip_where(grad, max_norm):
    norm = np.sqrt(np.sum(np.square(grad)))
    if norm <= max_norm:
        return np.array(grad, copy=True)
    return grad / norm * max_norm


WRONG["05.2"] = [
    ("clip by value", lambda g, m: np.clip(g, -m, m), ("by value",)),
    ("always unchanged", lambda g, m: g, ("unchanged",)),
    ("always stretched", lambda g, m: g * m / np.linalg.norm(g), ("stretched",)),
    ("max_norm hard-coded to 1 (one input)", clip_hard_coded_one, ("hard-coded", "max_norm")),
    ("threshold hard-coded to 1 (one input)", clip_threshold_one, ("stretched",)),
    ("no square root in the test (one input)", clip_no_sqrt, ("square root",)),
    ("each row separately", clip_rows, ("each row",)),
    ("norm over the last axis", clip_last_axis, ("each row",)),
    ("largest entry", clip_max_abs, ("norm",)),
    ("L1 norm", clip_l1, ("L1",)),
    ("float32 (dtype)", clip_float32, ("dtype",)),
    ("a tf.Tensor (dtype)", clip_tf, ("numpy array",)),
    ("scaled in place", clip_in_place, ("in place", "`grad`")),
]

RIGHT["05.2"] = [
    ("scale by max_norm / max(norm, max_norm)", clip_min_scale),
    ("divide then multiply, explicit copy", clip_where),
]


def test_in_place_change_is_named_before_values():
    """The lesson's later cell multiplies step Jacobians of the same W_hh: an in-place change would break it."""
    message = assert_rejects("05.1", jac_in_place_W, "in place")
    assert "values differ" not in message


def test_ids_registered():
    assert {"05.1", "05.2"} <= set(exercises.ids())
