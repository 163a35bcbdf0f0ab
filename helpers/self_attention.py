"""Self-attention from scratch in numpy (lesson 10): scores, masks, heads, positions.

Every function here is plain numpy, so the exercise checkers load fast; the Keras models of
the lesson live in :mod:`helpers.transformer`. The layout of the weights is Keras' own
(``keras.layers.MultiHeadAttention``), so :func:`weights_from_keras` copies a trained layer's
weights into :func:`multi_head_attention` and the two give the same numbers.

Shapes: ``B`` batch, ``T`` (``Tq``, ``Tk``) time, ``D`` model width, ``H`` heads,
``d_head = D / H``. A *mask* is boolean, ``True`` where a query may look at a key.
"""
from __future__ import annotations

import numpy as np

from .attention_numpy import MASKED_SCORE, softmax
from .validation import check_array, check_positive_int

__all__ = ["MASKED_SCORE", "softmax", "scaled_dot_product_attention", "split_heads", "merge_heads",
           "causal_mask", "padding_mask", "sinusoidal_positions", "add_positions", "multi_head_attention",
           "weights_from_keras", "WEIGHT_NAMES"]

WEIGHT_NAMES = ("query_kernel", "query_bias", "key_kernel", "key_bias", "value_kernel", "value_bias",
                "output_kernel", "output_bias")   # the order of keras.layers.MultiHeadAttention.get_weights()


def _check_mask(mask, batch_shape: tuple, tq: int, tk: int) -> np.ndarray:
    """A boolean mask ``(Tq, Tk)`` or ``(*batch, Tq, Tk)``; a leading axis may be 1 (broadcast)."""
    mask_array = np.asarray(mask.numpy() if hasattr(mask, "numpy") else mask)
    if mask_array.dtype != bool:
        raise TypeError(f"argument 'mask': expected dtype bool (True = may attend), got {mask_array.dtype}")
    full = (*batch_shape, tq, tk)
    lead = mask_array.shape[:-2]
    ok = (mask_array.ndim >= 2 and mask_array.shape[-2:] == (tq, tk) and len(lead) <= len(batch_shape)
          and all(m in (1, b) for m, b in zip(lead[::-1], batch_shape[::-1])))
    if not ok:
        raise ValueError(f"argument 'mask': expected shape {(tq, tk)} or {full} (queries, keys; a leading "
                         f"axis may be 1), got {tuple(mask_array.shape)}")
    return mask_array


def scaled_dot_product_attention(q, k, v, mask=None):
    """Scaled dot-product attention (lesson 10, the reference for exercise 10.1).

    ``q`` ``(..., Tq, d)``, ``k`` ``(..., Tk, d)``, ``v`` ``(..., Tk, d_v)``; the leading axes
    (batch, heads) must agree. ``mask`` ``(Tq, Tk)`` or ``(..., Tq, Tk)``, dtype bool, ``True``
    where query ``i`` may look at key ``j``. Scores are ``q_i · k_j / sqrt(d)``; a masked score
    becomes :data:`MASKED_SCORE`, so its weight is 0; the softmax runs **over the keys**.

    Returns ``(output (..., Tq, d_v), weights (..., Tq, Tk))``; each row of ``weights`` sums to 1.
    """
    q = check_array("q", q, kind="number")
    if q.ndim < 2:
        raise ValueError(f"argument 'q': expected shape (..., queries, d), got {q.shape}")
    k = check_array("k", k, shape=(*q.shape[:-2], None, q.shape[-1]),
                    dims=(*("batch/heads",) * (q.ndim - 2), "keys", "d"), kind="number")
    v = check_array("v", v, shape=(*k.shape[:-1], None), dims=(*("batch/heads",) * (q.ndim - 2), "keys", "d_v"),
                    kind="number")
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])          # (..., Tq, Tk)
    if mask is not None:
        scores = np.where(_check_mask(mask, q.shape[:-2], q.shape[-2], k.shape[-2]), scores, MASKED_SCORE)
    weights = softmax(scores, axis=-1)                                  # over the keys
    return weights @ v, weights


def split_heads(x, n_heads: int) -> np.ndarray:
    """``(B, T, D)`` → ``(B, H, T, D / H)`` (lesson 10, the reference for exercise 10.2).

    Head ``h`` gets features ``h * d_head … (h + 1) * d_head - 1`` of every position: the layout
    of ``keras.layers.MultiHeadAttention``'s kernels ``(D, H, d_head)`` read as ``(D, H * d_head)``.
    """
    x = check_array("x", x, shape=(None, None, None), dims=("batch", "time", "width"))
    n_heads = check_positive_int("n_heads", n_heads)
    batch, time, width = x.shape
    if width % n_heads:
        raise ValueError(f"argument 'n_heads': expected a divisor of the model width {width}, got {n_heads}")
    return x.reshape(batch, time, n_heads, width // n_heads).transpose(0, 2, 1, 3)


def merge_heads(x) -> np.ndarray:
    """``(B, H, T, d_head)`` → ``(B, T, H * d_head)``: the inverse of :func:`split_heads` (lesson 10)."""
    x = check_array("x", x, shape=(None,) * 4, dims=("batch", "heads", "time", "d_head"))
    batch, heads, time, d_head = x.shape
    return x.transpose(0, 2, 1, 3).reshape(batch, time, heads * d_head)


def causal_mask(length: int) -> np.ndarray:
    """``(T, T)`` bool, ``True`` where key ``j <= i`` (lesson 10, the reference for exercise 10.3).

    Position ``i`` may look at itself and the past, never the future: what a model that
    generates one token after another must obey.
    """
    length = check_positive_int("length", length)
    return np.tril(np.ones((length, length), dtype=bool))


def padding_mask(ids, pad_id: int = 0) -> np.ndarray:
    """``ids`` ``(B, T)`` → ``(B, T, T)`` bool: every query may look at every key that is not padding."""
    ids = check_array("ids", ids, shape=(None, None), dims=("batch", "time"), kind="int")
    real = ids != pad_id
    return np.broadcast_to(real[:, None, :], (ids.shape[0], ids.shape[1], ids.shape[1])).copy()


def sinusoidal_positions(length: int, d_model: int) -> np.ndarray:
    """The sinusoidal position table ``(length, d_model)`` float32 (lesson 10, exercise 10.4's reference).

    Vaswani et al. (2017), interleaved: for position ``p`` (from 0) and pair ``i``,
    ``PE[p, 2i] = sin(p / 10000^(2i / d_model))`` and ``PE[p, 2i + 1] = cos(p / 10000^(2i / d_model))``.
    ``d_model`` must be even.
    """
    length = check_positive_int("length", length)
    d_model = check_positive_int("d_model", d_model, minimum=2)
    if d_model % 2:
        raise ValueError(f"argument 'd_model': expected an even width (sin and cos in pairs), got {d_model}")
    positions = np.arange(length)[:, None]                              # (T, 1)
    rates = 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)         # (D / 2,)
    table = np.zeros((length, d_model))
    table[:, 0::2] = np.sin(positions * rates)
    table[:, 1::2] = np.cos(positions * rates)
    return table.astype(np.float32)


def add_positions(x, table) -> np.ndarray:
    """``x`` ``(B, T, D)`` plus the first ``T`` rows of a position ``table`` ``(max_len, D)``."""
    table = check_array("table", table, ndim=2, dims=("max_len", "width"), kind="number")
    x = check_array("x", x, shape=(None, None, table.shape[1]), dims=("batch", "time", "width"), kind="number")
    if x.shape[1] > table.shape[0]:
        raise ValueError(f"argument 'x': expected a sequence of at most {table.shape[0]} positions "
                         f"(the length of the position table), got {x.shape[1]}")
    return x + table[: x.shape[1]]


def multi_head_attention(query, value, weights: dict, *, key=None, mask=None, return_weights: bool = False):
    """Multi-head attention with ``keras.layers.MultiHeadAttention``'s weights (lesson 10).

    ``query`` ``(B, Tq, D)``, ``value`` ``(B, Tk, D)`` (and ``key``, default ``value``); for
    self-attention pass the same array twice. ``weights`` maps :data:`WEIGHT_NAMES` to arrays:
    ``*_kernel`` ``(D, H, d_head)``, ``*_bias`` ``(H, d_head)``, ``output_kernel`` ``(H, d_head, D_out)``,
    ``output_bias`` ``(D_out,)``. ``mask`` ``(B, Tq, Tk)`` or ``(Tq, Tk)`` bool.

    Project, split into heads, attend in each head, merge, project back:
    returns ``(B, Tq, D_out)`` (and the weights ``(B, H, Tq, Tk)`` with ``return_weights=True``).
    """
    missing = [name for name in WEIGHT_NAMES if name not in weights]
    if missing:
        raise ValueError(f"argument 'weights': expected the keys {list(WEIGHT_NAMES)}, missing {missing}")
    w = {name: np.asarray(weights[name], dtype=np.float64) for name in WEIGHT_NAMES}
    width, heads, d_head = w["query_kernel"].shape
    query = check_array("query", query, shape=(None, None, width), dims=("batch", "queries", "width"), kind="number")
    value = check_array("value", value, shape=(query.shape[0], None, width), dims=(query.shape[0], "keys", "width"),
                        kind="number")
    key = value if key is None else check_array("key", key, shape=value.shape, kind="number")
    for name in ("key_kernel", "value_kernel"):
        check_array(f"weights[{name!r}]", w[name], shape=(width, heads, d_head))
    if mask is not None:
        mask = _check_mask(mask, (query.shape[0],), query.shape[1], value.shape[1])
        mask = mask if mask.ndim == 2 else mask[:, None]                  # the same mask for every head

    def project(x, name):                                                # (B, T, D) → (B, H, T, d_head)
        flat = x @ w[f"{name}_kernel"].reshape(width, heads * d_head) + w[f"{name}_bias"].reshape(-1)
        return split_heads(flat, heads)

    out, attention = scaled_dot_product_attention(project(query, "query"), project(key, "key"),
                                                  project(value, "value"), mask)
    merged = merge_heads(out)                                            # (B, Tq, H * d_head)
    result = merged @ w["output_kernel"].reshape(heads * d_head, -1) + w["output_bias"]
    return (result, attention) if return_weights else result


def weights_from_keras(layer) -> dict:
    """The weights of a built ``keras.layers.MultiHeadAttention`` (with biases) as a dict of numpy arrays."""
    values = layer.get_weights()
    if len(values) != len(WEIGHT_NAMES):
        raise ValueError(f"argument 'layer': expected a built MultiHeadAttention with biases "
                         f"({len(WEIGHT_NAMES)} weight arrays), got {len(values)} arrays")
    return dict(zip(WEIGHT_NAMES, values))
