"""Lesson 09 checkers: the references pass, plausible wrong work is rejected with a specific hint."""
import numpy as np

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


def by_lengths(query, keys, W_query, W_key, v, mask):
    scores = _scores(query, keys, W_query, W_key, v)
    for b, length in enumerate(mask.sum(axis=1)):
        scores[b, :, length:] = MASKED_SCORE               # assumes the padding is at the end
    return softmax(scores, axis=-1)


def first_example_mask(query, keys, W_query, W_key, v, mask):
    return softmax(np.where(mask[0][None, None, :], _scores(query, keys, W_query, W_key, v), MASKED_SCORE))


def keys_zeroed_in_place(query, keys, W_query, W_key, v, mask):
    keys *= mask[:, :, None]                                # "clears" the caller's padded keys
    return softmax(np.where(mask[:, None, :], _scores(query, keys, W_query, W_key, v), MASKED_SCORE))


def keras_softmax(query, keys, W_query, W_key, v, mask):
    import keras
    return keras.ops.softmax(np.where(mask[:, None, :], _scores(query, keys, W_query, W_key, v), MASKED_SCORE))


def weights_einsum_inf(query, keys, W_query, W_key, v, mask):
    q = np.einsum("bqd,du->bqu", query, W_query)
    k = np.einsum("btd,du->btu", keys, W_key)
    scores = np.einsum("bqtu,u->bqt", np.tanh(q[:, :, None] + k[:, None]), v)
    scores = np.where(mask[:, None, :], scores, -np.inf)     # exp(-inf) = 0
    scores -= scores.max(axis=-1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)


def weights_loop(query, keys, W_query, W_key, v, mask):
    B, Tq, Tv = query.shape[0], query.shape[1], keys.shape[1]
    out = np.zeros((B, Tq, Tv))
    for b in range(B):
        for i in range(Tq):
            e = np.array([np.tanh(query[b, i] @ W_query + keys[b, j] @ W_key) @ v if mask[b, j] else -1e30
                          for j in range(Tv)])
            w = np.exp(e - e.max()) * mask[b]
            out[b, i] = w / w.sum()
    return out


WRONG = {
    "09.1": [
        ("softmax over the output steps", wrong_axis, ("wrong axis",)),
        ("not masked", not_masked, ("not masked",)),
        ("masked by multiplying with the mask", masked_by_multiplying, ("not masked",)),
        ("zeroed after the softmax", zeroed_without_renormalising, ("renormalising",)),
        ("no tanh", no_tanh, ("tanh",)),
        ("no v", no_v, ("v is missing",)),
        ("transposed", transposed, ("shape",)),
        ("masked by length: padding assumed at the end (one input)", by_lengths, ("not only at the end",)),
        ("example 0's mask for all (one input)", first_example_mask, ("not masked", "example 1")),
        ("keras.ops.softmax tensor (dtype)", keras_softmax, ("numpy array",)),
        ("keys zeroed in place", keys_zeroed_in_place, ("in place", "`keys`")),
    ],
}

RIGHT = {
    "09.1": [
        ("einsum and -inf", weights_einsum_inf),
        ("a loop per example and step", weights_loop),
    ],
}


# ---- 09.2 context vector ---------------------------------------------------------------------

def averaged(weights, values):
    return np.broadcast_to(values.mean(axis=1, keepdims=True), (values.shape[0], weights.shape[1], values.shape[2]))


def summed_over_queries(weights, values):
    return (weights[..., None] * values[:, None]).sum(axis=1)      # (batch, Tv, dv)


def batch_mixed(weights, values):
    return np.einsum("bqt,ctd->bqd", weights, values) / len(values)


def unweighted_sum(weights, values):
    return np.broadcast_to(values.sum(axis=1, keepdims=True), (values.shape[0], weights.shape[1], values.shape[2]))


def mean_over_inputs(weights, values):
    return (weights[..., None] * values[:, None]).mean(axis=2)     # divides by Tv


def first_example_values(weights, values):
    return weights @ values[0]


def normalised_in_place(weights, values):
    weights /= weights.sum(axis=-1, keepdims=True) + 1e-12      # rewrites the caller's weights
    return weights @ values


def keras_matmul(weights, values):
    import keras
    return keras.ops.matmul(weights, values)


def context_loop(weights, values):
    return np.stack([np.dot(w, v) for w, v in zip(weights, values)])


def context_broadcast(weights, values):
    return (weights[:, :, :, None] * values[:, None, :, :]).sum(axis=2)


WRONG["09.2"] = [
    ("values averaged", averaged, ("ignored",)),
    ("values summed", unweighted_sum, ("ignored",)),
    ("summed over the output steps", summed_over_queries, ("output steps",)),
    ("batch mixed", batch_mixed, ("mixed",)),
    ("example 0's values for all (one input)", first_example_values, ("mixed",)),
    ("divided by Tv", mean_over_inputs, ("divided by Tv",)),
    ("a keras tensor (dtype)", keras_matmul, ("numpy array",)),
    ("weights normalised in place", normalised_in_place, ("in place", "`weights`")),
]

RIGHT["09.2"] = [
    ("np.dot per example", context_loop),
    ("broadcast and sum over Tv", context_broadcast),
]


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


def ascending(beam_scores, log_probs, width):
    candidates = (beam_scores[:, None] + log_probs).ravel()
    best = np.argsort(candidates)[:width]                   # the lowest first
    V = log_probs.shape[1]
    return candidates[best], best // V, best % V


def true_division(beam_scores, log_probs, width):
    candidates = (beam_scores[:, None] + log_probs).ravel()
    best = np.argsort(-candidates)[:width]
    V = log_probs.shape[1]
    return candidates[best], best / V, best % V


def floor_division(beam_scores, log_probs, width):
    candidates = (beam_scores[:, None] + log_probs).ravel()
    best = np.argsort(-candidates)[:width]
    V = log_probs.shape[1]
    return candidates[best], np.floor(best / V), best % V


def hard_coded_vocab(beam_scores, log_probs, width):
    candidates = (beam_scores[:, None] + log_probs).ravel()
    best = np.argsort(-candidates)[:width]
    return candidates[best], best // 3, best % 3            # the 3 characters of one example


def accumulates_in_place(beam_scores, log_probs, width):
    log_probs += beam_scores[:, None]                      # rewrites the caller's log_probs
    best = np.argsort(-log_probs.ravel())[:width]
    V = log_probs.shape[1]
    return log_probs.ravel()[best], best // V, best % V


def with_argpartition(beam_scores, log_probs, width):
    candidates = (beam_scores[:, None] + log_probs).ravel()
    top = np.argpartition(-candidates, width - 1)[:width]
    top = top[np.argsort(-candidates[top])]
    parents, tokens = np.unravel_index(top, log_probs.shape)
    return candidates[top], parents, tokens


def with_heapq(beam_scores, log_probs, width):
    import heapq
    items = [(float(beam_scores[b] + log_probs[b, t]), b, t)
             for b in range(log_probs.shape[0]) for t in range(log_probs.shape[1])]
    best = heapq.nlargest(width, items, key=lambda item: item[0])
    return tuple(np.array(column) for column in zip(*best))


WRONG["09.3"] = [
    ("not accumulated", not_accumulated, ("not accumulated",)),
    ("probabilities multiplied", probabilities_multiplied, ("probabilities",)),
    ("log of products", log_of_products, ("underflows",)),
    ("scores times log-probabilities", scores_times_log_probs, ("multiplied",)),
    ("each beam's own best", per_beam, ("its own best",)),
    ("worst first", worst_first, ("order",)),
    ("ascending sort: the worst candidates", ascending, ("WORST",)),
    ("parents and tokens swapped", swapped_parent_token, ("swapped",)),
    ("parents by / (dtype)", true_division, ("integer", "//")),
    ("parents by np.floor (dtype)", floor_division, ("integer", "whole numbers")),
    ("V hard-coded to 3 (one input)", hard_coded_vocab, ("case 3",)),
    ("log_probs accumulated in place", accumulates_in_place, ("in place", "`log_probs`")),
]

RIGHT["09.3"] = [
    ("argpartition and unravel_index", with_argpartition),
    ("heapq over python tuples", with_heapq),
]
