"""Exercises of lesson 09 (attention): scores and softmax with masking, the context vector, one beam step.

Each checker runs the candidate on small cases built so that the usual mistakes give
recognisably different answers, and names the mistake when it sees one.
"""
from __future__ import annotations

import numpy as np

from ..attention_numpy import MASKED_SCORE, additive_weights, beam_step, context_vector, softmax
from . import draws
from . import Mismatch, expect_close, expect_shape, register
from ._lesson_inputs import as_array, call, plain_list


def _attention_case(seed: int = 9):
    rng = draws.rng(seed)
    batch, Tq, Tv, dq, dk, units = 2, 3, 5, 4, 6, 7
    query = rng.normal(size=(batch, Tq, dq))
    keys = rng.normal(size=(batch, Tv, dk))
    W_query = rng.normal(size=(dq, units))
    W_key = rng.normal(size=(dk, units))
    v = rng.normal(size=units)
    mask = np.array([[True] * 5, [True, True, True, False, False]])    # example 1 has 2 padded positions
    return query, keys, W_query, W_key, v, mask


def _attention_cases():
    yield _attention_case()
    rng = draws.rng(91)
    mask = np.array([[True, False, True, True, False, True, True], [True] * 7,
                     [False, False, False, False, False, False, True]])   # holes, and one real position
    yield tuple(a.astype(np.float32) for a in (rng.normal(size=(3, 1, 2)), rng.normal(size=(3, 7, 3)),
                                                rng.normal(size=(2, 4)), rng.normal(size=(3, 4)),
                                                rng.normal(size=4))) + (mask,)
    yield (rng.normal(size=(1, 4, 3)), rng.normal(size=(1, 4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(3, 5)),
           rng.normal(size=5), np.array([[True, True, True, False]]))


def _by_lengths(query, keys, W_query, W_key, v, mask):
    """What a candidate gets that masks by each example's length (padding assumed at the end)."""
    scores = np.tanh((query @ W_query)[:, :, None, :] + (keys @ W_key)[:, None, :, :]) @ v
    lengths = mask.sum(axis=1)
    ends = np.arange(mask.shape[1])[None, :] < lengths[:, None]
    return softmax(np.where(ends[:, None, :], scores, MASKED_SCORE))


_WEIGHT_ARGS = ("query", "keys", "W_query", "W_key", "v", "mask")


@register("09.1", "Additive attention scores and a masked softmax", additive_weights)
def check_attention_weights(candidate):
    for number, case in enumerate(_attention_cases()):
        query, keys, W_query, W_key, v, mask = case
        (B, Tq, _), Tv = query.shape, keys.shape[1]
        where = (f"weights for query {query.shape}, keys {keys.shape}, {len(v)} units"
                 + (", float32" if query.dtype == np.float32 else ""))
        result = call("attention_weights", candidate, _WEIGHT_ARGS, case, where=where, first=number == 0)
        got = as_array(where, result)
        got = expect_shape(where, got, (B, Tq, Tv)).astype(np.float64)
        if not np.all(np.isfinite(got)):
            raise Mismatch(f"{where}: weights contain NaN or inf: use a large negative score such as -1e9 for "
                           "padding, not -inf multiplied by something, and subtract the maximum before exp")
        expected = additive_weights(*case)
        rows = got.sum(axis=-1)
        if not np.allclose(rows, 1, atol=1e-5):
            if Tq > 1 and np.allclose(got.sum(axis=1), 1, atol=1e-5):
                raise Mismatch(f"{where}: softmax over the wrong axis: each output step's weights must sum to 1 "
                               "over the input positions (the last axis, Tv); yours sum to 1 over the output "
                               "steps (axis 1)")
            raise Mismatch(f"{where}: the weights of an output step must sum to 1 over the input positions (last "
                           f"axis); got sums {plain_list(np.round(rows.ravel()[:6], 3))}"
                           f"{'...' if rows.size > 6 else ''} (zeroing padding after the softmax without "
                           "renormalising?)")
        on_padding = np.where(~mask[:, None, :], got, 0.0)
        if np.any(on_padding > 1e-6):
            b = int(np.argwhere(on_padding > 1e-6)[0][0])
            padded = np.flatnonzero(~mask[b]).tolist()
            if np.allclose(got, _by_lengths(*case), atol=1e-5):
                raise Mismatch(f"{where}: example {b} has padding at input positions {padded}, not only at the "
                               "end: mask with the mask itself (np.where(mask[:, None, :], scores, -1e9)), not "
                               "with a length per example")
            raise Mismatch(f"{where}: scores not masked: example {b} has padding at input positions {padded} but "
                           f"gets weight {float(on_padding[b].max()):.3g} there; set the padded scores to a large "
                           f"negative number (e.g. {MASKED_SCORE:g}) before the softmax, so their weight is exactly 0")
        q, k = query @ W_query, keys @ W_key
        no_tanh = softmax(np.where(mask[:, None, :], (q[:, :, None, :] + k[:, None, :, :]) @ v, MASKED_SCORE))
        if np.allclose(got, no_tanh, atol=1e-5) and not np.allclose(got, expected, atol=1e-5):
            raise Mismatch(f"{where}: the tanh is missing: scores are v · tanh(W_query q + W_key k), not "
                           "v · (W_query q + W_key k)")
        no_v = softmax(np.where(mask[:, None, :], np.tanh(q[:, :, None, :] + k[:, None, :, :]).sum(-1),
                                MASKED_SCORE))
        if np.allclose(got, no_v, atol=1e-5) and not np.allclose(got, expected, atol=1e-5):
            raise Mismatch(f"{where}: v is missing: project tanh(W_query q + W_key k) on the vector v (a dot "
                           "product over the units axis), rather than summing it")
        expect_close(f"{where}: attention weights", got, expected, atol=1e-5)


def _context_case(seed: int = 10):
    rng = draws.rng(seed)
    weights = softmax(rng.normal(size=(2, 3, 4)) * 2)     # (batch, Tq, Tv)
    values = rng.normal(size=(2, 4, 5))                    # (batch, Tv, dv)
    return weights, values


def _context_cases():
    yield _context_case()
    rng = draws.rng(11)
    yield softmax(rng.normal(size=(1, 4, 1))).astype(np.float32), rng.normal(size=(1, 1, 3)).astype(np.float32)
    yield softmax(rng.normal(size=(3, 2, 6)) * 3), rng.normal(size=(3, 6, 2))
    weights, values = _context_case()                      # all weight on one input position
    one_hot = np.zeros((2, 3, 4))
    picks = np.array([[3, 0, 2], [1, 1, 3]])
    one_hot[np.arange(2)[:, None], np.arange(3)[None, :], picks] = 1.0
    yield one_hot, values


@register("09.2", "The context vector: a weighted sum of encoder outputs", context_vector)
def check_context_vector(candidate):
    for number, (weights, values) in enumerate(_context_cases()):
        (B, Tq, Tv), dv = weights.shape, values.shape[2]
        kind = "one-hot weights" if number == 3 else "weights"
        where = (f"context for {kind} (batch {B}, Tq {Tq}, Tv {Tv}) and values (batch {B}, Tv {Tv}, dv {dv})"
                 + (", float32" if weights.dtype == np.float32 else ""))
        result = call("context_vector", candidate, ("weights", "values"), (weights, values), where=where,
                      first=number == 0)
        got = as_array(where, result)
        if got.shape == (B, Tv, dv) and Tv != Tq:
            raise Mismatch(f"{where}: expected shape (batch, Tq, dv) = {(B, Tq, dv)}, got {got.shape}: you summed "
                           "over the output steps; the context of output step i sums over the input positions j")
        got = expect_shape(where, got, (B, Tq, dv)).astype(np.float64)
        expected = context_vector(weights, values).astype(np.float64)
        if np.allclose(got, expected, atol=1e-5):
            continue
        if np.allclose(got * Tv, expected, atol=1e-5) and Tv > 1:
            raise Mismatch(f"{where}: the context is {Tv} times too small: you divided by Tv (a mean over the "
                           "input positions); the weights already sum to 1, so the weighted SUM "
                           "Σ_j weights[b, i, j] values[b, j] is the context")
        mean = np.broadcast_to(values.mean(axis=1, keepdims=True), (B, Tq, dv))
        if np.allclose(got, mean, atol=1e-5):
            raise Mismatch(f"{where}: the weights are ignored: you averaged the values; the context weighs value j "
                           "by weights[b, i, j] (sum over the input positions j)")
        total = np.broadcast_to(values.sum(axis=1, keepdims=True), (B, Tq, dv))
        if np.allclose(got, total, atol=1e-5):
            raise Mismatch(f"{where}: the weights are ignored: you summed the values; the context weighs value j "
                           "by weights[b, i, j]")
        mixed = np.einsum("bqt,ctd->bqd", weights, values)
        if B > 1 and any(np.allclose(got, other, atol=1e-5) for other in (mixed, mixed / B, weights @ values[0])):
            raise Mismatch(f"{where}: the examples of the batch are mixed: the context of example b uses only "
                           "example b's values (np.einsum('bqt,btd->bqd', ...) or weights @ values)")
        if number == 3:
            raise Mismatch(f"{where}: with one-hot weights (all weight on one input position) the context must be "
                           "exactly that position's value vector of the same example; yours is not")
        expect_close(where, got, expected, atol=1e-5)


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
    rng = draws.rng(93)
    # other sizes: 4 beams over 7 characters keeping 5; then keeping 1 (greedy)
    yield -np.sort(rng.exponential(2.0, size=4)), np.log(softmax(rng.normal(size=(4, 7)) * 2)), 5
    yield -np.sort(rng.exponential(2.0, size=3)), np.log(softmax(rng.normal(size=(3, 5)) * 2)), 1


def _top(table, width) -> set:
    flat = np.asarray(table, dtype=float).ravel()
    best = np.argsort(-flat, kind="stable")[:width]
    V = np.shape(table)[1]
    return set(zip((best // V).tolist(), (best % V).tolist()))


@register("09.3", "One beam-search step in log space", beam_step)
def check_beam_step(candidate):
    pending = None                    # diagnoses that fit every wrong case so far
    for number, (scores, log_probs, width) in enumerate(_beam_cases()):
        k, V = log_probs.shape
        where = (f"case {number + 1} ({k} beam(s) with scores {plain_list(np.round(scores, 3))}, {V} characters, "
                 f"beam_width {width})")
        result = call("beam_step", candidate, ("beam_scores", "log_probs", "beam_width"), (scores, log_probs, width),
                      where=where, first=number == 0)
        if not isinstance(result, tuple) or len(result) != 3:
            raise Mismatch(f"{where}: expected a tuple (scores, parents, tokens), got {type(result).__name__}")
        got_scores, got_parents, got_tokens = (np.asarray(r) for r in result)
        for name, value in (("scores", got_scores), ("parents", got_parents), ("tokens", got_tokens)):
            expect_shape(f"{where}: {name}", value, (width,))
        for name, value in (("parents", got_parents), ("tokens", got_tokens)):
            if not np.issubdtype(value.dtype, np.integer):
                whole = np.all(np.isfinite(value)) and np.allclose(value, np.round(value))
                raise Mismatch(f"{where}: {name} must be integer indices, got dtype {value.dtype}"
                               + (" (the values are whole numbers: use // and %, not / and np.floor)" if whole
                                  else f" ({plain_list(value)}: parent = index // V with integer division //)"))
        got_scores = got_scores.astype(np.float64)
        want_scores, want_parents, want_tokens = beam_step(scores, log_probs, width)
        if not np.all(np.isfinite(got_scores)):
            raise Mismatch(f"{where}: scores contain -inf or NaN ({plain_list(got_scores)}): multiplying raw "
                           "probabilities underflows to 0 on long outputs; add log-probabilities instead")
        if np.all((got_scores >= 0) & (got_scores <= 1)) and np.any(got_scores > 0):
            raise Mismatch(f"{where}: scores {plain_list(np.round(got_scores, 4))} look like probabilities; keep beam "
                           "scores as accumulated log-probabilities (beam score + log_probs: sums, not products)")
        if (got_parents.min() < 0 or got_parents.max() >= k or got_tokens.min() < 0 or got_tokens.max() >= V):
            raise Mismatch(f"{where}: parents must lie in [0, {k - 1}] and tokens in [0, {V - 1}], got parents "
                           f"{plain_list(got_parents)} and tokens {plain_list(got_tokens)} (parent = index // V, "
                           "token = index % V of the flattened (beams × characters) candidates)")
        chosen = set(zip(got_parents.tolist(), got_tokens.tolist()))
        wanted = set(zip(want_parents.tolist(), want_tokens.tolist()))
        candidates = scores[:, None] + log_probs
        if chosen == wanted and not np.allclose(got_scores, want_scores, atol=1e-6) and np.allclose(
                np.sort(got_scores), np.sort(want_scores), atol=1e-6):
            raise Mismatch(f"{where}: the right candidates in the wrong order: return the best (highest score) first")
        if chosen != wanted:
            swapped = set(zip(got_tokens.tolist(), got_parents.tolist()))
            if swapped == wanted:
                raise Mismatch(f"{where}: parents and tokens are swapped: return (scores, parents, tokens), parent = "
                               "index // V (which beam), token = index % V (which character)")
            found = {}
            if chosen == _top(-candidates, width):
                found["worst"] = (f"{where}: you kept the WORST beam_width candidates: an ascending sort puts the "
                                  "lowest scores first; sort by -score (np.argsort(-candidates)) or take the end of "
                                  "the ascending order")
            if chosen == _top(log_probs, width):
                found["alone"] = (f"{where}: beam scores not accumulated: you ranked candidates by the next "
                                  "character's log-probability alone; add each beam's score so far (log space: "
                                  "sums, not products)")
            if width == k and chosen == {(b, int(np.argmax(log_probs[b]))) for b in range(k)}:
                found["own"] = (f"{where}: each beam kept its own best character; rank all beam × character "
                                "candidates together and keep the best beam_width of them")
            if chosen in (_top(scores[:, None] * log_probs, width), _top(-scores[:, None] * log_probs, width)):
                found["times"] = (f"{where}: beam scores multiplied with log-probabilities; in log space the "
                                  "probability of a sequence is the *sum* of its characters' log-probabilities")
            if not found:
                raise Mismatch(f"{where}: expected (parent, token) pairs {sorted(wanted)}, got {sorted(chosen)}: "
                               "the best beam_width of all (beam score + log-probability) candidates")
            # two mistakes can pick the same candidates on one case: name one only when the cases agree
            pending = found if pending is None else {key: found[key] for key in pending if key in found} or found
            if len(pending) == 1:
                raise Mismatch(next(iter(pending.values())))
            continue
        expect_close(f"{where}: scores (best first)", got_scores, want_scores, atol=1e-6)
        if not (np.array_equal(got_parents, want_parents) and np.array_equal(got_tokens, want_tokens)):
            raise Mismatch(f"{where}: expected parents {plain_list(want_parents)} and tokens "
                           f"{plain_list(want_tokens)}, got parents {plain_list(got_parents)} and tokens "
                           f"{plain_list(got_tokens)} (each score must stay with its own parent and token)")
    if pending:
        raise Mismatch(next(iter(pending.values())))
