"""Lesson 01 exercises: one-hot vectors, fixed windows, window features."""
import numpy as np

from .. import text
from . import draws
from . import Mismatch, expect_close, expect_dtype, expect_equal, expect_shape, name_mistake, register, run


def _one_hot_cases():
    rng = draws.rng(1)
    return [
        (np.array([[0, 2], [3, 1]]), 4),
        (np.array([4, 0, 2]), 5),
        (rng.integers(0, 5, size=(2, 3, 4)), 9),        # vocabulary larger than the largest id present
        (np.array([1, 1, 3], dtype=np.int32), 6),       # repeated ids, int32
        (np.array([], dtype=np.int64), 3),              # no ids
    ]


@register("01.1", "One-hot encoding", text.one_hot)
def check_one_hot(candidate):
    for ids, vocab_size in _one_hot_cases():
        what = f"one_hot(ids of shape {ids.shape}, vocab_size={vocab_size})"
        got = run(candidate, ids, vocab_size)
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{what}: expected a numpy array, got {type(got).__name__}")
        want = text.one_hot(ids, vocab_size)
        if ids.size and got.shape == ids.shape + (int(ids.max()) + 1,) and ids.max() + 1 != vocab_size:
            raise Mismatch(f"{what}: the last axis must have vocab_size = {vocab_size} entries, got "
                           f"{got.shape[-1]} (the largest id + 1?): use the vocab_size argument, a vocabulary "
                           "can have words that do not occur in these ids")
        if ids.ndim >= 1 and got.shape == (vocab_size,) + ids.shape and ids.ndim >= 1:
            raise Mismatch(f"{what}: the vocabulary axis must be last: expected shape {want.shape}, got {got.shape}")
        got = expect_shape(what, got, want.shape)
        if got.size and not np.allclose(got.sum(-1), 1):
            raise Mismatch(f"{what}: each one-hot vector must contain exactly one 1, got sums "
                           f"{np.unique(got.sum(-1)).tolist()}")
        off_by_one = "off by one: id k must light up position k (ids start at 0)"
        name_mistake(what, got, want, [(off_by_one, text.one_hot((ids - 1) % vocab_size, vocab_size)),
                                       (off_by_one, text.one_hot((ids + 1) % vocab_size, vocab_size))])
        expect_close(what, got, want)
        expect_dtype(what, got, np.float32)


def _window_cases():
    rng = draws.rng(2)
    return [
        (np.array([10, 11, 12, 13, 14]), 2),
        (np.array([3, 1, 4, 1, 5, 9, 2]), 3),
        (np.array([7, 8, 9], dtype=np.int32), 1),
        (rng.integers(0, 20, size=6), 5),                # exactly one window
        (rng.integers(0, 20, size=12), 4),
    ]


@register("01.2", "Fixed windows", text.fixed_windows)
def check_fixed_windows(candidate):
    for ids, window in _window_cases():
        what = f"fixed_windows({ids.tolist()}, window={window})"
        result = run(candidate, ids, window)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise Mismatch(f"{what}: expected a pair (inputs, targets), got {type(result).__name__}")
        inputs, targets = result
        want_x, want_y = text.fixed_windows(ids, window)
        for name, value in (("inputs", inputs), ("targets", targets)):
            if not isinstance(value, np.ndarray):
                raise Mismatch(f"{what}: {name} must be a numpy array, got {type(value).__name__}")
        if inputs.ndim == 2 and inputs.shape[1] != window:
            raise Mismatch(f"{what}: each window must have `window` = {window} ids, got {inputs.shape[1]} "
                           "columns: use the window argument, not a fixed number")
        if inputs.shape == (len(ids) - window + 1, window):
            raise Mismatch(f"{what}: one window too many: the last window has no next word to predict. "
                           f"Expected inputs of shape {want_x.shape}, got {inputs.shape}")
        expect_shape(f"{what}: inputs", inputs, want_x.shape)
        expect_shape(f"{what}: targets", targets, want_y.shape)
        if np.array_equal(targets, ids[window - 1:-1]) and not np.array_equal(want_y, ids[window - 1:-1]):
            raise Mismatch(f"{what}: targets are shifted: the target of window {want_x[0].tolist()} is the NEXT "
                           f"word {want_y[0]}, not {ids[window - 1]}")
        expect_equal(f"{what}: inputs", inputs, want_x)
        expect_equal(f"{what}: targets", targets, want_y)
        for name, value in (("inputs", inputs), ("targets", targets)):
            expect_dtype(f"{what}: {name} (ids keep the dtype of `ids`)", value, ids.dtype)


def _feature_cases():
    rng = draws.rng(3)
    return [
        (np.array([[1, 2], [2, 1], [0, 3]]), 4),
        (rng.integers(0, 4, size=(4, 3)), 7),            # vocabulary larger than the largest id present
        (np.array([[5], [0]], dtype=np.int32), 6),       # window 1
        (rng.integers(0, 9, size=(2, 5)), 9),
    ]


@register("01.3", "Window features", text.window_features)
def check_window_features(candidate):
    for windows, vocab_size in _feature_cases():
        batch, window = windows.shape
        what = f"window_features(windows of shape {windows.shape}, vocab_size={vocab_size})"
        got = run(candidate, windows, vocab_size)
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{what}: expected a numpy array, got {type(got).__name__}")
        want = text.window_features(windows, vocab_size)
        if got.shape == (batch, vocab_size) and window > 1:
            raise Mismatch(f"{what}: got one vector of size vocab_size per window: the one-hots were summed (that is "
                           f"a bag of words). Concatenate them so each position has its own block: expected shape "
                           f"{want.shape}")
        largest = int(windows.max()) + 1
        if got.shape == (batch, window * largest) and largest != vocab_size:
            raise Mismatch(f"{what}: expected shape {want.shape} (window * vocab_size), got {got.shape}: the blocks "
                           "have the largest id + 1 entries; use the vocab_size argument")
        if window != 2 and got.shape[-1:] == (2 * vocab_size,):
            raise Mismatch(f"{what}: expected {window} blocks (one per position of the window), got 2: "
                           "use the window's own length, not a fixed 2")
        expect_shape(what, got, want.shape)
        name_mistake(what, got, want, {
            "blocks are interleaved: put position 0's one-hot first (columns 0 to V-1), then position 1's; reshape "
            "the (batch, window, vocab) array without transposing":
                text.one_hot(windows, vocab_size).transpose(0, 2, 1).reshape(batch, -1),
            "word order inside the window is lost (the words were sorted or reversed)":
                text.window_features(np.sort(windows, axis=1), vocab_size),
            "word order inside the window is lost (the words were reversed)":
                text.window_features(windows[:, ::-1], vocab_size),
        })
        expect_close(what, got, want)
        expect_dtype(what, got, np.float32)
