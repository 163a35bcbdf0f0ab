"""Lesson 07 exercises: characters to ids and back (07.1), random training batches (07.2)."""
from __future__ import annotations

import numpy as np

from ..music import random_batch, unvectorize, vectorize
from . import draws
from . import Mismatch, register
from ._lesson_inputs import call, expect_same_ints, plain, plain_list

_VOCAB = list("\n |:ABCDEGKMTXabcdefg/12")   # not the text's own sorted set: ids must come from this list
_TEXT = "X:1\nK:G\n|:GAB c2d|ed BA:|\n"


def _is_int_array(value) -> bool:
    return isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.integer)


_VOCAB2 = list("gfedcbaGFEDCBA|: \n/21KXTMz")   # a second vocabulary: the same characters at other ids, and more


def _text_cases():
    yield _TEXT, _VOCAB
    yield _TEXT, _VOCAB2                        # the same text, another vocabulary: nothing cached
    yield "aaaa||::", _VOCAB2                   # repeated characters, ids near the end of the vocabulary
    yield "", _VOCAB                            # the empty text


def _string_diff(what: str, got: str, want: str) -> str:
    """Where two strings first differ, with a few characters of context on both sides."""
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    lo = max(0, at - 8)
    return (f"{what}: differs at character {at} (of {len(want)}): expected ...{want[lo:at + 8]!r}..., "
            f"got ...{got[lo:at + 8]!r}... (length {len(got)})")


@register("07.1", "Characters to ids and back", (vectorize, unvectorize))
def check_vectorize(candidate):
    if not (isinstance(candidate, tuple) and len(candidate) == 2 and all(callable(f) for f in candidate)):
        raise Mismatch("expected the pair (text_to_ids, ids_to_text) of two functions, "
                       f"got {type(candidate).__name__}")
    to_ids, to_text = candidate
    for number, (text, vocab) in enumerate(_text_cases()):
        where = f"text_to_ids({text[:12]!r}{'...' if len(text) > 12 else ''}, a vocab of {len(vocab)} characters)"
        want = vectorize(text, vocab)
        got = call("text_to_ids", to_ids, ("text", "vocab"), (text, vocab), where=where, first=number == 0)
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{where}: expected a numpy array of integer ids, got {type(got).__name__} "
                           "(wrap the list in np.array(..., dtype=np.int64))")
        if not _is_int_array(got):
            empty = " (np.array([]) of an empty list is float64: give the dtype)" if not text else ""
            raise Mismatch(f"{where}: expected integer ids, got dtype {got.dtype}{empty} "
                           "(an Embedding layer needs integers)")
        if got.shape != want.shape:
            raise Mismatch(f"{where}: expected one id per character, shape {want.shape}, got {got.shape}")
        if np.array_equal(got, want):
            continue
        if np.array_equal(got, want + 1):
            raise Mismatch(f"{where}: every id is one too large: ids start at 0, the position in vocab")
        own = {c: i for i, c in enumerate(sorted(set(text)))}
        if np.array_equal(got, [own[c] for c in text]):
            raise Mismatch(f"{where}: the ids follow the text's own characters; use the position of each "
                           "character in the given vocab (vocab[id] == character)")
        if number == 1 and np.array_equal(got, vectorize(text, _VOCAB)):
            raise Mismatch(f"{where}: these are the ids of the previous vocabulary: build the mapping from the "
                           "vocab you are given at every call (nothing cached between calls)")
        if np.array_equal(got, np.searchsorted(sorted(vocab), list(text))):
            raise Mismatch(f"{where}: the ids are positions in the SORTED vocabulary; the vocab you are given "
                           "need not be sorted: the id is the character's position in vocab itself")
        expect_same_ints(where, got, want)
    for number, (text, vocab) in enumerate(_text_cases()):
        ids = vectorize(text, vocab)
        for dtype in (np.int64, np.int32):
            where = f"ids_to_text(ids of {text[:12]!r}{'...' if len(text) > 12 else ''}, dtype {np.dtype(dtype)})"
            back = call("ids_to_text", to_text, ("ids", "vocab"), (ids.astype(dtype), vocab), where=where,
                        first=number == 0)
            if not isinstance(back, str):
                raise Mismatch(f"{where}: expected a string, got {type(back).__name__} "
                               "(join the characters: ''.join(...))")
            if back != text:
                shifted = "".join(vocab[(i + 1) % len(vocab)] for i in ids)
                if back == shifted:
                    raise Mismatch(f"{where}: one position off: vocab[id] is the character")
                if back == text.strip():
                    raise Mismatch(f"{where}: the spaces and line breaks at the ends are gone (strip?): "
                                   "they are characters of the tune too")
                raise Mismatch(_string_diff(where, back, text))
    for text in ("GAB|", "|:d2 e:|\n"):
        where = f"ids_to_text(text_to_ids({text!r}))"
        back = to_text(to_ids(text, _VOCAB2), _VOCAB2)
        if back != text:
            raise Mismatch(f"{where}: the round trip must give the text back, got {back!r}")


def _starts_of(x) -> np.ndarray:
    return np.asarray(x)[:, 0]


_BATCH_ARGS = ("ids", "batch_size", "seq_len", "rng")


def _pair(where, out, batch, seq_len):
    """The candidate's (x, y) as integer arrays of shape (batch, seq_len), or a Mismatch."""
    if not (isinstance(out, tuple) and len(out) == 2):
        raise Mismatch(f"{where}: expected a pair (x, y), got {type(out).__name__}")
    x, y = (np.asarray(a.numpy() if hasattr(a, "numpy") else a) for a in out)
    if (batch != seq_len) and (x.shape == (seq_len, batch) or y.shape == (seq_len, batch)):
        raise Mismatch(f"{where}: x and y: expected shape (batch, time) = {(batch, seq_len)}, got {x.shape} and "
                       f"{y.shape} (transposed: one row per example)")
    if x.shape != (batch, seq_len) or y.shape != (batch, seq_len):
        raise Mismatch(f"{where}: x and y: expected shape (batch, time) = {(batch, seq_len)}, got {x.shape} and "
                       f"{y.shape}")
    if not (np.issubdtype(x.dtype, np.integer) and np.issubdtype(y.dtype, np.integer)):
        raise Mismatch(f"{where}: x and y: expected integer ids (an Embedding needs integers), got dtypes "
                       f"{x.dtype} and {y.dtype}")
    return x, y


def _batch(candidate, ids, batch, seq_len, rng, where, first=False):
    out = call("random_batch", candidate, _BATCH_ARGS, (ids, batch, seq_len, rng), keep=("rng",), where=where,
               first=first)
    return _pair(where, out, batch, seq_len)


@register("07.2", "Random batches of inputs and next-character targets", random_batch)
def check_random_batch(candidate):
    n, batch, seq_len = 300, 64, 20
    ids = np.arange(n, dtype=np.int64)          # id == position, so a window shows where it came from
    where = f"random_batch(ids of length {n}, batch_size={batch}, seq_len={seq_len})"
    x, y = _batch(candidate, ids, batch, seq_len, draws.rng(0), where, first=True)
    if not np.all(np.diff(x, axis=1) == 1):
        raise Mismatch(f"{where}: x: each row must be one contiguous window of the text, ids[s : s + seq_len]")
    if np.array_equal(y, x):
        raise Mismatch(f"{where}: y equals x: the target is the NEXT character, y[b] = ids[s + 1 : s + seq_len + 1] "
                       "(off by one)")
    if np.array_equal(x, y + 1):
        raise Mismatch(f"{where}: x and y are swapped: x is the input ids[s : s + seq_len], y the next characters")
    if np.array_equal(y, x + 2):
        raise Mismatch(f"{where}: y is shifted by two characters: shift by exactly one (off by one)")
    if not np.array_equal(y, x + 1):
        row = int(np.flatnonzero(np.any(y != x + 1, axis=1))[0])
        raise Mismatch(f"{where}: y: expected the next character for every position, y[b, t] = ids[s + t + 1]; "
                       f"row {row} starts at {plain(x[row, 0])} but its targets are {plain_list(y[row, :5])}...")
    starts = _starts_of(x)
    if len(set(starts.tolist())) == 1:
        raise Mismatch(f"{where}: every row starts at the same position ({plain(starts[0])}): draw a random "
                       "start per row")
    if len(set(np.diff(starts).tolist())) == 1:
        raise Mismatch(f"{where}: the starts are evenly spaced: a batch must be a random sample of windows, "
                       "not consecutive chunks of the text")
    again = _starts_of(_batch(candidate, ids, batch, seq_len, draws.rng(0), where)[0])
    if not np.array_equal(starts, again):
        raise Mismatch(f"{where}: not reproducible: the same seed gave a different batch; draw the starts with "
                       "the given rng (rng.integers), not np.random or random")
    rng = draws.rng(1)
    first = _starts_of(_batch(candidate, ids, batch, seq_len, rng, where)[0])
    second = _starts_of(_batch(candidate, ids, batch, seq_len, rng, where)[0])
    if np.array_equal(first, second):
        raise Mismatch(f"{where}: two calls with the same rng gave the same batch: the batch is not random "
                       "(a new generator made inside the function?)")
    _check_independent_rows(candidate)
    seen = np.concatenate([_starts_of(_batch(candidate, ids, batch, seq_len, rng, where)[0]) for _ in range(60)])
    last = n - seq_len - 1
    if seen.max() > last:
        raise Mismatch(f"{where}: a window starts at {plain(seen.max())}: its targets would run past the end of "
                       f"the text (the last valid start is len(ids) - seq_len - 1 = {last})")
    if seen.min() > 0 or seen.max() < last:
        raise Mismatch(f"{where}: the starts never reach {0 if seen.min() > 0 else last} in {len(seen)} draws: use "
                       f"every valid start 0 ... len(ids) - seq_len - 1 = {last} "
                       "(rng.integers(0, len(ids) - seq_len))")
    _check_other_texts(candidate)


def _check_independent_rows(candidate):
    """Rows of a batch are independent draws: not sorted, not tied to each other by an offset."""
    n, batch, seq_len = 45, 4, 4
    ids = np.arange(n, dtype=np.int64)
    where = f"random_batch(ids of length {n}, batch_size={batch}, seq_len={seq_len}), 300 batches"
    rng = draws.rng(7)
    starts = np.stack([_starts_of(_batch(candidate, ids, batch, seq_len, rng, where)[0]) for _ in range(300)])
    if np.all(np.diff(starts, axis=1) >= 0):
        raise Mismatch(f"{where}: the starts of every batch come sorted; the rows of a batch must be independent "
                       "draws (sorting makes row 0 near the beginning of the text, the last row near its end)")
    for a in range(batch):
        for b in range(a + 1, batch):
            offsets = len(set((starts[:, b] - starts[:, a]).tolist()))
            spread = starts[:, a].std() and starts[:, b].std()
            corr = float(np.corrcoef(starts[:, a], starts[:, b])[0, 1]) if spread else 1.0
            if offsets < 20 or abs(corr) > 0.4:
                raise Mismatch(f"{where}: rows {a} and {b} are not independent draws (correlation {corr:.2f}, "
                               f"{offsets} distinct distances between their starts): draw every row's start on its "
                               "own, e.g. rng.integers(0, len(ids) - seq_len, size=batch_size)")
    last = n - seq_len - 1
    for row in range(batch):        # near both ends: a correct draw misses the band with chance below 1e-15
        if starts[:, row].min() > 4 or starts[:, row].max() < last - 4:
            band = "0 ... 4" if starts[:, row].min() > 4 else f"{last - 4} ... {last}"
            raise Mismatch(f"{where}: the starts of row {row} never reach {band} in 300 batches: every row may "
                           f"start anywhere in 0 ... len(ids) - seq_len - 1 = {last} "
                           "(rng.integers(0, len(ids) - seq_len))")


def _check_other_texts(candidate):
    """Another text (not id == position, int32), other sizes, and the shortest text that fits."""
    rng = draws.rng(3)
    text = rng.integers(0, 30, size=57).astype(np.int32)
    for number, (batch, seq_len) in enumerate(((5, 9), (1, 1), (3, 56))):
        where = f"random_batch(int32 ids of length 57, batch_size={batch}, seq_len={seq_len})"
        x, y = _batch(candidate, text, batch, seq_len, draws.rng(number), where)
        windows = np.lib.stride_tricks.sliding_window_view(text, seq_len + 1)       # every valid window + target
        for row in range(batch):
            both = np.concatenate([x[row], y[row, -1:]])
            if not np.array_equal(x[row, 1:], y[row, :-1]) or not np.any(np.all(windows == both, axis=1)):
                raise Mismatch(f"{where}: row {row} is not a window of ids with its next characters: expected "
                               f"x[{row}] = ids[s : s + {seq_len}] and y[{row}] = ids[s + 1 : s + {seq_len + 1}] "
                               f"for one start s, got x[{row}] = {plain_list(x[row, :8])}"
                               f"{'...' if seq_len > 8 else ''}")
    small = np.array([3, 1, 4, 1, 5], dtype=np.int64)
    x, y = _batch(candidate, small, 2, 4, draws.rng(2), "random_batch(ids [3, 1, 4, 1, 5], "
                  "batch_size=2, seq_len=4), where only start 0 fits")
    expect_same_ints("x for ids [3, 1, 4, 1, 5], seq_len 4 (only start 0 fits)", x, np.array([[3, 1, 4, 1]] * 2))
    expect_same_ints("y for ids [3, 1, 4, 1, 5], seq_len 4 (only start 0 fits)", y, np.array([[1, 4, 1, 5]] * 2))
