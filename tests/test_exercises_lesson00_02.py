"""Each checker of lessons 00-02 rejects plausible wrong work with a useful hint."""
import numpy as np

from helpers import text
from tests.exercise_utils import assert_passes, assert_rejects


# 00.1 next-word pairs
def test_00_1():
    assert_passes("00.1", lambda t: list(zip(t[:-1], t[1:])))
    assert_rejects("00.1", lambda t: [(t[i + 1], t[i]) for i in range(len(t) - 1)], "reversed")
    assert_rejects("00.1", lambda t: [(t[i], t[i + 1]) for i in range(len(t) - 2)], "expected 3 pairs")
    assert_rejects("00.1", lambda t: [(t[i], t[(i + 1) % len(t)]) for i in range(len(t))], "expected 3 pairs")
    assert_rejects("00.1", lambda t: {a: b for a, b in zip(t, t[1:])}, "list")


# 00.2 left padding
def test_00_2():
    def right(ids, length, pad=0):
        ids = np.asarray(ids)[:length]
        return np.concatenate([ids, np.full(length - len(ids), pad)])

    def cut_end(ids, length, pad=0):
        ids = np.asarray(ids)[:length]
        return np.concatenate([np.full(length - len(ids), pad), ids])

    def ignores_pad(ids, length, pad=0):
        ids = np.asarray(ids)[-length:]
        return np.concatenate([np.zeros(length - len(ids), dtype=int), ids])

    assert_rejects("00.2", right, "right")
    assert_rejects("00.2", cut_end, "last 4")
    assert_rejects("00.2", ignores_pad, "pad=9")


# 01.1 one-hot
def test_01_1():
    assert_passes("01.1", lambda ids, v: (np.asarray(ids)[..., None] == np.arange(v)).astype("float32"))
    assert_rejects("01.1", lambda ids, v: np.eye(v)[np.asarray(ids)].swapaxes(-1, -2), "last")
    assert_rejects("01.1", lambda ids, v: np.eye(v)[np.asarray(ids)] * np.asarray(ids)[..., None], "exactly one 1")
    assert_rejects("01.1", lambda ids, v: np.eye(v)[np.asarray(ids) - 1], "off by one")
    assert_rejects("01.1", lambda ids, v: np.eye(v)[np.asarray(ids)].reshape(len(ids), -1), "shape")


# 01.2 fixed windows
def test_01_2():
    def one_too_many(ids, w):
        return np.stack([ids[i:i + w] for i in range(len(ids) - w + 1)]), ids[w - 1:]

    def shifted(ids, w):
        x, _ = text.fixed_windows(ids, w)
        return x, ids[w - 1:-1]

    def not_a_pair(ids, w):
        return text.fixed_windows(ids, w)[0]

    assert_rejects("01.2", one_too_many, "one window too many")
    assert_rejects("01.2", shifted, "next word")
    assert_rejects("01.2", not_a_pair, "pair")


# 01.3 window features
def test_01_3():
    def summed(windows, v):
        return text.one_hot(windows, v).sum(axis=1)

    def interleaved(windows, v):
        return text.one_hot(windows, v).transpose(0, 2, 1).reshape(len(windows), -1)

    def sorted_window(windows, v):
        return text.window_features(np.sort(windows, axis=1), v)

    assert_rejects("01.3", summed, "bag of words")
    assert_rejects("01.3", interleaved, "interleaved")
    assert_rejects("01.3", sorted_window, "order")


# 02.1 bag of words
def test_02_1():
    def presence(seqs, v):
        return (text.bag_of_words(seqs, v) > 0).astype("float32")

    def counts_padding(seqs, v):
        return text.bag_of_words(seqs, v, ignore_ids=())

    def normalised(seqs, v):
        b = text.bag_of_words(seqs, v)
        return b / b.sum(1, keepdims=True)

    assert_rejects("02.1", presence, "count")
    assert_rejects("02.1", counts_padding, "padding")
    assert_rejects("02.1", normalised, "normalised")
    assert_rejects("02.1", lambda seqs, v: text.bag_of_words(seqs, v).T, "shape")


# 02.2 bag of bigrams
def test_02_2():
    def swapped(seqs, v):
        out = np.zeros((len(seqs), v * v))
        for r, s in enumerate(seqs):
            np.add.at(out[r], s[1:] * v + s[:-1], 1)
        return out

    def misses_last(seqs, v):
        out = np.zeros((len(seqs), v * v))
        for r, s in enumerate(seqs):
            np.add.at(out[r], s[:-2] * v + s[1:-1], 1)
        return out

    def no_repeats(seqs, v):
        out = np.zeros((len(seqs), v * v))
        for r, s in enumerate(seqs):
            out[r, s[:-1] * v + s[1:]] = 1
        return out

    def wraps(seqs, v):
        out = np.zeros((len(seqs), v * v))
        for r, s in enumerate(seqs):
            np.add.at(out[r], s * v + np.roll(s, -1), 1)
        return out

    assert_rejects("02.2", swapped, "first word first")
    assert_rejects("02.2", misses_last, "last pair")
    assert_rejects("02.2", no_repeats, "twice")
    assert_rejects("02.2", wraps, "too many")
