"""Lesson 02 exercises: bag of words, bag of bigrams."""
import numpy as np

from .. import text
from . import Mismatch, expect_close, expect_shape, register


@register("02.1", "Bag of words", text.bag_of_words)
def check_bag_of_words(candidate):
    seqs = np.array([[0, 0, 2, 3, 2], [0, 4, 4, 4, 1]])
    got = expect_shape("bag_of_words(2 sequences, vocab_size=5)", candidate(seqs, 5), (2, 5))
    want = text.bag_of_words(seqs, 5)
    if np.array_equal(got, (want > 0).astype(got.dtype)):
        raise Mismatch("got 1 for every word present: count how often each word occurs "
                       f"(row 0 should have 2 for id 2), got {got[0].tolist()}")
    if got[0, 0] != 0:
        raise Mismatch(f"padding (id 0) was counted: column 0 must stay 0, got {got[0, 0]}")
    if np.allclose(got.sum(1), 1) and not np.allclose(want.sum(1), 1):
        raise Mismatch("rows were normalised to sum to 1: return raw counts")
    expect_close("bag_of_words", got, want)
    one = np.asarray(candidate([np.array([3, 1, 3])], 4))
    expect_close("bag_of_words for a list with one 1-D sequence", one, text.bag_of_words([np.array([3, 1, 3])], 4))


def bag_of_bigrams_reference(sequences, vocab_size):
    """Counts of adjacent pairs ``(a, b)`` at column ``a * vocab_size + b``: ``(batch, vocab_size ** 2)``.

    Lesson 02: the cheapest way to put some word order back into a bag.
    """
    out = np.zeros((len(sequences), vocab_size * vocab_size), dtype=np.float32)
    for row, seq in enumerate(sequences):
        seq = np.asarray(seq)
        np.add.at(out[row], seq[:-1] * vocab_size + seq[1:], 1.0)
    return out


@register("02.2", "Bag of bigrams", bag_of_bigrams_reference)
def check_bag_of_bigrams(candidate):
    seqs = [np.array([1, 2, 3, 1, 2]), np.array([3, 2])]
    got = expect_shape("bag_of_bigrams(2 sequences, vocab_size=4)", candidate(seqs, 4), (2, 16))
    want = bag_of_bigrams_reference(seqs, 4)
    reversed_index = np.zeros_like(want)
    for row, seq in enumerate(seqs):
        np.add.at(reversed_index[row], seq[1:] * 4 + seq[:-1], 1.0)
    if np.array_equal(got, reversed_index):
        raise Mismatch("pair (a, b) must go to column a * vocab_size + b (first word first); "
                       "you used b * vocab_size + a")
    if got[1].sum() == 0 or got[0].sum() == len(seqs[0]) - 2 and got[0, 1 * 4 + 2] == 2:
        raise Mismatch(f"the last pair was missed: a sequence of n words has n - 1 pairs ([3, 2] has one: (3, 2))")
    if got[0, 1 * 4 + 2] == 1 and want[0, 1 * 4 + 2] == 2:
        raise Mismatch("repeated pairs must be counted: (1, 2) occurs twice in [1, 2, 3, 1, 2]")
    if got[0].sum() == len(seqs[0]):
        raise Mismatch("one pair too many (wrapped around?): a sequence of n words has n - 1 pairs")
    expect_close("bag_of_bigrams", got, want)
