"""Lessons 00-02: each checker rejects plausible wrong work with a hint naming the cause, and accepts right work
written differently from the reference (the WRONG/RIGHT convention of tests/exercise_utils.py)."""
import string

import numpy as np

from helpers import text
from tests.exercise_utils import assert_rejects


# ---- 00.1 next-word pairs -------------------------------------------------------------------
def pairs_via_dict(tokens):
    return list(dict(zip(tokens, tokens[1:])).items())


def pairs_via_index(tokens):
    return [(w, tokens[tokens.index(w) + 1]) for w in tokens[:-1]]


def pairs_popping(tokens):
    pairs = []
    while len(tokens) > 1:
        pairs.append((tokens[0], tokens[1]))
        tokens.pop(0)
    return pairs


def pairs_hardcoded_four(tokens):
    return [(tokens[0], tokens[1]), (tokens[1], tokens[2]), (tokens[2], tokens[3])]


# ---- 00.2 left padding -----------------------------------------------------------------------
def pad_right(ids, length, pad=0):
    ids = np.asarray(ids)[:length]
    return np.concatenate([ids, np.full(length - len(ids), pad, dtype=ids.dtype)])


def pad_cut_end(ids, length, pad=0):
    ids = np.asarray(ids)[:length]
    return np.concatenate([np.full(length - len(ids), pad, dtype=ids.dtype), ids])


def pad_ignores_pad(ids, length, pad=0):
    ids = np.asarray(ids)[-length:]
    return np.concatenate([np.zeros(length - len(ids), dtype=ids.dtype), ids])


def pad_float(ids, length, pad=0):
    out = np.full(length, float(pad))
    ids = np.asarray(ids)[-length:]
    out[length - len(ids):] = ids
    return out


def pad_int64(ids, length, pad=0):
    ids = np.asarray(ids)[-length:]
    return np.concatenate([np.full(length - len(ids), pad), ids]).astype(np.int64)


def pad_shift_in_place(ids, length, pad=0):
    if len(ids) >= length:
        ids[:length] = ids[len(ids) - length:]
        return ids[:length].copy()
    return np.concatenate([np.full(length - len(ids), pad, dtype=ids.dtype), ids])


def pad_only_short(ids, length, pad=0):
    return np.concatenate([np.full(max(length - len(ids), 0), pad, dtype=ids.dtype), ids])


def pad_list(ids, length, pad=0):
    return [pad] * (length - len(ids)) + list(ids)[-length:]


def pad_one_short(ids, length, pad=0):
    ids = np.asarray(ids)[-length:]
    return np.concatenate([np.full(length - len(ids) - 1, pad, dtype=ids.dtype), ids])


def pad_np_pad(ids, length, pad=0):
    ids = np.asarray(ids)[max(len(ids) - length, 0):]
    return np.pad(ids, (length - len(ids), 0), constant_values=pad)


def pad_loop(ids, length, pad=0):
    out = np.full(length, pad, dtype=np.asarray(ids).dtype)
    for i in range(min(length, len(ids))):
        out[length - 1 - i] = ids[len(ids) - 1 - i]
    return out


# ---- 01.1 one-hot -----------------------------------------------------------------------------
def one_hot_1d_only(ids, v):
    out = np.zeros((len(ids), v), dtype=np.float32)
    out[np.arange(len(ids)), ids] = 1
    return out


def one_hot_clip_in_place(ids, v):
    np.clip(ids, 0, v - 1, out=ids)
    return np.eye(v, dtype=np.float32)[ids]


def one_hot_flatten_in_place(ids, v):
    shape = ids.shape
    ids.shape = (-1,)
    out = np.eye(v, dtype=np.float32)[ids].reshape(shape + (v,))
    return out


# ---- 01.2 fixed windows -----------------------------------------------------------------------
def windows_hardcoded_2(ids, w):
    return np.stack([ids[:-2], ids[1:-1]], axis=1), ids[2:]


def windows_one_too_many(ids, w):
    return np.stack([ids[i:i + w] for i in range(len(ids) - w + 1)]), ids[w - 1:]


def windows_shifted(ids, w):
    x, _ = text.fixed_windows(ids, w)
    return x, ids[w - 1:-1]


def windows_float(ids, w):
    x = np.zeros((len(ids) - w, w))
    for i in range(len(ids) - w):
        x[i] = ids[i:i + w]
    return x, ids[w:]


def windows_lists(ids, w):
    return [list(ids[i:i + w]) for i in range(len(ids) - w)], list(ids[w:])


def windows_int64(ids, w):
    x, y = text.fixed_windows(ids, w)
    return x.astype(np.int64), y.astype(np.int64)


def windows_in_place(ids, w):
    targets = ids[w:].copy()
    ids[w:] = 0  # "mask" the targets
    return np.stack([ids[i:i + w] for i in range(len(ids) - w)]), targets


def windows_strided(ids, w):
    x = np.lib.stride_tricks.sliding_window_view(ids, w)[:-1]
    return x.copy(), ids[w:].copy()


# ---- 01.3 window features ---------------------------------------------------------------------
def features_summed(windows, v):
    return text.one_hot(windows, v).sum(axis=1)


def features_interleaved(windows, v):
    return text.one_hot(windows, v).transpose(0, 2, 1).reshape(len(windows), -1)


def features_max_id(windows, v):
    return text.one_hot(windows, int(windows.max()) + 1).reshape(len(windows), -1)


def features_two_blocks(windows, v):
    return np.concatenate([text.one_hot(windows[:, 0], v), text.one_hot(windows[:, 1 % windows.shape[1]], v)], 1)


def features_float64(windows, v):
    return np.eye(v)[windows].reshape(len(windows), -1)


def features_sorted(windows, v):
    windows.sort(axis=1)
    return text.window_features(windows, v)


def features_reversed(windows, v):
    return text.window_features(windows[:, ::-1], v)


def features_offsets(windows, v):
    out = np.zeros((len(windows), windows.shape[1] * v), dtype=np.float32)
    for row, window in enumerate(windows):
        out[row, np.arange(len(window)) * v + window] = 1
    return out


# ---- 02.1 bag of words ------------------------------------------------------------------------
def bow_presence(seqs, v):
    return (text.bag_of_words(seqs, v) > 0).astype("float32")


def bow_with_padding(seqs, v):
    return text.bag_of_words(seqs, v, ignore_ids=())


def bow_normalised(seqs, v):
    b = text.bag_of_words(seqs, v)
    return b / np.maximum(b.sum(1, keepdims=True), 1)


def bow_bincount_no_minlength(seqs, v):
    width = max(int(np.max(s)) for s in seqs if len(s)) + 1
    out = np.stack([np.bincount(np.asarray(s, dtype=int), minlength=width) for s in seqs]).astype(np.float32)
    out[:, 0] = 0
    return out


def bow_rectangular_only(seqs, v):
    seqs = np.asarray(seqs)
    out = (seqs[:, :, None] == np.arange(v)).sum(1).astype(np.float32)
    out[:, 0] = 0
    return out


def bow_float64(seqs, v):
    return text.bag_of_words(seqs, v).astype(np.float64)


def bow_zero_padding_in_place(seqs, v):
    out = np.zeros((len(seqs), v), dtype=np.float32)
    for row, seq in enumerate(seqs):
        seq[seq == 0] = v - 1  # move padding into an unused column...
        np.add.at(out[row], seq, 1)
        out[row, v - 1] = 0  # ...and drop it
    return out


def bow_int_counts(seqs, v):
    return text.bag_of_words(seqs, v).astype(np.int64)


def bow_bincount(seqs, v):
    out = np.stack([np.bincount(np.asarray(s, dtype=np.int64), minlength=v) for s in seqs]).astype(np.float32)
    out[:, 0] = 0
    return out


def bow_counter(seqs, v):
    from collections import Counter

    out = np.zeros((len(seqs), v), dtype=np.float32)
    for row, seq in enumerate(seqs):
        for word, count in Counter(int(w) for w in seq if w != 0).items():
            out[row, word] = count
    return out


# ---- 02.2 bag of bigrams ----------------------------------------------------------------------
def _bigram_loop(pairs, dtype=np.float32):
    def candidate(seqs, v):
        out = np.zeros((len(seqs), v * v), dtype=dtype)
        for row, seq in enumerate(seqs):
            for a, b in pairs(np.asarray(seq)):
                out[row, a * v + b] += 1
        return out
    return candidate


def bigrams_no_repeats(seqs, v):
    out = np.zeros((len(seqs), v * v), dtype=np.float32)
    for r, s in enumerate(seqs):
        out[r, s[:-1] * v + s[1:]] = 1
    return out


def bigrams_max_id(seqs, v):
    width = max(int(np.max(s)) for s in seqs if len(s)) + 1
    return _bigram_loop(lambda s: zip(s[:-1], s[1:]))(seqs, width)


def bigrams_in_place(seqs, v):
    out = np.zeros((len(seqs), v * v), dtype=np.float32)
    for r, s in enumerate(seqs):
        s[:-1] = s[:-1] * v + s[1:]  # reuse the array for the pair codes
        np.add.at(out[r], s[:-1], 1)
    return out


def bigrams_2d_array(seqs, v):
    seqs = np.asarray(seqs)
    return _bigram_loop(lambda s: zip(s[:-1], s[1:]))(seqs, v)


def bigrams_bincount(seqs, v):
    return np.stack([np.bincount(np.asarray(s[:-1], dtype=int) * v + np.asarray(s[1:], dtype=int),
                                 minlength=v * v) for s in seqs]).astype(np.float32)


WRONG = {
    "00.1": [
        ("reversed", lambda t: [(t[i + 1], t[i]) for i in range(len(t) - 1)], ("reversed",)),
        ("one pair too few", lambda t: [(t[i], t[i + 1]) for i in range(len(t) - 2)], ("expected 3 pairs",)),
        ("property: wraps around", lambda t: [(t[i], t[(i + 1) % len(t)]) for i in range(len(t))], ("pairs",)),
        ("dtype: a dict", lambda t: {a: b for a, b in zip(t, t[1:])}, ("list",)),
        ("dtype: lists not tuples", lambda t: [[a, b] for a, b in zip(t, t[1:])], ("tuple",)),
        ("dtype: zip object", lambda t: zip(t, t[1:]), ("list",)),
        ("one input: repeated words lost in a dict", pairs_via_dict, ("repeated word",)),
        ("one input: index of the first occurrence", pairs_via_index, ("item",)),
        ("one input: lower-cased", lambda t: [(a.lower(), b.lower()) for a, b in zip(t, t[1:])], ("lower case",)),
        ("one input: punctuation stripped",
         lambda t: [(a.strip(string.punctuation), b.strip(string.punctuation)) for a, b in zip(t, t[1:])],
         ("punctuation",)),
        ("one input: four words hard-coded", pairs_hardcoded_four, ("pairs",)),
        ("in place: pops the caller's list", pairs_popping, ("in place", "tokens")),
    ],
    "00.2": [
        ("padding on the right", pad_right, ("right",)),
        ("cut at the end", pad_cut_end, ("cut at the end", "last 4")),
        ("property: pad value ignored", pad_ignores_pad, ("pad value",)),
        ("property: one pad short", pad_one_short, ("shape",)),
        ("one input: never cuts", pad_only_short, ("shape",)),
        ("dtype: float array", pad_float, ("dtype",)),
        ("dtype: always int64", pad_int64, ("dtype", "int32")),
        ("dtype: a list", pad_list, ("numpy array",)),
        ("in place: shifts the caller's array", pad_shift_in_place, ("in place", "ids")),
    ],
    "01.1": [
        ("property: vocab axis first", lambda ids, v: np.moveaxis(text.one_hot(ids, v), -1, 0), ("last",)),
        ("counts not ones", lambda ids, v: text.one_hot(ids, v) * np.asarray(ids)[..., None], ("exactly one 1",)),
        ("off by one", lambda ids, v: np.eye(v, dtype=np.float32)[np.asarray(ids) - 1], ("off by one",)),
        ("one input: vocab from the data", lambda ids, v: np.eye(ids.max() + 1, dtype=np.float32)[ids],
         ("largest id",)),
        ("one input: 1-D ids only", one_hot_1d_only, ("shape",)),
        ("dtype: float64 from np.eye", lambda ids, v: np.eye(v)[ids], ("float32", "float64")),
        ("dtype: integers", lambda ids, v: (ids[..., None] == np.arange(v)).astype(int), ("float32",)),
        ("dtype: a list", lambda ids, v: text.one_hot(ids, v).tolist(), ("numpy array",)),
        ("in place: clips the ids", lambda ids, v: one_hot_clip_in_place(ids, 3), ("in place",)),
        ("in place: flattens the caller's array", one_hot_flatten_in_place, ("in place", "ids")),
    ],
    "01.2": [
        ("one window too many", windows_one_too_many, ("one window too many",)),
        ("targets shifted", windows_shifted, ("next word",)),
        ("not a pair", lambda ids, w: text.fixed_windows(ids, w)[0], ("pair",)),
        ("one input: window hard-coded to 2", windows_hardcoded_2, ("window argument",)),
        ("property: targets are the windows' last ids", lambda ids, w: (text.fixed_windows(ids, w)[0],
                                                                        text.fixed_windows(ids, w)[0][:, -1]),
         ("next word",)),
        ("dtype: float windows", windows_float, ("dtype",)),
        ("dtype: lists", windows_lists, ("numpy array",)),
        ("dtype: always int64", windows_int64, ("dtype", "int32")),
        ("in place: masks the targets in the caller's array", windows_in_place, ("in place", "ids")),
    ],
    "01.3": [
        ("summed (bag of words)", features_summed, ("bag of words",)),
        ("interleaved", features_interleaved, ("interleaved",)),
        ("property: reversed window", features_reversed, ("order",)),
        ("one input: vocab from the data", features_max_id, ("largest id",)),
        ("one input: two blocks hard-coded", features_two_blocks, ("fixed 2",)),
        ("dtype: float64", features_float64, ("float32",)),
        ("dtype: integers", lambda w, v: text.window_features(w, v).astype(int), ("float32",)),
        ("in place: sorts the windows", features_sorted, ("in place", "windows")),
    ],
    "02.1": [
        ("presence not counts", bow_presence, ("count",)),
        ("property: padding counted", bow_with_padding, ("padding",)),
        ("normalised", bow_normalised, ("normalised",)),
        ("transposed", lambda seqs, v: text.bag_of_words(seqs, v).T, ("shape",)),
        ("one input: vocab from the data", bow_bincount_no_minlength, ("largest id",)),
        ("one input: rectangular arrays only", bow_rectangular_only, ("raised",)),
        ("dtype: float64", bow_float64, ("float32",)),
        ("dtype: integer counts", bow_int_counts, ("float32",)),
        ("in place: rewrites padding in the caller's sequences", bow_zero_padding_in_place, ("in place",)),
    ],
    "02.2": [
        ("swapped column", _bigram_loop(lambda s: zip(s[1:], s[:-1])), ("first word first",)),
        ("last pair missed", _bigram_loop(lambda s: zip(s[:-2], s[1:-1])), ("last pair",)),
        ("property: repeats counted once", bigrams_no_repeats, ("repeated pairs",)),
        ("property: every other pair", _bigram_loop(lambda s: zip(s[:-1:2], s[1::2])), ("every other pair",)),
        ("property: wraps around", _bigram_loop(lambda s: zip(s, np.roll(s, -1))), ("too many",)),
        ("property: padding pairs skipped", _bigram_loop(lambda s: ((a, b) for a, b in zip(s[:-1], s[1:]) if a and b)),
         ("padding",)),
        ("one input: vocab from the data", bigrams_max_id, ("largest id",)),
        ("one input: rectangular arrays only", bigrams_2d_array, ("raised",)),
        ("dtype: float64", _bigram_loop(lambda s: zip(s[:-1], s[1:]), dtype=np.float64), ("float32",)),
        ("in place: scales the caller's ids", bigrams_in_place, ("in place",)),
    ],
}

RIGHT = {
    "00.1": [
        ("zip", lambda t: list(zip(t[:-1], t[1:]))),
        ("loop with previous word", lambda t: [(p, w) for p, w in zip(t, t[1:])]),
        ("enumerate", lambda t: [(w, t[i + 1]) for i, w in enumerate(t) if i + 1 < len(t)]),
    ],
    "00.2": [("np.pad", pad_np_pad), ("a loop from the end", pad_loop)],
    "01.1": [
        ("comparison with arange", lambda ids, v: (np.asarray(ids)[..., None] == np.arange(v)).astype("float32")),
        ("put_along_axis", lambda ids, v: np.put_along_axis(out := np.zeros(ids.shape + (v,), np.float32),
                                                           ids[..., None], 1, axis=-1) or out),
    ],
    "01.2": [("sliding_window_view", windows_strided),
             ("index arithmetic", lambda ids, w: (ids[np.arange(len(ids) - w)[:, None] + np.arange(w)], ids[w:]))],
    "01.3": [("offsets", features_offsets),
             ("concatenate per position",
              lambda w, v: np.concatenate([text.one_hot(w[:, i], v) for i in range(w.shape[1])], axis=1))],
    "02.1": [("bincount", bow_bincount), ("Counter", bow_counter)],
    "02.2": [("bincount", bigrams_bincount),
             ("pairs loop", _bigram_loop(lambda s: [(s[i], s[i + 1]) for i in range(len(s) - 1)]))],
}


def test_hints_show_plain_numbers():
    message = assert_rejects("00.2", pad_ignores_pad)
    assert "np.int" not in message
