"""Lesson 00 exercises: warm-ups that show how checks, hints and fallbacks work."""
import string

import numpy as np

from . import draws
from . import Mismatch, expect_dtype, expect_equal, name_mistake, register, run, show


def next_word_pairs_reference(tokens):
    """``["a", "b", "c"]`` → ``[("a", "b"), ("b", "c")]``: each word with the word that follows it."""
    return [(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1)]


PAIR_CASES = [
    ["she", "speaks", "fluent", "french"],
    ["The", "cat", "saw", "the", "cat", "and", "the", "dog"],  # repeated and capitalised words
    ["Hello,", "world!", "hello", "world", "."],               # punctuation glued to words
    ["to", "be", "or", "not", "to", "be"],
    ["hello"],                                                 # one word: no pairs
    [],                                                        # no words: no pairs
]


@register("00.1", "Next-word pairs", next_word_pairs_reference)
def check_next_word_pairs(candidate):
    for tokens in PAIR_CASES:
        got = run(candidate, tokens)
        what = f"pairs for {tokens}"
        if not isinstance(got, list):
            raise Mismatch(f"{what}: expected a list of (word, next word) tuples, got {type(got).__name__} "
                           "(wrap it in list(...))")
        bad = next((p for p in got if not isinstance(p, tuple)), None)
        if bad is not None:
            raise Mismatch(f"{what}: each pair must be a tuple (word, next word), got {type(bad).__name__} {show(bad)}")
        want = next_word_pairs_reference(tokens)
        if len(got) != len(want):
            raise Mismatch(f"{what}: expected {len(want)} pairs (one per word that has a next word; a repeated "
                           f"word is paired again each time it occurs), got {len(got)}: {show(got)}")
        name_mistake(what, [tuple(map(str, p)) for p in got], [tuple(p) for p in want], {
            "pairs are reversed: expected (word, next word)"
            + (f" such as {show(want[0])}, got {show(got[0])}" if want else ""): [(b, a) for a, b in want],
            "the words were changed to lower case: keep each word exactly as given ('The' is not 'the')":
                [(a.lower(), b.lower()) for a, b in want],
            "punctuation was stripped: keep each word exactly as given (\"world!\" stays \"world!\")":
                [(a.strip(string.punctuation), b.strip(string.punctuation)) for a, b in want],
        })
        expect_equal(what, got, want)


def pad_left_reference(ids, length, pad=0):
    """Left-pad (or cut from the left) a 1-D id array to ``length``: ``([5, 6], 4)`` → ``[0, 0, 5, 6]``."""
    ids = np.asarray(ids)
    ids = ids[max(len(ids) - length, 0):]
    return np.concatenate([np.full(length - len(ids), pad, dtype=ids.dtype), ids])


def _pad_cases():
    rng = draws.rng(0)
    return [
        (np.array([5, 6, 7]), 5, 0),
        (np.array([1, 2, 3, 4, 5, 6]), 4, 0),          # too long: keep the last 4
        (np.array([8], dtype=np.int32), 3, 9),          # another pad value, another integer dtype
        (np.array([4, 2, 7, 1]), 4, 0),                 # exactly the length
        (np.array([], dtype=np.int64), 2, 1),           # empty
        (rng.integers(1, 50, size=9), 6, 3),
        (rng.integers(1, 50, size=2).astype(np.int32), 7, 0),
    ]


@register("00.2", "Left padding", pad_left_reference)
def check_pad_left(candidate):
    for ids, length, pad in _pad_cases():
        what = f"pad_left({ids.tolist()}, {length}, pad={pad})"
        got = run(candidate, ids, length, pad=pad)
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{what}: expected a numpy array, got {type(got).__name__}")
        want = pad_left_reference(ids, length, pad)
        short = ids[:length]
        mistakes = [
            (f"a too-long sequence was cut at the end: expected the LAST {length} ids {want.tolist()}",
             np.concatenate([np.full(length - len(short), pad), short])),
            (f"padding went on the right: expected {want.tolist()}, got {show(got)}. Pad on the left so the last "
             "word stays next to the prediction", np.concatenate([short, np.full(length - len(short), pad)])),
            (f"the pad value is ignored: pad with `pad` ({pad}), not always 0", pad_left_reference(ids, length, 0)),
        ]
        name_mistake(what, got, want, mistakes if len(ids) > length else mistakes[1:])
        expect_equal(what, got, want)
        expect_dtype(what + " (the same dtype as ids)", got, ids.dtype)
