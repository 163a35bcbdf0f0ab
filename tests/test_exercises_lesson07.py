"""Lesson 07 checkers: each reference passes, each plausible mistake is rejected with a specific hint."""
import numpy as np

from helpers import exercises
from helpers.music import unvectorize, vectorize


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


def _make_cached():
    calls = []

    def to_ids(text, vocab):
        if not calls:
            calls.append({c: i for i, c in enumerate(vocab)})
        return np.array([calls[0][c] for c in text], dtype=np.int64)
    return to_ids


def _sorts_vocab(text, vocab):
    vocab.sort()                                 # sorts the caller's list
    return np.array([vocab.index(c) for c in text], dtype=np.int64)


def _searchsorted(text, vocab):
    return np.searchsorted(sorted(vocab), list(text)).astype(np.int64)


def _no_dtype(text, vocab):
    index = {c: i for i, c in enumerate(vocab)}
    return np.array([index[c] for c in text])   # float64 for the empty text


def _decode_strip(ids, vocab):
    return "".join(vocab[i] for i in ids).strip()


def _index_list(text, vocab):
    return np.array([vocab.index(c) for c in text], dtype=int)


def _decode_map(ids, vocab):
    return "".join(map(vocab.__getitem__, ids.tolist()))


def _fromiter(text, vocab):
    index = dict(zip(vocab, range(len(vocab))))
    return np.fromiter((index[c] for c in text), dtype=np.int32, count=len(text))


def _decode_loop(ids, vocab):
    out = ""
    for i in ids:
        out += vocab[int(i)]
    return out


WRONG = {
    "07.1": [
        ("ids one too large", (_plus_one, unvectorize), ("one too large",)),
        ("the text's own sorted characters", (_own_sorted, unvectorize), ("given vocab",)),
        ("a list (dtype)", (_as_list, unvectorize), ("numpy array",)),
        ("float ids (dtype)", (_as_float, unvectorize), ("integer",)),
        ("no dtype: the empty text gives floats (dtype, one input)", (_no_dtype, unvectorize), ("integer", "empty")),
        ("decodes to a list", (vectorize, _decode_list), ("string",)),
        ("decodes one position off", (vectorize, _decode_shifted), ("one position off",)),
        ("decode strips the ends", (vectorize, _decode_strip), ("strip",)),
        ("only one function", vectorize, ("pair",)),
        ("mapping cached across calls (one input)", (_make_cached(), unvectorize), ("previous vocabulary",)),
        ("positions in the sorted vocabulary (one input)", (_searchsorted, unvectorize), ("sorted",)),
        ("vocab sorted in place", (_sorts_vocab, unvectorize), ("in place", "`vocab`")),
    ],
}

RIGHT = {
    "07.1": [
        ("vocab.index and map", (_index_list, _decode_map)),
        ("np.fromiter int32 and a loop", (_fromiter, _decode_loop)),
    ],
}


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


def sorted_starts(ids, batch, seq_len, rng):
    return _windows(ids, np.sort(_starts(ids, batch, seq_len, rng)), seq_len)


def clustered(ids, batch, seq_len, rng):
    first = rng.integers(0, len(ids) - seq_len - batch)
    return _windows(ids, first + rng.permutation(batch), seq_len)    # neighbours of one random start


def float_ids(ids, batch, seq_len, rng):
    x, y = _windows(ids, _starts(ids, batch, seq_len, rng), seq_len)
    return x.astype(np.float32), y.astype(np.float32)


def hard_coded_length(ids, batch, seq_len, rng):
    return _windows(ids, rng.integers(0, 300 - seq_len, size=batch), seq_len)   # the length of one text


def shuffles_text(ids, batch, seq_len, rng):
    starts = _starts(ids, batch, seq_len, rng)
    x, y = _windows(ids, starts, seq_len)
    rng.shuffle(ids)                              # "more random": shuffles the caller's text
    return x, y


def per_row_loop(ids, batch_size, seq_len, rng):
    xs, ys = [], []
    for _ in range(batch_size):
        s = int(rng.integers(len(ids) - seq_len))
        xs.append(ids[s:s + seq_len])
        ys.append(ids[s + 1:s + seq_len + 1])
    return np.stack(xs), np.stack(ys)


def sliding_windows(ids, batch_size, seq_len, rng):
    windows = np.lib.stride_tricks.sliding_window_view(ids, seq_len + 1)   # (len - seq_len, seq_len + 1)
    picked = windows[rng.choice(len(windows), size=batch_size)]
    return picked[:, :-1].copy(), picked[:, 1:].copy()


WRONG["07.2"] = [
    ("targets not shifted", no_shift, ("off by one",)),
    ("shifted by two", shift_two, ("shifted by two",)),
    ("x and y swapped", swapped, ("swapped",)),
    ("transposed", transposed, ("transposed",)),
    ("consecutive chunks", consecutive_chunks, ("evenly spaced",)),
    ("every row at 0", always_start, ("same position",)),
    ("np.random, not rng", global_random, ("reproducible",)),
    ("never the last start", never_last, ("never reach",)),
    ("a fixed seed inside", fixed_seed_inside, ("not random",)),
    ("sorted starts (rows not independent)", sorted_starts, ("sorted", "independent")),
    ("neighbours of one start (rows not independent)", clustered, ("not independent",)),
    ("float ids (dtype)", float_ids, ("integer",)),
    ("text length hard-coded (one input)", hard_coded_length, ("length 45", "hard-coded")),
    ("shuffles the text in place", shuffles_text, ("in place", "`ids`")),
]

RIGHT["07.2"] = [
    ("one draw per row in a loop", per_row_loop),
    ("sliding_window_view and rng.choice", sliding_windows),
]


def test_stub_is_reported_as_not_attempted():
    def stub(ids, batch_size, seq_len, rng):
        raise NotImplementedError("Exercise 07.2: write your code here")

    passed, message = exercises.evaluate("07.2", stub)
    assert not passed and "not attempted" in message
