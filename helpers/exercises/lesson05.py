"""Lesson 05 exercises: one step's Jacobian (05.1) and clipping by norm (05.2)."""
from __future__ import annotations

import numpy as np

from ..gradients import clip_by_norm, step_jacobian
from . import Mismatch, expect_close, expect_shape, register


def _tanh_step_jacobian(W_hh, a_t):
    return step_jacobian(W_hh, a_t, "tanh")


@register("05.1", "One step's Jacobian dh_t/dh_{t-1} = diag(tanh'(a_t)) W_hh", _tanh_step_jacobian)
def check_step_jacobian(candidate):
    rng = np.random.default_rng(5)
    W = rng.normal(size=(4, 4))
    a = rng.normal(size=4) * 1.5
    expected = _tanh_step_jacobian(W, a)
    got = expect_shape("step_jacobian(W_hh (4, 4), a_t (4,))", candidate(W.copy(), a.copy()), (4, 4))
    got = np.asarray(got, dtype=np.float64)
    if np.allclose(got, W):
        raise Mismatch("you returned W_hh unchanged: multiply row j by tanh'(a_t[j]) = 1 - tanh(a_t[j])**2")
    if np.allclose(got, (1 - np.tanh(a) ** 2)[None, :] * W):
        raise Mismatch("the derivative scales the columns of W_hh, it should scale its rows: "
                       "diag(tanh'(a_t)) @ W_hh, not W_hh @ diag(tanh'(a_t))")
    if np.allclose(got, (1 - np.tanh(a) ** 2)[:, None] * W.T):
        raise Mismatch("W_hh is transposed: h_t depends on h_{t-1} through W_hh @ h_{t-1}, so use W_hh, not W_hh.T")
    if np.allclose(got, np.tanh(a)[:, None] * W):
        raise Mismatch("you multiplied by tanh(a_t); the derivative is tanh'(a_t) = 1 - tanh(a_t)**2")
    if np.allclose(got, (1 - np.tanh(a))[:, None] * W) or np.allclose(got, (1 - a ** 2)[:, None] * W):
        raise Mismatch("wrong derivative: tanh'(a) = 1 - tanh(a)**2 (square the tanh, not a)")
    expect_close("step_jacobian(W_hh, a_t)", got, expected, atol=1e-8)
    # a second case: it must use a_t, not a fixed value
    a2 = rng.normal(size=4)
    expect_close("step_jacobian(W_hh, another a_t)", candidate(W.copy(), a2.copy()), _tanh_step_jacobian(W, a2), atol=1e-8)


@register("05.2", "Gradient clipping by norm", clip_by_norm)
def check_clip_by_norm(candidate):
    big = np.array([3.0, -4.0, 12.0])            # norm 13
    small = np.array([0.3, -0.4])                # norm 0.5
    got = np.asarray(candidate(big.copy(), 1.0), dtype=np.float64)
    expect_shape("clip_by_norm(g (3,), 1.0)", got, (3,))
    if np.allclose(got, np.clip(big, -1.0, 1.0)):
        raise Mismatch("that is clipping by value (each entry cut to [-1, 1]), which changes the gradient's "
                       "direction; clip by norm: rescale the whole vector to norm max_norm")
    if np.allclose(got, big):
        raise Mismatch("a gradient of norm 13 with max_norm 1.0 must be shrunk, but it came back unchanged")
    norm = np.linalg.norm(got)
    if not np.isclose(norm, 1.0, atol=1e-6):
        raise Mismatch(f"a gradient of norm 13 clipped to max_norm 1.0 should have norm 1.0, got norm {norm:.4g}")
    expect_close("clip_by_norm(g, 1.0) (same direction as g)", got, big / 13.0, atol=1e-8)
    got_small = np.asarray(candidate(small.copy(), 1.0), dtype=np.float64)
    if np.allclose(got_small, small / 0.5):
        raise Mismatch("a gradient already shorter than max_norm must stay as it is, but it was "
                       "stretched to norm max_norm: only rescale when the norm is larger")
    expect_close("clip_by_norm(g of norm 0.5, 1.0) (unchanged)", got_small, small, atol=1e-8)
    matrix = np.arange(6.0).reshape(2, 3)       # clip a whole weight gradient, not each row
    expected = matrix * (2.0 / np.linalg.norm(matrix))
    got_matrix = np.asarray(candidate(matrix.copy(), 2.0), dtype=np.float64)
    expect_shape("clip_by_norm(g (2, 3), 2.0)", got_matrix, (2, 3))
    row_wise = matrix * np.minimum(1.0, 2.0 / np.linalg.norm(matrix, axis=1, keepdims=True))
    if np.allclose(got_matrix, row_wise) and not np.allclose(row_wise, expected):
        raise Mismatch("you clipped each row separately; the norm is of the whole gradient array "
                       "(all entries), as Keras' clipnorm does per variable")
    expect_close("clip_by_norm(g (2, 3), 2.0)", got_matrix, expected, atol=1e-8)
