"""Lesson 07 checkers: each reference passes, each plausible mistake is rejected with a specific hint."""
import numpy as np
import pytest

from helpers import exercises
from helpers.music import random_batch, unvectorize, vectorize
from tests.exercise_utils import assert_rejects


def test_ids_registered():
    assert {"07.1", "07.2"} <= set(exercises.ids())


# ---- 07.1 characters <-> ids ------------------------------------------------------------------

def _plus_one(text, vocab):
    return vectorize(text, vocab) + 1


def _own_sorted(text, vocab):
    chars = sorted(set(text))
    return np.array([chars.index(c) for c in text], dtype=np.int64)


def _as_list(text, vocab):
    return [vocab.index(c) for c in text]


def _as_float(text, vocab):
    return vectorize(text, vocab).astype(np.float32)


def _decode_list(ids, vocab):
    return [vocab[i] for i in ids]


def _decode_shifted(ids, vocab):
    return "".join(vocab[(i + 1) % len(vocab)] for i in ids)


@pytest.mark.parametrize("pair, word", [
    ((_plus_one, unvectorize), "one too large"),
    ((_own_sorted, unvectorize), "given vocab"),
    ((_as_list, unvectorize), "numpy array"),
    ((_as_float, unvectorize), "integer"),
    ((vectorize, _decode_list), "string"),
    ((vectorize, _decode_shifted), "one position off"),
    (vectorize, "pair"),
])
def test_vectorize_mistakes_rejected(pair, word):
    assert_rejects("07.1", pair, word)


# ---- 07.2 random batches ------------------------------------------------------------------------


def _starts(ids, batch, seq_len, rng):
    return rng.integers(0, len(ids) - seq_len, size=batch)


def _windows(ids, starts, seq_len, shift=1):
    w = starts[:, None] + np.arange(seq_len)[None, :]
    return ids[w], ids[np.minimum(w + shift, len(ids) - 1)]


def no_shift(ids, batch, seq_len, rng):
    x, _ = _windows(ids, _starts(ids, batch, seq_len, rng), seq_len)
    return x, x.copy()


def shift_two(ids, batch, seq_len, rng):
    return _windows(ids, rng.integers(0, len(ids) - seq_len - 1, size=batch), seq_len, shift=2)


def swapped(ids, batch, seq_len, rng):
    x, y = _windows(ids, _starts(ids, batch, seq_len, rng), seq_len)
    return y, x


def transposed(ids, batch, seq_len, rng):
    x, y = _windows(ids, _starts(ids, batch, seq_len, rng), seq_len)
    return x.T, y.T


def consecutive_chunks(ids, batch, seq_len, rng):
    return _windows(ids, np.arange(batch) * ((len(ids) - seq_len) // batch), seq_len)


def always_start(ids, batch, seq_len, rng):
    return _windows(ids, np.zeros(batch, dtype=int), seq_len)


def global_random(ids, batch, seq_len, rng):
    return _windows(ids, np.random.randint(0, len(ids) - seq_len, size=batch), seq_len)


def never_last(ids, batch, seq_len, rng):
    return _windows(ids, rng.integers(0, len(ids) - seq_len - 1, size=batch), seq_len)


def fixed_seed_inside(ids, batch, seq_len, rng):
    return _windows(ids, np.random.default_rng(0).integers(0, len(ids) - seq_len, size=batch), seq_len)


@pytest.mark.parametrize("candidate, word", [
    (no_shift, "off by one"),
    (shift_two, "shifted by two"),
    (swapped, "swapped"),
    (transposed, "transposed"),
    (consecutive_chunks, "evenly spaced"),
    (always_start, "same position"),
    (global_random, "reproducible"),
    (never_last, "never reach"),
    (fixed_seed_inside, "not random"),
])
def test_random_batch_mistakes_rejected(candidate, word):
    assert_rejects("07.2", candidate, word)


def test_stub_is_reported_as_not_attempted():
    def stub(ids, batch_size, seq_len, rng):
        raise NotImplementedError("Exercise 07.2: write your code here")

    passed, message = exercises.evaluate("07.2", stub)
    assert not passed and "not attempted" in message
