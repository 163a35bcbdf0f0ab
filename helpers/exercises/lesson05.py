"""Lesson 05 exercises: one step's Jacobian (05.1) and clipping by norm (05.2).

Each checker runs the candidate on several seeded cases (other sizes, saturated and zero
pre-activations, thresholds on both sides and other than 1), on copies of its inputs, so an
in-place change, a hard-coded size or threshold and a wrong dtype each get their own hint.
"""
from __future__ import annotations

import numpy as np

from ..gradients import clip_by_norm, step_jacobian
from . import draws
from . import Mismatch, expect_close, expect_shape, register
from ._lesson_inputs import as_array, call, plain


def _tanh_step_jacobian(W_hh, a_t):
    return step_jacobian(W_hh, a_t, "tanh")


_tanh_step_jacobian.__name__ = "step_jacobian"


def _jacobian_cases():
    rng = draws.rng(5)
    yield rng.normal(size=(4, 4)), rng.normal(size=4) * 1.5
    yield rng.normal(size=(7, 7)), np.concatenate([[0.0, 5.0, -4.0], rng.normal(size=4)])   # zero and saturated
    yield rng.normal(size=(1, 1)), np.array([0.7])
    yield rng.normal(size=(3, 3)), rng.normal(size=3) * 0.3


@register("05.1", "One step's Jacobian dh_t/dh_{t-1} = diag(tanh'(a_t)) W_hh", _tanh_step_jacobian,
          implements=("helpers.gradients.step_jacobian",))
def check_step_jacobian(candidate):
    for number, (W, a) in enumerate(_jacobian_cases()):
        units = len(a)
        where = f"step_jacobian(W_hh ({units}, {units}), a_t ({units},))"
        result = call("step_jacobian", candidate, ("W_hh", "a_t"), (W, a), where=where, first=number == 0)
        got = as_array(where, result)
        expect_shape(where, got, (units, units))
        if got.dtype != np.float64:
            raise Mismatch(f"{where}: expected float64 like the inputs, got dtype {got.dtype}: the notebook "
                           "multiplies a dozen of these and compares with tf.GradientTape to 1e-10, which "
                           "float32 (7 digits) cannot reach")
        d = 1 - np.tanh(a) ** 2
        expected = d[:, None] * W
        if units > 1 and np.allclose(got, W) and not np.allclose(expected, W):
            raise Mismatch(f"{where}: you returned W_hh unchanged: multiply row j by tanh'(a_t[j]) = "
                           "1 - tanh(a_t[j])**2")
        wrong = [
            (d[None, :] * W, "the derivative scales the columns of W_hh, it should scale its rows: "
                             "diag(tanh'(a_t)) @ W_hh, not W_hh @ diag(tanh'(a_t))"),
            (d[:, None] * W.T, "W_hh is transposed: h_t depends on h_{t-1} through W_hh @ h_{t-1}, so use W_hh, "
                               "not W_hh.T"),
            (np.tanh(a)[:, None] * W, "you multiplied by tanh(a_t); the derivative is tanh'(a_t) = 1 - tanh(a_t)**2"),
            ((1 - np.tanh(a))[:, None] * W, "wrong derivative: tanh'(a) = 1 - tanh(a)**2 (square the tanh)"),
            ((1 - a ** 2)[:, None] * W, "wrong derivative: tanh'(a) = 1 - tanh(a)**2 (square the tanh, not a)"),
            ((1 / np.cosh(a))[:, None] * W, "wrong derivative: tanh'(a) = 1 / cosh(a)**2 = 1 - tanh(a)**2 "
                                            "(the square is missing)"),
            (np.diag(np.diag(expected)), "only the diagonal is left: np.diag(d) * W_hh multiplies element by "
                                         "element; use np.diag(d) @ W_hh (a matrix product) or d[:, None] * W_hh"),
        ]
        for bad, message in wrong:
            if np.allclose(got, bad, atol=1e-8) and not np.allclose(bad, expected, atol=1e-8):
                raise Mismatch(f"{where}: {message}")
        expect_close(where, got, expected, atol=1e-10)


def _clip_cases():
    rng = draws.rng(52)
    yield np.array([3.0, -4.0, 12.0]), 5.0                 # norm 13 > 5: shrink to norm 5
    yield np.array([0.3, -0.4]), 1.0                       # norm 0.5 < 1: unchanged
    yield np.array([0.9, 1.2]), 3.0                        # 1 < norm 1.5 < 3: unchanged
    yield np.array([3.0, -4.0, 12.0]), 20.0                # norm 13 < 20 < 13 ** 2: unchanged
    yield np.array([0.6, -0.8, 0.0]), 0.5                  # norm 1 > 0.5
    yield np.array([1.2, -1.6]), 3.0                       # norm 2: between sqrt(3) and 3, unchanged
    yield np.arange(6.0).reshape(2, 3), 2.5                # a weight matrix: the norm of all entries
    yield rng.normal(size=(2, 3, 4)), 1.5
    yield np.array([6.0, 8.0]), 10.0                       # exactly at the threshold: unchanged
    yield np.zeros(3), 1.0                                 # a zero gradient stays zero


@register("05.2", "Gradient clipping by norm", clip_by_norm)
def check_clip_by_norm(candidate):
    for number, (g, m) in enumerate(_clip_cases()):
        norm = float(np.linalg.norm(g))
        where = f"clip_by_norm(grad of shape {g.shape} and norm {plain(norm)}, max_norm={plain(m)})"
        result = call("clip_by_norm", candidate, ("grad", "max_norm"), (g, m), where=where, first=number == 0)
        got = as_array(where, result)
        expect_shape(where, got, g.shape)
        if got.dtype != g.dtype:
            raise Mismatch(f"{where}: expected the dtype of grad ({g.dtype}), got {got.dtype}")
        expected = clip_by_norm(g, m)
        if np.allclose(got, expected, atol=1e-9):
            continue
        if not np.all(np.isfinite(got)):
            raise Mismatch(f"{where}: got NaN or infinite values (a zero gradient has norm 0: only divide "
                           "when the norm is larger than max_norm)")
        if np.allclose(got, np.clip(g, -m, m)):
            raise Mismatch(f"{where}: that is clipping by value (each entry cut to [-max_norm, max_norm]), "
                           "which changes the gradient's direction; clip by norm: rescale the whole array")
        if norm > m and np.allclose(got, g):
            raise Mismatch(f"{where}: the gradient must be shrunk to norm {plain(m)}, but it came back unchanged")
        if norm <= m and (g ** 2).sum() > m:
            raise Mismatch(f"{where}: the norm {plain(norm)} is below max_norm, yet the gradient changed; the "
                           "norm is the square root of the sum of squares (compare np.linalg.norm(grad), not "
                           "the sum of squares, with max_norm)")
        if norm <= m and norm > 0 and np.allclose(got, g * m / norm):
            raise Mismatch(f"{where}: a gradient already shorter than max_norm must stay as it is, but it was "
                           "stretched to norm max_norm: only rescale when the norm is larger")
        if norm > 1 and np.allclose(got, g / norm):
            raise Mismatch(f"{where}: you rescaled to norm 1, not to max_norm = {plain(m)} (is max_norm "
                           "hard-coded to 1?)")
        if g.ndim > 1:
            rows = g.reshape(g.shape[0], -1)
            row_norms = np.linalg.norm(rows, axis=1, keepdims=True)
            row_wise = (rows * np.minimum(1.0, m / np.maximum(row_norms, 1e-300))).reshape(g.shape)
            if np.allclose(got, row_wise):
                raise Mismatch(f"{where}: you clipped each row separately; the norm is of the whole gradient "
                               "array (all entries), as Keras' clipnorm does per variable")
        got_norm = float(np.linalg.norm(got))
        if norm > m and not np.isclose(got_norm, m, rtol=1e-6):
            other = float(np.abs(g).sum()) if np.isclose(got_norm, m * norm / np.abs(g).sum()) else None
            hint = (" (you divided by the sum of absolute values, the L1 norm; use the L2 norm np.linalg.norm)"
                    if other else " (the norm is np.linalg.norm(grad): the square root of the sum of squares of all "
                    "entries)")
            raise Mismatch(f"{where}: the result should have norm {plain(m)}, got norm {plain(got_norm)}"
                           f"{hint}")
        expect_close(f"{where} (same direction as grad)", got, expected, atol=1e-9)
