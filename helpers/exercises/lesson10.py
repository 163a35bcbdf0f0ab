"""Lesson 10 exercises: scaled dot-product attention (10.1), splitting heads (10.2), the causal mask (10.3),
sinusoidal positions (10.4).

Each checker runs the candidate on several seeded inputs of other sizes (batch, heads, lengths, widths),
passes them read-only, checks the shape and dtype the statement names, and recognises the usual
mistakes by name before comparing with the reference.
"""
from __future__ import annotations

import numpy as np

from ..self_attention import (MASKED_SCORE, causal_mask, scaled_dot_product_attention, sinusoidal_positions,
                              softmax, split_heads)
from . import draws
from . import Mismatch, expect_close, expect_shape, register


def _read_only(*arrays):
    copies = []
    for a in arrays:
        c = np.array(a, copy=True)
        c.flags.writeable = False
        copies.append(c)
    return copies


def _call(candidate, *args, what):
    try:
        return candidate(*args)
    except ValueError as error:
        if "read-only" in str(error):
            raise Mismatch(f"{what}: your code wrote into an input array ({error}); work on a copy") from None
        raise


def _array(result, what: str) -> np.ndarray:
    """The lesson's next cells use the result as an array (``.shape``, ``~mask``, ``x + table``): a list fails there."""
    if not isinstance(result, np.ndarray):
        raise Mismatch(f"{what}: expected a numpy array, got {type(result).__name__}; the lesson's next cells use "
                       "it as an array (its .shape, ~mask, x + table), so return np.array(...) rather than a list")
    return result


# ---- 10.1 scaled dot-product attention ---------------------------------------------------------

def _attention_cases():
    """(q, k, v, mask) with other batch/head axes, d != d_v, Tq != Tk, large scores, ragged masks."""
    cases = []
    for seed, lead, tq, tk, d, dv, scale, masked in [(0, (2,), 3, 5, 4, 6, 1.0, True),
                                                     (1, (2, 3), 4, 4, 8, 2, 1.0, True),
                                                     (2, (1,), 1, 6, 9, 3, 1.0, False),
                                                     (3, (3,), 5, 7, 16, 5, 30.0, True)]:
        rng = draws.rng(100 + seed)
        q = rng.normal(size=(*lead, tq, d)) * scale
        k = rng.normal(size=(*lead, tk, d)) * scale
        v = rng.normal(size=(*lead, tk, dv))
        mask = None
        if masked:
            mask = rng.random((*lead, tq, tk)) < 0.6
            mask[..., 0] = True                        # every query may look at one key at least
        cases.append((q, k, v, mask))
    # masks that broadcast, as the lesson's own cells pass them: one (Tq, Tk) mask for every batch and head,
    # and (B, 1, Tq, Tk) for every head
    for seed, lead, mask_lead in [(4, (2, 3), ()), (5, (2, 3), (2, 1))]:
        rng = draws.rng(100 + seed)
        q, k, v = rng.normal(size=(*lead, 4, 8)), rng.normal(size=(*lead, 6, 8)), rng.normal(size=(*lead, 6, 3))
        mask = rng.random((*mask_lead, 4, 6)) < 0.6
        mask[..., 0] = True
        cases.append((q, k, v, mask))
    # extreme scores where each query may look only at its LOWEST-scoring key: the largest score is always masked
    rng = draws.rng(106)
    q, k, v = rng.normal(size=(2, 3, 4)) * 30, rng.normal(size=(2, 5, 4)) * 30, rng.normal(size=(2, 5, 2))
    scores = q @ np.swapaxes(k, -1, -2)
    mask = scores == scores.min(axis=-1, keepdims=True)
    cases.append((q, k, v, mask))
    return cases


def _masked_after_max(q, k, v, mask):
    """Weights of the classic slip: each row's maximum subtracted over ALL keys, masked keys included, then masked."""
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    scores = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(np.where(mask, scores, MASKED_SCORE))
    with np.errstate(invalid="ignore", divide="ignore"):
        return e / e.sum(axis=-1, keepdims=True)


def _attention_wrong(q, k, v, mask):
    """What common mistakes would return, for naming them: {hint: (output, weights)}."""
    d = q.shape[-1]
    raw = q @ np.swapaxes(k, -1, -2)
    keep = np.ones(raw.shape, dtype=bool) if mask is None else mask

    def finish(scores, axis=-1, use=v):
        w = softmax(np.where(keep, scores, MASKED_SCORE), axis=axis)
        return w @ use, w

    wrong = {
        "the scores are not scaled: divide q·k by sqrt(d), the width of the queries and keys": finish(raw),
        "scaled by d instead of sqrt(d)": finish(raw / d),
        "scaled by sqrt(d_v), the width of the values: the scale is sqrt(d), the width of q and k":
            finish(raw / np.sqrt(v.shape[-1])),
        "softmax over the wrong axis: each query's weights must sum to 1 over the keys (the last axis)":
            finish(raw / np.sqrt(d), axis=-2),
    }
    if mask is not None:
        scaled = raw / np.sqrt(d)
        w = softmax(scaled, axis=-1)
        wrong["the mask is not applied: a score where mask is False must become a very large negative "
              "number before the softmax"] = (w @ v, w)
        w = softmax(np.where(mask, scaled, 0.0), axis=-1)
        wrong["masked scores set to 0 are not masked: exp(0) is not 0; use a very large negative score"] = (w @ v, w)
        w = softmax(np.where(~mask, scaled, MASKED_SCORE), axis=-1)
        wrong["the mask is inverted: True means the query MAY look at that key"] = (w @ v, w)
        w = softmax(scaled, axis=-1) * mask
        wrong["weights zeroed after the softmax without renormalising: mask the scores before the softmax, "
              "so each row still sums to 1"] = (w @ v, w)
    return wrong


@register("10.1", "Scaled dot-product attention with a mask", scaled_dot_product_attention)
def check_attention(candidate):
    for case in _attention_cases():
        q, k, v, mask = case
        expected_out, expected_w = scaled_dot_product_attention(q, k, v, mask)
        where = (f"q {q.shape}, k {k.shape}, v {v.shape}, mask "
                 f"{'None' if mask is None else mask.shape}")
        broadcast = mask is not None and mask.shape != (*q.shape[:-1], k.shape[-2])
        try:
            result = _call(candidate, *_read_only(q, k, v), None if mask is None else _read_only(mask)[0],
                           what=f"attention({where})")
        except (IndexError, ValueError) as error:
            if not broadcast:
                raise
            raise Mismatch(f"attention({where}) raised {type(error).__name__}: {error}. The mask may have any shape "
                           f"that broadcasts to the scores (here {mask.shape} for scores "
                           f"{(*q.shape[:-1], k.shape[-2])}: one mask for every head), so `scores[~mask] = ...` "
                           "cannot work; use np.where(mask, scores, -1e9)") from None
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Mismatch(f"attention should return a pair (output, weights), got {type(result).__name__}")
        out, w = (_array(r, f"attention({where}): {name}") for r, name in zip(result, ("output", "weights")))
        if w.shape == expected_out.shape and out.shape == expected_w.shape and w.shape != out.shape:
            raise Mismatch("output and weights are swapped: return (output, weights)")
        if not (np.issubdtype(out.dtype, np.floating) and np.issubdtype(w.dtype, np.floating)):
            raise Mismatch(f"expected float arrays, got output {out.dtype} and weights {w.dtype}")
        expect_shape(f"weights for {where}", w, expected_w.shape)
        if out.shape == (*expected_out.shape[:-1], k.shape[-1]) and k.shape[-1] != v.shape[-1]:
            raise Mismatch(f"output shape {out.shape} for {where} has the width of the keys: the output is the "
                           "weighted average of the values v, (..., Tq, d_v)")
        expect_shape(f"output for {where}", out, expected_out.shape)
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(out))):
            if mask is not None and not np.all(np.isfinite(_masked_after_max(q, k, v, mask))):
                raise Mismatch(f"NaN or infinite values for {where}: mask the scores first, then subtract each row's "
                               "maximum. Subtracted before masking, the maximum can be a masked key's score; every "
                               "kept exp(score - maximum) then underflows to 0 and the row divides 0 by 0")
            raise Mismatch(f"NaN or infinite values for {where} (scores up to {np.abs(q).max() * np.abs(k).max():.0f}): "
                           "subtract each row's maximum score before exp, and use a large finite negative "
                           "number (e.g. -1e9) rather than -inf for masked scores")
        for hint, (wrong_out, wrong_w) in _attention_wrong(q, k, v, mask).items():
            if np.allclose(w, wrong_w, atol=1e-6) and not np.allclose(w, expected_w, atol=1e-6):
                raise Mismatch(f"{hint} (case {where})")
        expect_close(f"weights for {where}", w, expected_w, atol=1e-6)
        expect_close(f"output (the weighted average of the values) for {where}", out, expected_out, atol=1e-6)


# ---- 10.2 splitting heads ----------------------------------------------------------------------

@register("10.2", "Split the model width into heads", split_heads)
def check_split_heads(candidate):
    for seed, (batch, time, heads, d_head) in enumerate([(2, 3, 4, 2), (1, 5, 2, 3), (3, 4, 3, 5), (2, 6, 1, 4)]):
        rng = draws.rng(200 + seed)
        x = rng.normal(size=(batch, time, heads * d_head))
        expected = split_heads(x, heads)
        where = f"x {x.shape}, n_heads {heads}"
        got = _array(_call(candidate, _read_only(x)[0], heads, what=f"split_heads({where})"), f"split_heads({where})")
        if got.shape == (batch, time, heads, d_head):
            raise Mismatch(f"shape {got.shape} for {where}: move the heads before the time axis, "
                           f"(batch, heads, time, d_head) = {expected.shape} (transpose after the reshape)")
        expect_shape(f"split_heads({where})", got, expected.shape)
        if got.dtype != x.dtype:
            raise Mismatch(f"split_heads({where}): expected dtype {x.dtype} (the input's), got {got.dtype}")
        if np.allclose(got, x.reshape(batch, heads, time, d_head)) and not np.allclose(got, expected):
            raise Mismatch(f"reshaped straight to (batch, heads, time, d_head) for {where}: that mixes positions "
                           "into heads; reshape to (batch, time, heads, d_head) first, then swap time and heads")
        interleaved = x.reshape(batch, time, d_head, heads).transpose(0, 3, 1, 2)
        if np.allclose(got, interleaved) and not np.allclose(got, expected):
            raise Mismatch(f"heads interleaved for {where}: head h must get the contiguous block of features "
                           "h * d_head ... (h + 1) * d_head - 1 (Keras' kernel layout (width, heads, d_head))")
        if np.allclose(np.sort(got.ravel()), np.sort(x.ravel())) and not np.allclose(got, expected):
            raise Mismatch(f"values in the wrong places for {where}: head h, position t must hold "
                           "x[:, t, h * d_head:(h + 1) * d_head]")
        expect_close(f"split_heads({where})", got, expected, atol=0, rtol=0)


# ---- 10.3 the causal mask ----------------------------------------------------------------------

@register("10.3", "The causal mask", causal_mask)
def check_causal_mask(candidate):
    for length in (5, 9, 2, 1):            # the telling sizes first: at 1 and 2 several mistakes coincide
        expected = causal_mask(length)
        got = _array(_call(candidate, length, what=f"causal_mask({length})"), f"causal_mask({length})")
        expect_shape(f"causal_mask({length})", got, expected.shape)
        if got.dtype != bool:
            raise Mismatch(f"causal_mask({length}): expected dtype bool (True = may attend), got {got.dtype}; "
                           "an additive mask of 0 and -inf, or 0/1 numbers, is another convention")
        if np.array_equal(got, expected.T) and length > 1:
            raise Mismatch(f"causal_mask({length}) is transposed: row i is the query, column j the key; "
                           "query i may look at keys j <= i (lower triangle)")
        if np.array_equal(got, ~expected):
            raise Mismatch(f"causal_mask({length}) is inverted: True means the query MAY look at that key")
        if np.array_equal(got, np.tril(expected, -1)):
            raise Mismatch(f"causal_mask({length}): the diagonal is False; a position may look at itself (j <= i)")
        if np.array_equal(got, np.ones_like(expected)) and length > 1:
            raise Mismatch(f"causal_mask({length}) lets every position see the future: only keys j <= i")
        if np.array_equal(got, np.tril(np.ones_like(expected), 1)) and length > 1:
            raise Mismatch(f"causal_mask({length}) lets position i see position i + 1: off by one")
        if not np.array_equal(got, expected):
            bad = np.argwhere(got != expected)[0]
            raise Mismatch(f"causal_mask({length})[{bad[0]}, {bad[1]}]: expected {expected[tuple(bad)]}, "
                           f"got {got[tuple(bad)]} (True exactly where key j <= query i)")


# ---- 10.4 sinusoidal positions -----------------------------------------------------------------

@register("10.4", "Sinusoidal position table", sinusoidal_positions)
def check_positions(candidate):
    for length, d_model in [(6, 8), (11, 4), (1, 2), (50, 16)]:
        expected = sinusoidal_positions(length, d_model).astype(np.float64)
        where = f"sinusoidal_positions({length}, {d_model})"
        got = _array(_call(candidate, length, d_model, what=where), where)
        if got.shape == (d_model, length) and length != d_model:
            raise Mismatch(f"{where}: shape {got.shape} is transposed; expected (length, d_model) = {expected.shape}")
        expect_shape(where, got, expected.shape)
        if not np.issubdtype(got.dtype, np.floating):
            raise Mismatch(f"{where}: expected a float array, got dtype {got.dtype}")
        got = got.astype(np.float64)
        half = d_model // 2
        rates = 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)
        p = np.arange(length)[:, None]
        concatenated = np.concatenate([np.sin(p * rates), np.cos(p * rates)], axis=1)
        swapped = np.empty_like(expected)
        swapped[:, 0::2], swapped[:, 1::2] = np.cos(p * rates), np.sin(p * rates)
        if d_model > 2 and np.allclose(got, concatenated, atol=1e-5):
            raise Mismatch(f"{where}: sines in the first half and cosines in the second; this lesson interleaves "
                           "them: column 2i is sin, column 2i + 1 is cos of the same frequency")
        if np.allclose(got, swapped, atol=1e-5):
            raise Mismatch(f"{where}: sin and cos swapped: even columns (2i) are sin, odd columns (2i + 1) cos")
        if length > 1 and np.allclose(got[:-1], expected[1:], atol=1e-5):
            raise Mismatch(f"{where}: positions start at 1; the first position is p = 0 (row 0 is sin 0, cos 0)")
        pair_rates = 1.0 / 10000 ** (np.arange(d_model // 2) / d_model)
        by_pair_index = np.empty_like(expected)
        by_pair_index[:, 0::2], by_pair_index[:, 1::2] = np.sin(p * pair_rates), np.cos(p * pair_rates)
        if d_model > 2 and length > 1 and np.allclose(got, by_pair_index, atol=1e-5):
            raise Mismatch(f"{where}: the exponent uses the pair index i over d_model; it is 2i / d_model: "
                           "the rate of pair i is 1 / 10000^(2i / d_model)")
        if np.allclose(got[0], expected[0], atol=1e-5) and length > 1 and d_model > 2:
            column_rates = 1.0 / 10000 ** (np.arange(d_model) / d_model)
            by_column = np.where(np.arange(d_model) % 2 == 0, np.sin(p * column_rates), np.cos(p * column_rates))
            if np.allclose(got, by_column, atol=1e-5):
                raise Mismatch(f"{where}: the frequency changes every column; sin and cos of a pair share one "
                               "frequency, 1 / 10000^(2i / d_model) with i the pair index")
        expect_close(where, got, expected, atol=1e-5, rtol=0)
        if half and not np.allclose(got[:, 0::2] ** 2 + got[:, 1::2] ** 2, 1, atol=1e-4):
            raise Mismatch(f"{where}: each (sin, cos) pair should have sin² + cos² = 1")
