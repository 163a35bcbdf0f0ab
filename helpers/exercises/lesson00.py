"""Lesson 00 exercises: warm-ups that show how checks, hints and fallbacks work."""
import numpy as np

from . import Mismatch, expect_equal, register


def next_word_pairs_reference(tokens):
    """``["a", "b", "c"]`` → ``[("a", "b"), ("b", "c")]``: each word with the word that follows it."""
    return [(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1)]


@register("00.1", "Next-word pairs", next_word_pairs_reference)
def check_next_word_pairs(candidate):
    tokens = ["she", "speaks", "fluent", "french"]
    got = candidate(tokens)
    if not isinstance(got, list):
        raise Mismatch(f"expected a list of (word, next word) tuples, got {type(got).__name__}")
    got = [tuple(p) for p in got]
    want = next_word_pairs_reference(tokens)
    if len(got) != len(want):
        raise Mismatch(f"for {tokens} expected {len(want)} pairs (one per word that has a successor), "
                       f"got {len(got)}: {got}")
    if got and got[0] == (want[0][1], want[0][0]):
        raise Mismatch(f"pairs are reversed: expected (word, next word) such as {want[0]}, got {got[0]}")
    expect_equal(f"pairs for {tokens}", got, want)
    expect_equal("pairs for a single word", [tuple(p) for p in candidate(["hello"])], [])


def pad_left_reference(ids, length, pad=0):
    """Left-pad (or cut from the left) a 1-D id array to ``length``: ``([5, 6], 4)`` → ``[0, 0, 5, 6]``."""
    ids = np.asarray(ids)
    ids = ids[max(len(ids) - length, 0):]
    return np.concatenate([np.full(length - len(ids), pad, dtype=ids.dtype), ids])


@register("00.2", "Left padding", pad_left_reference)
def check_pad_left(candidate):
    short = np.array([5, 6, 7])
    got = np.asarray(candidate(short, 5))
    if got.shape == (5,) and np.array_equal(got, [5, 6, 7, 0, 0]):
        raise Mismatch("padding went on the right: expected [0, 0, 5, 6, 7], got [5, 6, 7, 0, 0]. "
                       "Pad on the left so the last word stays next to the prediction.")
    expect_equal("pad_left([5, 6, 7], 5)", got, np.array([0, 0, 5, 6, 7]))
    long = np.array([1, 2, 3, 4, 5, 6])
    got = np.asarray(candidate(long, 4))
    if got.shape == (4,) and np.array_equal(got, [1, 2, 3, 4]):
        raise Mismatch("a too-long sequence was cut at the end: expected the LAST 4 ids [3, 4, 5, 6], got [1, 2, 3, 4]")
    expect_equal("pad_left([1, 2, 3, 4, 5, 6], 4)", got, np.array([3, 4, 5, 6]))
    expect_equal("pad_left([8], 3, pad=9)", np.asarray(candidate(np.array([8]), 3, pad=9)), np.array([9, 9, 8]))
