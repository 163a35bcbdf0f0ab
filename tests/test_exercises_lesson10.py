"""Lesson 10 checkers: correct-but-different work passes, plausible wrong work is rejected with a hint."""
import numpy as np
import pytest

from helpers import exercises
from helpers.self_attention import MASKED_SCORE, softmax


IDS = ("10.1", "10.2", "10.3", "10.4")


# ---- 10.1 scaled dot-product attention ----------------------------------------------------------

def _attend(q, k, v, mask, *, scale=None, axis=-1, fill=MASKED_SCORE, invert=False, stable=True, values=None):
    scores = q @ np.swapaxes(k, -1, -2) / (np.sqrt(q.shape[-1]) if scale is None else scale)
    if mask is not None:
        keep = ~mask if invert else mask
        scores = np.where(keep, scores, fill)
    if stable:
        w = softmax(scores, axis=axis)
    else:
        e = np.exp(scores)
        w = e / e.sum(axis=axis, keepdims=True)
    return w @ (v if values is None else values), w


def att_einsum(q, k, v, mask):
    scores = np.einsum("...qd,...kd->...qk", q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(-1, keepdims=True)
    w = np.exp(scores)
    w /= w.sum(-1, keepdims=True)
    return np.einsum("...qk,...kv->...qv", w, v), w


def att_float32(q, k, v, mask):
    out, w = _attend(q.astype(np.float32), k.astype(np.float32), v.astype(np.float32), mask)
    return out.astype(np.float32), w.astype(np.float32)


def att_in_place(q, k, v, mask):
    q /= np.sqrt(q.shape[-1])                              # writes into the caller's array
    return _attend(q, k, v, mask, scale=1.0)


def att_no_mask(q, k, v, mask):
    return _attend(q, k, v, None)


def att_zero_mask(q, k, v, mask):
    return _attend(q, k, v, mask, fill=0.0)


def att_renormalise_forgotten(q, k, v, mask):
    _, w = _attend(q, k, v, None)
    w = w * (mask if mask is not None else 1)
    return w @ v, w


def att_keys_as_values(q, k, v, mask):
    return _attend(q, k, v, mask, values=k)


def att_boolean_index(q, k, v, mask):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.copy()
        scores[~mask] = MASKED_SCORE          # works only for a mask of the scores' full shape
    return _attend(q, k, v, None) if mask is None else (softmax(scores) @ v, softmax(scores))


def att_mask_after_max(q, k, v, mask):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    scores = scores - scores.max(axis=-1, keepdims=True)   # the maximum may be a masked key's
    if mask is not None:
        scores = np.where(mask, scores, MASKED_SCORE)
    e = np.exp(scores)
    w = e / e.sum(axis=-1, keepdims=True)
    return w @ v, w


WRONG = {
    "10.1": [
        ("no scaling", lambda q, k, v, m: _attend(q, k, v, m, scale=1.0), ("not scaled", "sqrt(d)")),
        ("scaled by d", lambda q, k, v, m: _attend(q, k, v, m, scale=q.shape[-1]), ("instead of sqrt(d)",)),
        ("scaled by sqrt(d_v)", lambda q, k, v, m: _attend(q, k, v, m, scale=np.sqrt(v.shape[-1])), ("d_v",)),
        ("softmax over the queries", lambda q, k, v, m: _attend(q, k, v, m, axis=-2), ("wrong axis", "keys")),
        ("mask ignored", att_no_mask, ("not applied",)),
        ("masked scores set to 0", att_zero_mask, ("exp(0)",)),
        ("mask inverted", lambda q, k, v, m: _attend(q, k, v, m, invert=True), ("inverted",)),
        ("zeroed after softmax", att_renormalise_forgotten, ("renormalising",)),
        ("no max subtraction", lambda q, k, v, m: _attend(q, k, v, m, stable=False), ("NaN", "maximum")),
        ("keys averaged instead of values", att_keys_as_values, ("values",)),
        ("pair swapped", lambda q, k, v, m: _attend(q, k, v, m)[::-1], ("swapped",)),
        ("weights only", lambda q, k, v, m: _attend(q, k, v, m)[1], ("pair",)),
        ("writes into q", att_in_place, ("read-only",)),
        ("masked by boolean indexing", att_boolean_index, ("broadcasts", "np.where")),
        ("masked after subtracting the maximum", att_mask_after_max, ("mask the scores first",)),
        ("a list of two lists", lambda q, k, v, m: [r.tolist() for r in _attend(q, k, v, m)], ("numpy array",)),
    ],
    "10.2": [
        ("no transpose", lambda x, h: x.reshape(x.shape[0], x.shape[1], h, -1), ("heads before the time",)),
        ("straight reshape", lambda x, h: x.reshape(x.shape[0], h, x.shape[1], -1), ("reshaped straight",)),
        ("interleaved heads", lambda x, h: x.reshape(x.shape[0], x.shape[1], -1, h).transpose(0, 3, 1, 2),
         ("interleaved",)),
        ("time and d_head swapped", lambda x, h: x.reshape(x.shape[0], x.shape[1], h, -1).transpose(0, 2, 3, 1),
         ("expected shape",)),
        ("positions reversed", lambda x, h: x[:, ::-1].reshape(x.shape[0], x.shape[1], h, -1).transpose(0, 2, 1, 3),
         ("wrong places",)),
        ("heads reversed", lambda x, h: x.reshape(x.shape[0], x.shape[1], h, -1).transpose(0, 2, 1, 3)[:, ::-1],
         ("wrong places",)),
        ("float32", lambda x, h: x.reshape(x.shape[0], x.shape[1], h, -1).transpose(0, 2, 1, 3).astype(np.float32),
         ("dtype",)),
        ("batch mixed", lambda x, h: x.reshape(x.shape[1], x.shape[0], h, -1).transpose(1, 2, 0, 3),
         ("wrong places",)),
        ("d_head taken as heads", lambda x, h: x.reshape(x.shape[0], x.shape[1], -1, h).transpose(0, 2, 1, 3),
         ("expected shape",)),
        ("scaled copy", lambda x, h: x.reshape(x.shape[0], x.shape[1], h, -1).transpose(0, 2, 1, 3) / h,
         ("split_heads", "differ")),
        ("nested lists", lambda x, h: x.reshape(x.shape[0], x.shape[1], h, -1).transpose(0, 2, 1, 3).tolist(),
         ("numpy array",)),
    ],
    "10.3": [
        ("upper triangle", lambda n: np.triu(np.ones((n, n), dtype=bool)), ("transposed",)),
        ("no diagonal", lambda n: np.tril(np.ones((n, n), dtype=bool), -1), ("diagonal",)),
        ("inverted", lambda n: ~np.tril(np.ones((n, n), dtype=bool)), ("inverted",)),
        ("all true", lambda n: np.ones((n, n), dtype=bool), ("future",)),
        ("off by one", lambda n: np.tril(np.ones((n, n), dtype=bool), 1), ("off by one",)),
        ("float ones", lambda n: np.tril(np.ones((n, n))), ("dtype bool",)),
        ("int ones", lambda n: np.tril(np.ones((n, n), dtype=int)), ("dtype bool",)),
        ("additive -inf", lambda n: np.where(np.tril(np.ones((n, n), dtype=bool)), 0.0, -np.inf), ("dtype bool",)),
        ("batch axis added", lambda n: np.tril(np.ones((n, n), dtype=bool))[None], ("expected shape",)),
        ("one row too many", lambda n: np.tril(np.ones((n + 1, n), dtype=bool)), ("expected shape",)),
        ("anti-diagonal", lambda n: np.tril(np.ones((n, n), dtype=bool))[::-1], ("causal_mask",)),
        ("nested lists", lambda n: [[j <= i for j in range(n)] for i in range(n)], ("numpy array",)),
    ],
}


def _pe(length, d, *, order="interleaved", start=0, base=10000.0, per_column=False, dtype=np.float64):
    p = np.arange(start, start + length)[:, None]
    if per_column:
        rates = 1.0 / base ** (np.arange(d) / d)
        return np.where(np.arange(d) % 2 == 0, np.sin(p * rates), np.cos(p * rates)).astype(dtype)
    rates = 1.0 / base ** (np.arange(0, d, 2) / d)
    sin, cos = np.sin(p * rates), np.cos(p * rates)
    if order == "concatenated":
        return np.concatenate([sin, cos], axis=1).astype(dtype)
    table = np.empty((length, d))
    first, second = (sin, cos) if order == "interleaved" else (cos, sin)
    table[:, 0::2], table[:, 1::2] = first, second
    return table.astype(dtype)


WRONG["10.4"] = [
    ("concatenated halves", lambda n, d: _pe(n, d, order="concatenated"), ("interleaves",)),
    ("sin and cos swapped", lambda n, d: _pe(n, d, order="swapped"), ("swapped",)),
    ("positions from 1", lambda n, d: _pe(n, d, start=1), ("start at 1",)),
    ("frequency per column", lambda n, d: _pe(n, d, per_column=True), ("every column",)),
    ("base 1000", lambda n, d: _pe(n, d, base=1000.0), ("values differ",)),
    ("transposed", lambda n, d: _pe(n, d).T, ("transposed",)),
    ("integer table", lambda n, d: np.round(_pe(n, d)).astype(int), ("float",)),
    ("sin only", lambda n, d: np.sin(np.arange(n)[:, None] / 10000 ** (2 * (np.arange(d) // 2) / d)),
     ("values differ",)),
    ("extra batch axis", lambda n, d: _pe(n, d)[None], ("expected shape",)),
    ("exponent 2i/d on the column index", lambda n, d: _pe(n, d, per_column=False, base=10000.0 ** 2),
     ("values differ",)),
    ("exponent i/d with the pair index", lambda n, d: _pe_pair_index(n, d), ("2i / d_model",)),
    ("nested lists", lambda n, d: _pe(n, d).tolist(), ("numpy array",)),
]


def _pe_pair_index(length, d):
    p = np.arange(length)[:, None]
    rates = 1.0 / 10000 ** (np.arange(d // 2) / d)       # i / d instead of 2i / d
    table = np.empty((length, d))
    table[:, 0::2], table[:, 1::2] = np.sin(p * rates), np.cos(p * rates)
    return table


def _split_reference_style(x, n_heads):
    b, t, width = x.shape
    return np.stack(np.split(x, n_heads, axis=-1), axis=1)          # (B, H, T, d_head)


def _split_loop(x, n_heads):
    d_head = x.shape[-1] // n_heads
    return np.stack([x[:, :, h * d_head:(h + 1) * d_head] for h in range(n_heads)], axis=1)


def _causal_loop(n):
    mask = np.zeros((n, n), dtype=bool)
    for i in range(n):
        mask[i, : i + 1] = True
    return mask


def _pe_loop(length, d):
    table = np.zeros((length, d), dtype=np.float32)
    for p in range(length):
        for i in range(d // 2):
            angle = p / 10000 ** (2 * i / d)
            table[p, 2 * i], table[p, 2 * i + 1] = np.sin(angle), np.cos(angle)
    return table


RIGHT = {
    "10.1": [("einsum with -inf masking", att_einsum), ("float32 all the way", att_float32),
             ("the helper", lambda q, k, v, m: _attend(q, k, v, m))],
    "10.2": [("np.split and stack", _split_reference_style), ("loop over heads", _split_loop),
             ("swapaxes", lambda x, h: np.swapaxes(x.reshape(*x.shape[:2], h, -1), 1, 2))],
    "10.3": [("loop", _causal_loop), ("comparison of indices", lambda n: np.arange(n)[None, :] <= np.arange(n)[:, None])],
    "10.4": [("loops in float32", _pe_loop), ("float64 vectorised", lambda n, d: _pe(n, d))],
}


@pytest.mark.parametrize("exercise_id", IDS)
def test_unattempted_stub_is_reported(exercise_id):
    def stub(*args):
        raise NotImplementedError(f"Exercise {exercise_id}: write your code here")

    passed, message = exercises.evaluate(exercise_id, stub)
    assert not passed and "not attempted" in message
