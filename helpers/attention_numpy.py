"""Attention and beam search in plain numpy: the references of lesson 09's exercises.

No Keras here, so the exercise checkers load quickly; :mod:`helpers.attention` re-exports
these and holds the Keras versions (and tests them against these).
"""
from __future__ import annotations

import numpy as np

from .validation import check_array, check_positive_int

__all__ = ["MASKED_SCORE", "softmax", "additive_weights", "context_vector", "beam_step"]

MASKED_SCORE = -1e9   # the score given to padded inputs: exp(-1e9 - max) is exactly 0 in float32


def softmax(x, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax of a numpy array along ``axis``."""
    x = check_array("x", x, kind="number").astype(np.float64)
    if not isinstance(axis, int) or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"argument 'axis': expected an int in [{-x.ndim}, {x.ndim - 1}], got {axis!r}")
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def additive_weights(query, keys, W_query, W_key, v, mask=None) -> np.ndarray:
    """Additive attention weights in numpy (lesson 09, the reference for exercise 09.1).

    ``query`` ``(batch, Tq, dq)``, ``keys`` ``(batch, Tv, dk)``, ``W_query`` ``(dq, units)``,
    ``W_key`` ``(dk, units)``, ``v`` ``(units,)``, ``mask`` ``(batch, Tv)`` (True = real input).
    Returns ``(batch, Tq, Tv)``: for each output step a softmax over the input positions,
    exactly 0 at padding.
    """
    query = check_array("query", query, ndim=3, dims=("batch", "Tq", "dq"), kind="number")
    batch, _, dq = query.shape
    keys = check_array("keys", keys, shape=(batch, None, None), dims=("batch", "Tv", "dk"), kind="number")
    W_query = check_array("W_query", W_query, shape=(dq, None), dims=("dq", "units"), kind="number")
    units = W_query.shape[1]
    W_key = check_array("W_key", W_key, shape=(keys.shape[2], units), dims=("dk", "units"), kind="number")
    v = check_array("v", v, shape=(units,), dims=("units",), kind="number")
    if mask is not None:
        mask = check_array("mask", mask, shape=keys.shape[:2], dims=("batch", "Tv"))
        if mask.dtype != bool and not np.isin(mask, (0, 1)).all():
            raise ValueError(f"argument 'mask': expected booleans (True = real input), got values "
                             f"{np.unique(mask)[:5].tolist()}")
        mask = mask.astype(bool)
        empty = np.flatnonzero(~mask.any(axis=1))
        if empty.size:
            raise ValueError(f"argument 'mask': expected at least one real input (True) per row, got row "
                             f"{int(empty[0])} all padding (its weights would be meaningless)")
    q = query @ W_query                                               # (batch, Tq, units)
    k = keys @ W_key                                                  # (batch, Tv, units)
    scores = np.tanh(q[:, :, None, :] + k[:, None, :, :]) @ v         # (batch, Tq, Tv)
    if mask is not None:
        scores = np.where(mask[:, None, :], scores, MASKED_SCORE)
    return softmax(scores, axis=-1)


def context_vector(weights, values) -> np.ndarray:
    """Weighted sum of the values (lesson 09, the reference for exercise 09.2).

    ``weights`` ``(batch, Tq, Tv)``, ``values`` ``(batch, Tv, dv)`` → ``(batch, Tq, dv)``:
    ``context[b, i] = sum_j weights[b, i, j] * values[b, j]``.
    """
    weights = check_array("weights", weights, ndim=3, dims=("batch", "Tq", "Tv"), kind="number")
    values = check_array("values", values, shape=(weights.shape[0], weights.shape[2], None),
                         dims=("batch", "Tv", "dv"), kind="number")
    return weights.astype(np.float64) @ values.astype(np.float64)


def beam_step(beam_scores, log_probs, beam_width: int):
    """One beam-search step for one example (lesson 09, the reference for exercise 09.3).

    ``beam_scores`` ``(k,)``: total log-probability of each live beam so far;
    ``log_probs`` ``(k, V)``: log-probabilities of every next character after each beam.
    Each candidate's score is its beam's score *plus* the next character's log-probability
    (log space: products of probabilities become sums and do not underflow). The
    ``beam_width`` best candidates over all beams together win.

    Returns ``(scores (beam_width,), parents (beam_width,), tokens (beam_width,))``, best first:
    the new totals, which beam each came from, and the character it appended.
    """
    beam_scores = check_array("beam_scores", beam_scores, ndim=1, dims=("k",), kind="number",
                              finite="no_nan").astype(np.float64)
    log_probs = check_array("log_probs", log_probs, shape=(len(beam_scores), None), dims=("k", "V"),
                            kind="number", finite="no_nan").astype(np.float64)
    for name, array in (("beam_scores", beam_scores), ("log_probs", log_probs)):
        if (array > 1e-6).any():
            raise ValueError(f"argument {name!r}: expected log-probabilities (<= 0, -inf allowed), got a maximum "
                             f"of {array.max():g}")
    beam_width = check_positive_int("beam_width", beam_width, maximum=log_probs.size)
    candidates = (beam_scores[:, None] + log_probs).ravel()           # (k * V,)
    best = np.argsort(-candidates, kind="stable")[:beam_width]
    return candidates[best], best // log_probs.shape[1], best % log_probs.shape[1]
