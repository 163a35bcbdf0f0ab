"""Exercises 05.1 (step Jacobian) and 05.2 (clip by norm): references pass, plausible wrong work is rejected."""
import numpy as np
import pytest

from helpers import exercises


def test_ids_registered():
    assert {"05.1", "05.2"} <= set(exercises.ids())


@pytest.mark.parametrize("exercise_id", ["05.1", "05.2"])
def test_reference_passes(exercise_id):
    assert exercises.evaluate(exercise_id, exercises.get(exercise_id).reference) == (True, "passed")


def _d(a):
    return 1 - np.tanh(a) ** 2


@pytest.mark.parametrize("wrong, word", [
    (lambda W, a: W, "unchanged"),
    (lambda W, a: W @ np.diag(_d(a)), "columns"),
    (lambda W, a: np.diag(_d(a)) @ W.T, "transposed"),
    (lambda W, a: np.diag(np.tanh(a)) @ W, "derivative"),
    (lambda W, a: np.diag(1 - a ** 2) @ W, "derivative"),
    (lambda W, a: np.diag(_d(np.zeros_like(a))) @ W, "unchanged"),
    (lambda W, a: np.diag(_d(a[::-1])) @ W, "differ"),
    (lambda W, a: _d(a) * W, "columns"),
])
def test_step_jacobian_rejects(wrong, word):
    passed, message = exercises.evaluate("05.1", wrong)
    assert not passed
    assert word in message


@pytest.mark.parametrize("wrong, word", [
    (lambda g, m: np.clip(g, -m, m), "by value"),
    (lambda g, m: g, "unchanged"),
    (lambda g, m: g * m / np.linalg.norm(g), "stretched"),
    (lambda g, m: g / np.linalg.norm(g), "norm"),
    (lambda g, m: g * np.minimum(1, m / np.linalg.norm(np.atleast_2d(g), axis=1, keepdims=True)).reshape(
        (-1,) + (1,) * (g.ndim - 1)) if g.ndim > 1 else g * min(1, m / np.linalg.norm(g)), "each row"),
    (lambda g, m: g * (m / np.abs(g).max()) if np.abs(g).max() > m else g, "norm"),
])
def test_clip_by_norm_rejects(wrong, word):
    passed, message = exercises.evaluate("05.2", wrong)
    assert not passed
    assert word in message


def test_unattempted_stub_is_reported():
    def stub(*args):
        raise NotImplementedError("Exercise 05.1: write your code here")
    passed, message = exercises.evaluate("05.1", stub)
    assert not passed and "not attempted" in message
