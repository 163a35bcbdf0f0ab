"""Lesson 02 exercises: bag of words, bag of bigrams."""
import numpy as np

from .. import text
from . import draws
from . import Mismatch, expect_close, expect_dtype, expect_shape, name_mistake, register, run


def _describe(sequences) -> str:
    if isinstance(sequences, np.ndarray):
        return f"an array of shape {sequences.shape}"
    return "[" + ", ".join(str(np.asarray(s).tolist()) for s in sequences) + "]"


def _bow_cases():
    rng = draws.rng(4)
    return [
        (np.array([[0, 0, 2, 3, 2], [0, 4, 4, 4, 1]]), 5),
        ([np.array([3, 1, 3]), np.array([], dtype=np.int64), np.array([0, 2])], 4),   # ragged, one empty
        (rng.integers(0, 5, size=(3, 6)), 8),          # vocabulary larger than the largest id present
        ([np.array([6, 6, 6, 6], dtype=np.int32)], 7),
        ([rng.integers(1, 10, size=n) for n in (1, 7, 3)], 12),
    ]


@register("02.1", "Bag of words", text.bag_of_words)
def check_bag_of_words(candidate):
    for seqs, vocab_size in _bow_cases():
        what = f"bag_of_words({_describe(seqs)}, vocab_size={vocab_size})"
        got = run(candidate, seqs, vocab_size)
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{what}: expected a numpy array, got {type(got).__name__}")
        want = text.bag_of_words(seqs, vocab_size)
        largest = max((int(np.max(s)) for s in seqs if len(s)), default=0) + 1
        if got.shape == (len(seqs), largest) and largest != vocab_size:
            raise Mismatch(f"{what}: expected shape {want.shape}, got {got.shape}: use the vocab_size argument, not "
                           "the largest id + 1 (a vocabulary has words these sequences do not use)")
        expect_shape(what, got, want.shape)
        counted = text.bag_of_words(seqs, vocab_size, ignore_ids=())
        name_mistake(what, got, want, {
            "got 1 for every word present: count how often each word occurs": (want > 0).astype(np.float32),
            "padding (id 0) was counted: column 0 must stay 0": counted,
            "rows were normalised to sum to 1: return raw counts":
                want / np.maximum(want.sum(1, keepdims=True), 1),
        })
        expect_close(what, got, want)
        expect_dtype(what, got, np.float32)


def bag_of_bigrams_reference(sequences, vocab_size):
    """Counts of adjacent pairs ``(a, b)`` at column ``a * vocab_size + b``: ``(batch, vocab_size ** 2)``.

    Lesson 02: the cheapest way to put some word order back into a bag. Every adjacent pair
    is counted, pairs with the padding id 0 included.
    """
    out = np.zeros((len(sequences), vocab_size * vocab_size), dtype=np.float32)
    for row, seq in enumerate(sequences):
        seq = np.asarray(seq)
        np.add.at(out[row], seq[:-1] * vocab_size + seq[1:], 1.0)
    return out


def _bigrams(seqs, vocab_size, pairs):
    out = np.zeros((len(seqs), vocab_size * vocab_size), dtype=np.float32)
    for row, seq in enumerate(seqs):
        for a, b in pairs(np.asarray(seq)):
            out[row, a * vocab_size + b] += 1
    return out


def _bigram_cases():
    rng = draws.rng(5)
    return [
        ([np.array([1, 2, 3, 1, 2]), np.array([3, 2])], 4),
        ([np.array([0, 0, 1, 2]), np.array([2]), np.array([], dtype=np.int64)], 3),  # padding, 1 word, empty
        ([rng.integers(0, 4, size=9), rng.integers(0, 4, size=6)], 7),              # vocab > largest id + 1
        ([np.array([5, 5, 5, 5], dtype=np.int32)], 6),                               # overlapping repeats
        ([rng.integers(1, 6, size=n) for n in (2, 8, 5)], 6),
    ]


@register("02.2", "Bag of bigrams", bag_of_bigrams_reference)
def check_bag_of_bigrams(candidate):
    for seqs, vocab_size in _bigram_cases():
        what = f"bag_of_bigrams({_describe(seqs)}, vocab_size={vocab_size})"
        got = run(candidate, seqs, vocab_size)
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{what}: expected a numpy array, got {type(got).__name__}")
        want = bag_of_bigrams_reference(seqs, vocab_size)
        largest = max((int(np.max(s)) for s in seqs if len(s)), default=0) + 1
        if got.shape == (len(seqs), largest ** 2) and largest != vocab_size:
            raise Mismatch(f"{what}: expected shape {want.shape} = (batch, vocab_size ** 2), got {got.shape}: use the "
                           "vocab_size argument, not the largest id + 1")
        expect_shape(what, got, want.shape)
        pairs = lambda s: zip(s[:-1], s[1:])  # noqa: E731
        name_mistake(what, got, want, {
            "pair (a, b) must go to column a * vocab_size + b (first word first); you used b * vocab_size + a":
                _bigrams(seqs, vocab_size, lambda s: zip(s[1:], s[:-1])),
            "only every other pair was counted: pairs overlap, (w0, w1), (w1, w2), (w2, w3) ... every word "
            "but the last starts a pair": _bigrams(seqs, vocab_size, lambda s: zip(s[:-1:2], s[1::2])),
            "repeated pairs must be counted: a pair that occurs twice gets 2":
                (want > 0).astype(np.float32),
            "the last pair was missed: a sequence of n words has n - 1 pairs":
                _bigrams(seqs, vocab_size, lambda s: zip(s[:-2], s[1:-1])),
            "one pair too many (wrapped around from the last word to the first?): a sequence of n words has "
            "n - 1 pairs": _bigrams(seqs, vocab_size, lambda s: zip(s, np.roll(s, -1))),
            "pairs with the padding id 0 were skipped: every adjacent pair is counted here, id 0 included":
                _bigrams(seqs, vocab_size, lambda s: ((a, b) for a, b in pairs(s) if a and b)),
        })
        expect_close(what, got, want)
        expect_dtype(what, got, np.float32)
