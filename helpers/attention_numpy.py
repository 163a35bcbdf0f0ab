"""Attention and beam search in plain numpy: the references of lesson 09's exercises.

No Keras here, so the exercise checkers load quickly; :mod:`helpers.attention` re-exports
these and holds the Keras versions (and tests them against these).
"""
from __future__ import annotations

import numpy as np

__all__ = ["MASKED_SCORE", "softmax", "additive_weights", "context_vector", "beam_step"]

MASKED_SCORE = -1e9   # the score given to padded inputs: exp(-1e9 - max) is exactly 0 in float32


def softmax(x, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax of a numpy array along ``axis``."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def additive_weights(query, keys, W_query, W_key, v, mask=None) -> np.ndarray:
    """Additive attention weights in numpy (lesson 09, the reference for exercise 09.1).

    ``query`` ``(batch, Tq, dq)``, ``keys`` ``(batch, Tv, dk)``, ``W_query`` ``(dq, units)``,
    ``W_key`` ``(dk, units)``, ``v`` ``(units,)``, ``mask`` ``(batch, Tv)`` (True = real input).
    Returns ``(batch, Tq, Tv)``: for each output step a softmax over the input positions,
    exactly 0 at padding.
    """
    q = np.asarray(query) @ W_query                                   # (batch, Tq, units)
    k = np.asarray(keys) @ W_key                                      # (batch, Tv, units)
    scores = np.tanh(q[:, :, None, :] + k[:, None, :, :]) @ v         # (batch, Tq, Tv)
    if mask is not None:
        scores = np.where(np.asarray(mask, dtype=bool)[:, None, :], scores, MASKED_SCORE)
    return softmax(scores, axis=-1)


def context_vector(weights, values) -> np.ndarray:
    """Weighted sum of the values (lesson 09, the reference for exercise 09.2).

    ``weights`` ``(batch, Tq, Tv)``, ``values`` ``(batch, Tv, dv)`` → ``(batch, Tq, dv)``:
    ``context[b, i] = sum_j weights[b, i, j] * values[b, j]``.
    """
    return np.asarray(weights, dtype=np.float64) @ np.asarray(values, dtype=np.float64)


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
    beam_scores = np.asarray(beam_scores, dtype=np.float64)
    log_probs = np.asarray(log_probs, dtype=np.float64)
    candidates = (beam_scores[:, None] + log_probs).ravel()           # (k * V,)
    best = np.argsort(-candidates, kind="stable")[:beam_width]
    return candidates[best], best // log_probs.shape[1], best % log_probs.shape[1]
