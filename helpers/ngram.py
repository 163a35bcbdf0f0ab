"""Character n-gram counts: the baseline a recurrent network has to beat.

An n-gram model predicts the next character from the ``order - 1`` characters before it, by
counting how often each character followed that context in the training text. Contexts never seen
in training fall back on shorter ones: the probability is interpolated with the next-shorter
context's by Witten-Bell smoothing (the more different characters a context has been followed by,
the more weight its shorter context gets), down to add-one unigram counts. There is nothing to tune.

Everything is counted with numpy over integer keys, so a 500,000-character corpus takes about a
second per order::

    model = NGramModel(order=5, vocab_size=len(vocab)).fit(train_ids)
    model.bits_per_char(held_out_ids)    # the same measure as music.bits_per_char
"""
from __future__ import annotations

import numpy as np

from helpers.validation import check_ids, check_positive_int, check_size

MAX_ORDER = 9   # contexts of up to 8 characters: keys stay below 2**63 for vocabularies up to ~120 characters


def _context_keys(ids: np.ndarray, length: int, vocab_size: int) -> np.ndarray:
    """Key of the ``length`` characters before each position (positions with too little history: -1)."""
    keys = np.full(len(ids), -1, dtype=np.int64)
    if length == 0:
        keys[:] = 0
        return keys
    if len(ids) <= length:
        return keys
    k = np.zeros(len(ids) - length, dtype=np.int64)
    for j in range(length):                       # the oldest character is the most significant digit
        k = k * vocab_size + ids[j:len(ids) - length + j]
    keys[length:] = k
    return keys


class NGramModel:
    """Counts of each character after each context of ``order - 1`` characters, Witten-Bell smoothed."""

    def __init__(self, order: int, vocab_size: int):
        self.order = check_positive_int("order", order, minimum=1, maximum=MAX_ORDER)
        self.vocab_size = check_positive_int("vocab_size", vocab_size, minimum=2, maximum=120)
        self.tables = None

    def fit(self, ids) -> "NGramModel":
        """Count the training text ``ids`` (1-D integer ids below ``vocab_size``)."""
        ids = check_ids("ids", ids, self.vocab_size, ndim=1).astype(np.int64)
        if len(ids) < self.order:
            raise ValueError(f"argument 'ids': expected at least order={self.order} characters, got {len(ids)}")
        v = self.vocab_size
        self.unigram = (np.bincount(ids, minlength=v) + 1.0) / (len(ids) + v)
        self.tables = []
        for length in range(1, self.order):
            ctx = _context_keys(ids, length, v)
            ok = ctx >= 0
            pair, pair_count = np.unique(ctx[ok] * v + ids[ok], return_counts=True)
            pair_ctx = pair // v
            context, first, followers = np.unique(pair_ctx, return_index=True, return_counts=True)
            context_total = np.add.reduceat(pair_count, first)
            self.tables.append((pair, pair_count, context, context_total, followers))
        return self

    def _lookup(self, keys, table_keys, values):
        """``values`` at ``keys`` in the sorted ``table_keys`` (0 where a key is missing)."""
        if len(table_keys) == 0:
            return np.zeros(len(keys))
        at = np.clip(np.searchsorted(table_keys, keys), 0, len(table_keys) - 1)
        return np.where(table_keys[at] == keys, values[at], 0).astype(np.float64)

    def probabilities(self, ids) -> np.ndarray:
        """Probability of each character of ``ids`` given the characters before it, shape ``(len(ids),)``.

        The first characters, with less history than the model's order, use the contexts they have.
        """
        if self.tables is None:
            raise RuntimeError("this NGramModel has not been fitted: call .fit(train_ids) first")
        ids = check_ids("ids", ids, self.vocab_size, ndim=1).astype(np.int64)
        v = self.vocab_size
        p = self.unigram[ids]
        for length, (pair, pair_count, context, context_total, followers) in enumerate(self.tables, start=1):
            ctx = _context_keys(ids, length, v)
            seen = ctx >= 0
            c_pair = self._lookup(np.where(seen, ctx * v + ids, -1), pair, pair_count)
            c_ctx = self._lookup(np.where(seen, ctx, -1), context, context_total)
            n_follow = self._lookup(np.where(seen, ctx, -1), context, followers)
            known = seen & (c_ctx > 0)
            smoothed = (c_pair + n_follow * p) / np.maximum(c_ctx + n_follow, 1.0)
            p = np.where(known, smoothed, p)
        return p

    def bits_per_char(self, ids) -> float:
        """Average cross-entropy in bits of each character after the first of ``ids``."""
        ids = check_ids("ids", ids, self.vocab_size, ndim=1)
        if len(ids) < 2:
            raise ValueError(f"argument 'ids': expected at least 2 characters, got {len(ids)}")
        return float(-np.mean(np.log2(self.probabilities(ids)[1:])))


def ngram_bits_per_char(train_ids, held_out_ids, order: int, vocab_size: int) -> float:
    """Held-out bits per character of an ``order``-gram model counted on ``train_ids``."""
    check_size("order", order, maximum=MAX_ORDER, what="characters")
    return NGramModel(order, vocab_size).fit(train_ids).bits_per_char(held_out_ids)
