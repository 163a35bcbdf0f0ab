"""Lesson 01 exercises: one-hot vectors, fixed windows, window features."""
import numpy as np

from .. import text
from . import Mismatch, expect_close, expect_equal, expect_shape, register


@register("01.1", "One-hot encoding", text.one_hot)
def check_one_hot(candidate):
    ids = np.array([[0, 2], [3, 1]])
    got = np.asarray(candidate(ids, 4))
    want = text.one_hot(ids, 4)
    if got.shape == (2, 4, 2) and np.array_equal(got, np.transpose(want, (0, 2, 1))):
        raise Mismatch("the vocabulary axis must be last: expected shape (2, 2, 4) = (..., vocab_size), got (2, 4, 2)")
    got = expect_shape("one_hot(ids of shape (2, 2), vocab_size=4)", got, (2, 2, 4))
    sums = got.sum(axis=-1)
    if not np.allclose(sums, 1):
        raise Mismatch(f"each one-hot vector must contain exactly one 1, got row sums {sums.ravel().tolist()}")
    if np.array_equal(np.argmax(got, -1), (ids - 1) % 4) or np.array_equal(np.argmax(got, -1), (ids + 1) % 4):
        raise Mismatch("off by one: id k must light up position k (ids start at 0)")
    expect_close("one_hot(ids, 4)", got, want)
    expect_shape("one_hot of a 1-D array of 3 ids, vocab 5", candidate(np.array([4, 0, 2]), 5), (3, 5))


@register("01.2", "Fixed windows", text.fixed_windows)
def check_fixed_windows(candidate):
    ids = np.array([10, 11, 12, 13, 14])
    result = candidate(ids, 2)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise Mismatch(f"expected a pair (inputs, targets), got {type(result).__name__}")
    inputs, targets = (np.asarray(r) for r in result)
    want_x, want_y = text.fixed_windows(ids, 2)
    if inputs.shape == (4, 2):
        raise Mismatch("one window too many: the last window has no next word to predict. "
                       f"For 5 ids and window 2 expected inputs of shape {want_x.shape}, got {inputs.shape}")
    expect_shape("inputs for 5 ids, window 2", inputs, want_x.shape)
    if targets.shape == want_y.shape and np.array_equal(targets, ids[1:4]):
        raise Mismatch("targets are shifted: the target of window [10, 11] is the NEXT word 12, not 11")
    expect_equal("inputs", inputs, want_x)
    expect_equal("targets", targets, want_y)


@register("01.3", "Window features", text.window_features)
def check_window_features(candidate):
    windows = np.array([[1, 2], [2, 1], [0, 3]])
    got = np.asarray(candidate(windows, 4))
    want = text.window_features(windows, 4)
    if got.shape == (3, 4):
        raise Mismatch("got one vector of size vocab_size per window: the one-hots were summed (that is a bag "
                       "of words). Concatenate them so each position has its own block: expected shape (3, 8)")
    expect_shape("window_features(windows of shape (3, 2), vocab_size=4)", got, want.shape)
    vocab_major = text.one_hot(windows, 4).transpose(0, 2, 1).reshape(3, -1)
    if np.array_equal(got, vocab_major):
        raise Mismatch("blocks are interleaved: put position 0's one-hot first (columns 0-3), then position 1's "
                       "(columns 4-7); reshape the (batch, window, vocab) array without transposing")
    if np.array_equal(got[0], got[1]):
        raise Mismatch("windows [1, 2] and [2, 1] got the same features: word order inside the window is lost")
    expect_close("window_features", got, want)
