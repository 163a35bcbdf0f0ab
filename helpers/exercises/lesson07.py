"""Lesson 07 exercises: characters to ids and back (07.1), random training batches (07.2)."""
from __future__ import annotations

import numpy as np

from ..music import random_batch, unvectorize, vectorize
from . import Mismatch, expect_equal, register

_VOCAB = list("\n |:ABCDEGKMTXabcdefg/12")   # not the text's own sorted set: ids must come from this list
_TEXT = "X:1\nK:G\n|:GAB c2d|ed BA:|\n"


def _is_int_array(value) -> bool:
    return isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.integer)


@register("07.1", "Characters to ids and back", (vectorize, unvectorize))
def check_vectorize(candidate):
    if not (isinstance(candidate, tuple) and len(candidate) == 2 and all(callable(f) for f in candidate)):
        raise Mismatch("expected the pair (text_to_ids, ids_to_text) of two functions, "
                       f"got {type(candidate).__name__}")
    to_ids, to_text = candidate
    want = vectorize(_TEXT, _VOCAB)
    got = to_ids(_TEXT, _VOCAB)
    if not isinstance(got, np.ndarray):
        raise Mismatch(f"text_to_ids: expected a numpy array of integer ids, got {type(got).__name__} "
                       "(wrap the list in np.array(..., dtype=np.int64))")
    if not _is_int_array(got):
        raise Mismatch(f"text_to_ids: expected integer ids, got dtype {got.dtype} (Embedding needs integers)")
    if got.shape != want.shape:
        raise Mismatch(f"text_to_ids: expected one id per character, shape {want.shape}, got {got.shape}")
    if np.array_equal(got, want + 1):
        raise Mismatch("text_to_ids: every id is one too large: ids start at 0, the position in vocab")
    own = {c: i for i, c in enumerate(sorted(set(_TEXT)))}
    if np.array_equal(got, [own[c] for c in _TEXT]):
        raise Mismatch("text_to_ids: the ids follow the text's own characters; use the position of each "
                       "character in the given vocab (vocab[id] == character)")
    expect_equal("text_to_ids(text, vocab)", got, want)
    empty = to_ids("", _VOCAB)
    if np.shape(empty) != (0,):
        raise Mismatch(f"text_to_ids(''): expected an empty array of shape (0,), got shape {np.shape(empty)}")
    back = to_text(want, _VOCAB)
    if not isinstance(back, str):
        raise Mismatch(f"ids_to_text: expected a string, got {type(back).__name__} (join the characters: ''.join(...))")
    if back != _TEXT:
        shifted = "".join(_VOCAB[(i + 1) % len(_VOCAB)] for i in want)
        hint = " (looks one position off: vocab[id] is the character)" if back == shifted else ""
        raise Mismatch(f"ids_to_text: expected {_TEXT[:20]!r}..., got {back[:20]!r}...{hint}")
    expect_equal("ids_to_text(text_to_ids(text)) round trip", to_text(to_ids("GAB|", _VOCAB), _VOCAB), "GAB|")


def _starts_of(x) -> np.ndarray:
    return np.asarray(x)[:, 0]


@register("07.2", "Random batches of inputs and next-character targets", random_batch)
def check_random_batch(candidate):
    n, batch, seq_len = 300, 64, 20
    ids = np.arange(n, dtype=np.int64)          # id == position, so a window shows where it came from
    out = candidate(ids, batch, seq_len, np.random.default_rng(0))
    if not (isinstance(out, tuple) and len(out) == 2):
        raise Mismatch(f"expected a pair (x, y), got {type(out).__name__}")
    x, y = (np.asarray(a.numpy() if hasattr(a, "numpy") else a) for a in out)
    if x.shape == (seq_len, batch) or y.shape == (seq_len, batch):
        raise Mismatch(f"x and y: expected shape (batch, time) = {(batch, seq_len)}, got {x.shape} and {y.shape} "
                       "(transposed: one row per example)")
    if x.shape != (batch, seq_len) or y.shape != (batch, seq_len):
        raise Mismatch(f"x and y: expected shape (batch, time) = {(batch, seq_len)}, got {x.shape} and {y.shape}")
    if not (np.issubdtype(x.dtype, np.integer) and np.issubdtype(y.dtype, np.integer)):
        raise Mismatch(f"x and y: expected integer ids, got dtypes {x.dtype} and {y.dtype}")
    if not np.all(np.diff(x, axis=1) == 1):
        raise Mismatch("x: each row must be one contiguous window of the text, ids[s : s + seq_len]")
    if np.array_equal(y, x):
        raise Mismatch("y equals x: the target is the NEXT character, y[b] = ids[s + 1 : s + seq_len + 1] "
                       "(off by one)")
    if np.array_equal(x, y + 1):
        raise Mismatch("x and y are swapped: x is the input ids[s : s + seq_len], y the next characters")
    if np.array_equal(y, x + 2):
        raise Mismatch("y is shifted by two characters: shift by exactly one (off by one)")
    if not np.array_equal(y, x + 1):
        raise Mismatch("y: expected the next character for every position, y[b, t] = x[b, t] of the following "
                       "position (ids shifted by one)")
    starts = _starts_of(x)
    if len(set(starts.tolist())) == 1:
        raise Mismatch(f"every row starts at the same position ({int(starts[0])}): draw a random start per row")
    if len(set(np.diff(starts).tolist())) == 1:
        raise Mismatch("the starts are evenly spaced: a batch must be a random sample of windows, "
                       "not consecutive chunks of the text")
    again = _starts_of(candidate(ids, batch, seq_len, np.random.default_rng(0))[0])
    if not np.array_equal(starts, again):
        raise Mismatch("not reproducible: the same seed gave a different batch; draw the starts with the "
                       "given rng (rng.integers), not np.random or random")
    rng = np.random.default_rng(1)
    first = _starts_of(candidate(ids, batch, seq_len, rng)[0])
    second = _starts_of(candidate(ids, batch, seq_len, rng)[0])
    if np.array_equal(first, second):
        raise Mismatch("two calls with the same rng gave the same batch: the batch is not random")
    seen = np.concatenate([_starts_of(candidate(ids, batch, seq_len, rng)[0]) for _ in range(60)])
    last = n - seq_len - 1
    if seen.max() > last:
        raise Mismatch(f"a window starts at {int(seen.max())}: its targets would run past the end of the text "
                       f"(the last valid start is len(ids) - seq_len - 1 = {last})")
    if seen.min() > 0 or seen.max() < last:
        raise Mismatch(f"the starts never reach {0 if seen.min() > 0 else last} in {len(seen)} draws: use every "
                       f"valid start 0 ... len(ids) - seq_len - 1 = {last} (rng.integers(0, len(ids) - seq_len))")
    small = candidate(np.array([3, 1, 4, 1, 5], dtype=np.int64), 2, 4, np.random.default_rng(2))
    expect_equal("x for ids [3, 1, 4, 1, 5], seq_len 4", np.asarray(small[0]), np.array([[3, 1, 4, 1]] * 2))
    expect_equal("y for ids [3, 1, 4, 1, 5], seq_len 4", np.asarray(small[1]), np.array([[1, 4, 1, 5]] * 2))
