"""Lesson 09 checkers: the references pass, plausible wrong work is rejected with a specific hint."""
import numpy as np
import pytest

from helpers import exercises
from helpers.attention_numpy import MASKED_SCORE, softmax


def test_lesson09_exercises_are_registered():
    assert {"09.1", "09.2", "09.3"} <= set(exercises.ids())


def test_unattempted_stub_is_reported():
    def stub(*args):
        raise NotImplementedError("Exercise 09.1: write your code here")

    passed, message = exercises.evaluate("09.1", stub)
    assert not passed and "not attempted" in message


# ---- 09.1 attention scores and masked softmax -----------------------------------------------

def _scores(query, keys, W_query, W_key, v):
    return np.tanh((query @ W_query)[:, :, None, :] + (keys @ W_key)[:, None, :, :]) @ v


def wrong_axis(query, keys, W_query, W_key, v, mask):
    scores = np.where(mask[:, None, :], _scores(query, keys, W_query, W_key, v), MASKED_SCORE)
    return softmax(scores, axis=1)                       # over the output steps


def not_masked(query, keys, W_query, W_key, v, mask):
    return softmax(_scores(query, keys, W_query, W_key, v), axis=-1)


def masked_by_multiplying(query, keys, W_query, W_key, v, mask):
    return softmax(_scores(query, keys, W_query, W_key, v) * mask[:, None, :], axis=-1)   # score 0, not -inf


def zeroed_without_renormalising(query, keys, W_query, W_key, v, mask):
    return softmax(_scores(query, keys, W_query, W_key, v), axis=-1) * mask[:, None, :]


def no_tanh(query, keys, W_query, W_key, v, mask):
    scores = ((query @ W_query)[:, :, None, :] + (keys @ W_key)[:, None, :, :]) @ v
    return softmax(np.where(mask[:, None, :], scores, MASKED_SCORE), axis=-1)


def no_v(query, keys, W_query, W_key, v, mask):
    scores = np.tanh((query @ W_query)[:, :, None, :] + (keys @ W_key)[:, None, :, :]).sum(-1)
    return softmax(np.where(mask[:, None, :], scores, MASKED_SCORE), axis=-1)


def transposed(query, keys, W_query, W_key, v, mask):
    return np.swapaxes(wrong_axis(query, keys, W_query, W_key, v, mask), 1, 2)


@pytest.mark.parametrize("wrong, word", [(wrong_axis, "wrong axis"), (not_masked, "not masked"),
                                         (masked_by_multiplying, "not masked"),
                                         (zeroed_without_renormalising, "renormalising"),
                                         (no_tanh, "tanh"), (no_v, "v is missing"), (transposed, "shape")])
def test_attention_weights_checker_rejects(wrong, word):
    passed, message = exercises.evaluate("09.1", wrong)
    assert not passed and word in message, message


# ---- 09.2 context vector ---------------------------------------------------------------------

def averaged(weights, values):
    return np.broadcast_to(values.mean(axis=1, keepdims=True), (values.shape[0], weights.shape[1], values.shape[2]))


def summed_over_queries(weights, values):
    return (weights[..., None] * values[:, None]).sum(axis=1)      # (batch, Tv, dv)


def batch_mixed(weights, values):
    return np.einsum("bqt,ctd->bqd", weights, values) / len(values)


def unweighted_sum(weights, values):
    return np.broadcast_to(values.sum(axis=1, keepdims=True), (values.shape[0], weights.shape[1], values.shape[2]))


@pytest.mark.parametrize("wrong, word", [(averaged, "ignored"), (summed_over_queries, "shape"),
                                         (batch_mixed, "same* example"), (unweighted_sum, "one-hot")])
def test_context_checker_rejects(wrong, word):
    passed, message = exercises.evaluate("09.2", wrong)
    assert not passed and word in message, message


# ---- 09.3 one beam-search step ---------------------------------------------------------------

def _flat_top(candidates, width, V):
    best = np.argsort(-candidates.ravel(), kind="stable")[:width]
    return candidates.ravel()[best], best // V, best % V


def not_accumulated(beam_scores, log_probs, width):
    return _flat_top(log_probs, width, log_probs.shape[1])


def probabilities_multiplied(beam_scores, log_probs, width):
    return _flat_top(np.exp(beam_scores)[:, None] * np.exp(log_probs), width, log_probs.shape[1])


def log_of_products(beam_scores, log_probs, width):
    probs = np.exp(beam_scores)[:, None] * np.exp(log_probs)       # underflows to 0 on long outputs
    with np.errstate(divide="ignore"):
        return _flat_top(np.log(probs), width, log_probs.shape[1])


def scores_times_log_probs(beam_scores, log_probs, width):
    return _flat_top(beam_scores[:, None] * log_probs, width, log_probs.shape[1])


def per_beam(beam_scores, log_probs, width):
    tokens = log_probs.argmax(axis=1)
    scores = beam_scores + log_probs.max(axis=1)
    order = np.argsort(-scores)
    parents = np.arange(len(beam_scores))[order]
    return (np.resize(scores[order], width), np.resize(parents, width), np.resize(tokens[order], width))


def worst_first(beam_scores, log_probs, width):
    s, p, t = _flat_top(beam_scores[:, None] + log_probs, width, log_probs.shape[1])
    return s[::-1], p[::-1], t[::-1]


def swapped_parent_token(beam_scores, log_probs, width):
    s, p, t = _flat_top(beam_scores[:, None] + log_probs, width, log_probs.shape[1])
    return s, t, p


@pytest.mark.parametrize("wrong, word", [(not_accumulated, "not accumulated"),
                                         (probabilities_multiplied, "probabilities"),
                                         (log_of_products, "underflows"),
                                         (scores_times_log_probs, "multiplied"),
                                         (per_beam, "its own best"), (worst_first, "order"),
                                         (swapped_parent_token, "parent")])
def test_beam_step_checker_rejects(wrong, word):
    passed, message = exercises.evaluate("09.3", wrong)
    assert not passed and word in message, message
