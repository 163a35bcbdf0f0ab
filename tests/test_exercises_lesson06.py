"""Exercises 06.1 (LSTM step) and 06.2 (GRU step): references pass, plausible wrong work is rejected."""
import numpy as np
import pytest

from helpers import exercises
from helpers.exercises.lesson06 import _gru_variant, _lstm_variant
from helpers.lstm import sigmoid


def test_ids_registered():
    assert {"06.1", "06.2"} <= set(exercises.ids())


@pytest.mark.parametrize("exercise_id", ["06.1", "06.2"])
def test_reference_passes(exercise_id):
    assert exercises.evaluate(exercise_id, exercises.get(exercise_id).reference) == (True, "passed")


def _lstm_wrong(**options):
    return lambda x, h, c, W, U, b: _lstm_variant(x, h, c, W, U, b, **options)


def _lstm_no_forget_bias_order(x, h, c, W, U, b):
    """i, f, c, o but c_t = f * c + g (input gate forgotten)."""
    u = h.shape[1]
    z = x @ W + h @ U + b
    f, g, o = sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
    c_new = f * c + g
    return o * np.tanh(c_new), c_new


def test_lstm_variant_matches_reference_by_default():
    passed, _ = exercises.evaluate("06.1", _lstm_wrong())
    assert passed


@pytest.mark.parametrize("wrong, word", [
    (_lstm_wrong(order="ifoc"), "order"),
    (_lstm_wrong(order="fico"), "order"),
    (_lstm_wrong(swap=True), "swapped"),
    (_lstm_wrong(forget_on_candidate=True), "old cell state"),
    (_lstm_wrong(no_output=True), "output gate"),
    (lambda *a: _lstm_variant(*a)[::-1], "swapped"),
    (_lstm_no_forget_bias_order, "c_t"),
    (lambda *a: _lstm_variant(*a)[0], "pair"),
])
def test_lstm_step_rejects(wrong, word):
    passed, message = exercises.evaluate("06.1", wrong)
    assert not passed
    assert word in message


def _gru_wrong(**options):
    return lambda x, h, W, U, b: _gru_variant(x, h, W, U, b, **options)


def test_gru_variant_matches_reference_by_default():
    assert exercises.evaluate("06.2", _gru_wrong())[0]


@pytest.mark.parametrize("wrong, word", [
    (_gru_wrong(textbook=True), "textbook"),
    (_gru_wrong(reset_before=True), "reset_after"),
    (_gru_wrong(order="rzh"), "order"),
    (lambda x, h, W, U, b: _gru_variant(x, h, W, U, b[::-1]), "h_t"),
    (lambda x, h, W, U, b: np.tanh(x @ W[:, 2 * h.shape[1]:]), "h_t"),
])
def test_gru_step_rejects(wrong, word):
    passed, message = exercises.evaluate("06.2", wrong)
    assert not passed
    assert word in message
