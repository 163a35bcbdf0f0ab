"""Exercises of lesson 09 (attention): scores and softmax with masking, the context vector, one beam step.

Each checker runs the candidate on small cases built so that the usual mistakes give
recognisably different answers, and names the mistake when it sees one.
"""
from __future__ import annotations

import numpy as np

from ..attention_numpy import MASKED_SCORE, additive_weights, beam_step, context_vector, softmax
from . import Mismatch, expect_close, expect_shape, register


def _attention_case(seed: int = 9):
    rng = np.random.default_rng(seed)
    batch, Tq, Tv, dq, dk, units = 2, 3, 5, 4, 6, 7
    query = rng.normal(size=(batch, Tq, dq))
    keys = rng.normal(size=(batch, Tv, dk))
    W_query = rng.normal(size=(dq, units))
    W_key = rng.normal(size=(dk, units))
    v = rng.normal(size=units)
    mask = np.array([[True] * 5, [True, True, True, False, False]])    # example 1 has 2 padded positions
    return query, keys, W_query, W_key, v, mask


@register("09.1", "Additive attention scores and a masked softmax", additive_weights)
def check_attention_weights(candidate):
    query, keys, W_query, W_key, v, mask = _attention_case()
    got = expect_shape("weights for query (2, 3, 4), keys (2, 5, 6)", candidate(query, keys, W_query, W_key, v, mask),
                       (2, 3, 5)).astype(np.float64)
    if not np.all(np.isfinite(got)):
        raise Mismatch("weights contain NaN or inf: use a large negative score such as -1e9 for padding, not -inf "
                       "multiplied by something, and subtract the maximum before exp")
    rows = got.sum(axis=-1)
    if not np.allclose(rows, 1, atol=1e-5):
        if np.allclose(got.sum(axis=1), 1, atol=1e-5):
            raise Mismatch("softmax over the wrong axis: each output step's weights must sum to 1 over the "
                           "input positions (the last axis, Tv); yours sum to 1 over the output steps (axis 1)")
        raise Mismatch(f"the weights of an output step must sum to 1 over the input positions (last axis); got sums "
                       f"{np.round(rows.ravel(), 3).tolist()} (zeroing padding after the softmax without renormalising?)")
    on_padding = got[1, :, 3:]
    if np.any(on_padding > 1e-6):
        raise Mismatch(f"scores not masked: example 1 has padding at input positions 3 and 4 but gets weight "
                       f"{on_padding.max():.3g} there; set the padded scores to a large negative number "
                       f"(e.g. {MASKED_SCORE:g}) before the softmax, so their weight is exactly 0")
    expected = additive_weights(query, keys, W_query, W_key, v, mask)
    q, k = query @ W_query, keys @ W_key
    no_tanh = (q[:, :, None, :] + k[:, None, :, :]) @ v
    no_tanh = softmax(np.where(mask[:, None, :], no_tanh, MASKED_SCORE))
    if np.allclose(got, no_tanh, atol=1e-5) and not np.allclose(got, expected, atol=1e-5):
        raise Mismatch("the tanh is missing: scores are v · tanh(W_query q + W_key k), not v · (W_query q + W_key k)")
    no_v = np.tanh(q[:, :, None, :] + k[:, None, :, :]).sum(-1)
    no_v = softmax(np.where(mask[:, None, :], no_v, MASKED_SCORE))
    if np.allclose(got, no_v, atol=1e-5):
        raise Mismatch("v is missing: project tanh(W_query q + W_key k) on the vector v (a dot product over the "
                       "units axis), rather than summing it")
    expect_close("attention weights (batch 2, 3 output steps, 5 input positions)", got, expected, atol=1e-5)


def _context_case(seed: int = 10):
    rng = np.random.default_rng(seed)
    weights = softmax(rng.normal(size=(2, 3, 4)) * 2)     # (batch, Tq, Tv)
    values = rng.normal(size=(2, 4, 5))                    # (batch, Tv, dv)
    return weights, values


@register("09.2", "The context vector: a weighted sum of encoder outputs", context_vector)
def check_context_vector(candidate):
    weights, values = _context_case()
    got = candidate(weights, values)
    got = expect_shape("context for weights (batch 2, Tq 3, Tv 4) and values (batch 2, Tv 4, dv 5)", got,
                       (2, 3, 5)).astype(np.float64)
    mean = np.broadcast_to(values.mean(axis=1, keepdims=True), (2, 3, 5))
    if np.allclose(got, mean, atol=1e-6):
        raise Mismatch("the weights are ignored: you averaged the values; the context weighs value j by "
                       "weights[b, i, j] (sum over the input positions j)")
    one_hot = np.zeros((2, 3, 4))
    picks = np.array([[3, 0, 2], [1, 1, 3]])
    one_hot[np.arange(2)[:, None], np.arange(3)[None, :], picks] = 1.0
    picked = expect_shape("context for one-hot weights", candidate(one_hot, values), (2, 3, 5))
    if not np.allclose(picked, values[np.arange(2)[:, None], picks], atol=1e-6):
        raise Mismatch("with one-hot weights (all weight on one input position) the context must be exactly that "
                       "position's value vector of the *same* example; yours is not (mixed up the batch or "
                       "summed over the wrong axis?)")
    expect_close("context vectors", got, context_vector(weights, values), atol=1e-6)


def _beam_cases():
    # two beams of width 2: the three classic mistakes each pick a different pair of candidates
    yield np.array([-3.0, 0.0]), np.log(np.array([[0.5, 0.45, 0.05], [0.4, 0.35, 0.25]])), 2
    # a confident next character after an unlikely beam: accumulating scores matters
    yield np.array([-0.2, -4.0]), np.log(np.array([[0.5, 0.3, 0.2], [0.98, 0.01, 0.01]])), 2
    # the first step: a single live beam, a wider beam than there are beams
    yield np.array([0.0]), np.log(np.array([[0.1, 0.6, 0.05, 0.25]])), 3
    # long outputs: multiplied raw probabilities underflow to 0 here, log scores do not
    yield np.array([-750.0, -752.0, -780.0]), np.log(np.array([[0.2, 0.7, 0.1], [0.9, 0.05, 0.05],
                                                               [1 / 3, 1 / 3, 1 / 3]])), 3


def _top(table, width) -> set:
    flat = np.asarray(table, dtype=float).ravel()
    best = np.argsort(-flat, kind="stable")[:width]
    V = np.shape(table)[1]
    return set(zip((best // V).tolist(), (best % V).tolist()))


@register("09.3", "One beam-search step in log space", beam_step)
def check_beam_step(candidate):
    for number, (scores, log_probs, width) in enumerate(_beam_cases(), 1):
        k, V = log_probs.shape
        where = f"case {number} ({k} beam(s) with scores {scores.tolist()}, {V} characters, beam_width {width})"
        result = candidate(scores.copy(), log_probs.copy(), width)
        if not isinstance(result, tuple) or len(result) != 3:
            raise Mismatch(f"{where}: expected a tuple (scores, parents, tokens), got {type(result).__name__}")
        got_scores, got_parents, got_tokens = (np.asarray(r) for r in result)
        for name, value in (("scores", got_scores), ("parents", got_parents), ("tokens", got_tokens)):
            expect_shape(f"{where}: {name}", value, (width,))
        got_scores = got_scores.astype(np.float64)
        want_scores, want_parents, want_tokens = beam_step(scores, log_probs, width)
        if not np.all(np.isfinite(got_scores)):
            raise Mismatch(f"{where}: scores contain -inf or NaN ({got_scores.tolist()}): multiplying raw "
                           "probabilities underflows to 0 on long outputs; add log-probabilities instead")
        if np.all((got_scores >= 0) & (got_scores <= 1)) and np.any(got_scores > 0):
            raise Mismatch(f"{where}: scores {np.round(got_scores, 4).tolist()} look like probabilities; keep beam "
                           "scores as accumulated log-probabilities (beam score + log_probs: sums, not products)")
        if (got_parents.min() < 0 or got_parents.max() >= k or got_tokens.min() < 0 or got_tokens.max() >= V):
            raise Mismatch(f"{where}: parents must lie in [0, {k - 1}] and tokens in [0, {V - 1}], got parents "
                           f"{got_parents.tolist()} and tokens {got_tokens.tolist()} (parent = index // V, "
                           "token = index % V of the flattened (beams × characters) candidates)")
        chosen = set(zip(got_parents.tolist(), got_tokens.tolist()))
        wanted = set(zip(want_parents.tolist(), want_tokens.tolist()))
        if chosen == wanted and not np.allclose(got_scores, want_scores, atol=1e-6) and np.allclose(
                np.sort(got_scores), np.sort(want_scores), atol=1e-6):
            raise Mismatch(f"{where}: the right candidates in the wrong order: return the best (highest score) first")
        if chosen != wanted and chosen == _top(log_probs, width):
            raise Mismatch(f"{where}: beam scores not accumulated: you ranked candidates by the next character's "
                           "log-probability alone; add each beam's score so far (log space: sums, not products)")
        if chosen != wanted and width == k and chosen == {(b, int(np.argmax(log_probs[b]))) for b in range(k)}:
            raise Mismatch(f"{where}: each beam kept its own best character; rank all beam × character candidates "
                           "together and keep the best beam_width of them")
        if chosen != wanted and chosen in (_top(scores[:, None] * log_probs, width),
                                           _top(-scores[:, None] * log_probs, width)):
            raise Mismatch(f"{where}: beam scores multiplied with log-probabilities; in log space the probability "
                           "of a sequence is the *sum* of its characters' log-probabilities")
        if chosen != wanted:
            raise Mismatch(f"{where}: expected (parent, token) pairs {sorted(wanted)}, got {sorted(chosen)}: the "
                           "best beam_width of all (beam score + log-probability) candidates")
        expect_close(f"{where}: scores (best first)", got_scores, want_scores, atol=1e-6)
        if not (np.array_equal(got_parents, want_parents) and np.array_equal(got_tokens, want_tokens)):
            raise Mismatch(f"{where}: expected parents {want_parents.tolist()} and tokens {want_tokens.tolist()}, "
                           f"got parents {got_parents.tolist()} and tokens {got_tokens.tolist()}")
