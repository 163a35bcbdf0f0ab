"""Lesson 03 exercises: the RNN step in numpy, the forward loop, and fixing the popular buggy cell."""
from __future__ import annotations

import numpy as np

from ..numpy_rnn import rnn_forward, rnn_step
from . import draws
from . import Mismatch, expect_close, expect_dtype, expect_shape, probe, register, register_probe, run


def _step_case(seed: int = 3, batch: int = 4, n_in: int = 3, n_hidden: int = 5, dtype=np.float64):
    rng = draws.rng(seed)
    # sizes all different, so a wrong product fails loudly or shows
    x_t = rng.normal(size=(batch, n_in))
    h_prev = rng.normal(size=(batch, n_hidden)) * 0.5
    W_xh = rng.normal(size=(n_in, n_hidden)) * 0.7
    W_hh = rng.normal(size=(n_hidden, n_hidden)) * 0.5  # not symmetric: a transpose changes the result
    b_h = rng.normal(size=n_hidden) * 0.3
    return tuple(a.astype(dtype) for a in (x_t, h_prev, W_xh, W_hh, b_h))


STEP_CASES = [dict(seed=3), dict(seed=30, batch=1, n_in=2, n_hidden=3), dict(seed=31, batch=6, n_in=5, n_hidden=2),
              dict(seed=32, batch=3, n_in=4, n_hidden=6, dtype=np.float32)]


def _diagnose_step(got, x_t, h_prev, W_xh, W_hh, b_h) -> str | None:
    """Name a classic mistake whose output equals ``got``."""
    a = x_t @ W_xh + h_prev @ W_hh + b_h
    known = {
        "tanh is missing: h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h)": a,
        "W_hh looks transposed: for row vectors use h_prev @ W_hh": np.tanh(x_t @ W_xh + h_prev @ W_hh.T + b_h),
        "the bias b_h is missing": np.tanh(x_t @ W_xh + h_prev @ W_hh),
        "the previous state h_prev is ignored": np.tanh(x_t @ W_xh + b_h),
        "the input x_t is ignored": np.tanh(h_prev @ W_hh + b_h),
        "sigmoid instead of tanh": 1 / (1 + np.exp(-a)),
    }
    for hint, value in known.items():
        if np.shape(got) == value.shape and np.allclose(got, value, atol=1e-6):
            return hint
    return None


@register("03.1", "One RNN step in numpy", rnn_step)
def check_rnn_step(candidate):
    for sizes in STEP_CASES:
        case = _step_case(**sizes)
        x_t, h_prev = case[:2]
        what = f"h_t for x_t {x_t.shape}, h_prev {h_prev.shape} ({x_t.dtype})"
        got = run(candidate, *case)
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{what}: expected a numpy array, got {type(got).__name__}")
        expect_shape(what, got, h_prev.shape)
        hint = _diagnose_step(np.asarray(got, dtype=np.float64), *(a.astype(np.float64) for a in case))
        if hint:
            raise Mismatch(f"{what}: {hint}")
        tolerance = 1e-6 if x_t.dtype == np.float64 else 1e-5
        expect_close(what, got, rnn_step(*case), atol=tolerance)
        expect_dtype(f"{what}: h_t keeps the dtype of the inputs", got, x_t.dtype)


def _forward_case(seed: int = 4, batch: int = 2, time: int = 6, n_in: int = 3, n_hidden: int = 5, dtype=np.float64):
    rng = draws.rng(seed)
    params = {"W_xh": rng.normal(size=(n_in, n_hidden)) * 0.7, "W_hh": rng.normal(size=(n_hidden, n_hidden)) * 0.5,
              "b_h": rng.normal(size=n_hidden) * 0.3}
    x = rng.normal(size=(batch, time, n_in))
    h0 = rng.normal(size=(batch, n_hidden)) * 0.5
    return x.astype(dtype), {k: v.astype(dtype) for k, v in params.items()}, h0.astype(dtype)


FORWARD_CASES = [dict(seed=4), dict(seed=40, batch=3, time=1, n_in=2, n_hidden=4),
                 dict(seed=41, batch=1, time=9, n_in=4, n_hidden=3), dict(seed=42, batch=4, time=3, dtype=np.float32)]


def forward_reference(x, params, h0):
    """All hidden states ``(batch, time, hidden)`` for ``x (batch, time, features)`` (exercise 03.2's answer)."""
    return rnn_forward(x, params, h0)[0]


@register("03.2", "The forward loop over time", forward_reference, implements=("helpers.numpy_rnn.rnn_forward",))
def check_forward(candidate):
    for sizes in FORWARD_CASES:
        x, params, h0 = _forward_case(**sizes)
        what = f"hs for x {x.shape}, h0 {h0.shape} ({x.dtype})"
        want = forward_reference(x, params, h0)
        got = run(candidate, x, params, h0)
        if isinstance(got, tuple):
            raise Mismatch(f"{what}: return one array hs of shape (batch, time, hidden), not a tuple")
        if not isinstance(got, np.ndarray):
            raise Mismatch(f"{what}: expected a numpy array, got {type(got).__name__}")
        if got.shape == want[:, -1].shape and want.shape[1] > 1:
            raise Mismatch(f"{what}: expected every state, shape {want.shape}, got only the last one {got.shape}")
        if got.ndim == 3 and got.shape[1] != want.shape[1]:
            raise Mismatch(f"{what}: expected one state per time step on axis 1 ({want.shape[1]} steps, hs[:, t]), "
                           f"got {got.shape[1]}: loop over range(x.shape[1]) and stack on axis 1")
        expect_shape(what, got, want.shape)
        got64 = got.astype(np.float64)
        restarted = np.stack([rnn_step(x[:, t], h0, params["W_xh"], params["W_hh"], params["b_h"])
                              for t in range(x.shape[1])], axis=1)
        tolerance = 1e-6 if x.dtype == np.float64 else 1e-5
        if np.allclose(got64, restarted, atol=tolerance) and not np.allclose(want, restarted, atol=tolerance):
            raise Mismatch(f"{what}: every step starts again from h0: carry the new state into the next step (h = h_t)")
        shifted = np.concatenate([h0[:, None], want[:, :-1]], axis=1)
        if np.allclose(got64, shifted, atol=tolerance):
            raise Mismatch(f"{what}: off by one step: store h_t after computing it (hs[:, t] is the state after x_t)")
        if np.allclose(got64, forward_reference(x, params, np.zeros_like(h0)), atol=tolerance):
            raise Mismatch(f"{what}: the initial state h0 is ignored (you started from zeros)")
        expect_close(what, got, want, atol=tolerance)
        expect_dtype(f"{what}: hs keeps the dtype of x", got, x.dtype)


def fixed_cell(units: int):
    """Exercise 03.3's answer: a correct cell, :class:`helpers.cells.MinimalRNNCell` (imported lazily)."""
    from ..cells import MinimalRNNCell

    return MinimalRNNCell(units)


def probe_cell(candidate, units: int, weights: list, x: np.ndarray, other: np.ndarray) -> dict:
    """Exercise 03.3's probe: what the candidate cell does inside ``keras.layers.RNN``, as plain data.

    Runs wherever the student's class lives (the notebook's kernel, or the grading worker, see
    ``tools/scoring.py``): builds ``keras.layers.RNN(candidate(units))``, gives it ``weights`` (W_xh,
    W_hh, b_h) and runs it on ``x`` and ``other``. Returns ``{"problem": (kind, text)}`` when the
    cell cannot be run, else the facts :func:`check_fixed_cell` judges.
    """
    import keras

    if not callable(candidate):
        return {"problem": ("mismatch", f"expected a cell class (a keras.layers.Layer subclass), got "
                                        f"{type(candidate).__name__}")}
    cell = candidate(units)
    if not isinstance(cell, keras.layers.Layer):
        return {"problem": ("mismatch", f"expected a subclass of keras.layers.Layer, got {type(cell).__name__}")}
    state_size = getattr(cell, "state_size", None)
    facts = {"state_size": state_size if isinstance(state_size, (int, type(None))) else repr(state_size)}
    if state_size != units:
        return facts
    layer = keras.layers.RNN(cell, return_sequences=True)
    n_in = x.shape[-1]
    try:
        layer.build((None, None, n_in))
        names = {w.name.split("/")[-1].split(":")[0]: w for w in cell.weights}
        facts["weight_names"] = sorted(names)
        facts["weight_shapes"] = {n: [int(d) for d in names[n].shape] for n in ("W_xh", "W_hh", "b_h") if n in names}
        if any(n not in names for n in ("W_xh", "W_hh", "b_h")) or any(
                tuple(facts["weight_shapes"][n]) != np.shape(w) for n, w in zip(("W_xh", "W_hh", "b_h"), weights)):
            return facts
        for name, value in zip(("W_xh", "W_hh", "b_h"), weights):
            names[name].assign(value)
        facts["got"] = np.asarray(layer(x))
    except NotImplementedError as error:
        return {"problem": ("not attempted", str(error))}
    except Exception as error:
        if "NotImplementedError" in type(error).__name__ or "write your code here" in str(error):
            return {"problem": ("not attempted", str(error))}
        message = str(error).split("\n")[0][:160]
        return {"problem": ("mismatch", f"the cell fails inside keras.layers.RNN ({type(error).__name__}: {message}). "
                                        "Is `*` used where a matrix product (ops.matmul or @) is needed, or is the "
                                        "new state not returned as (output, [h])?")}
    facts["stored"] = _stored_state(cell, keras)
    if not facts["stored"]:  # a cell that keeps its state cannot take another batch size: that is judged first
        facts["again"] = np.asarray(layer(other))
    return facts


@register("03.3", "Fix the popular RNN cell", fixed_cell, time_limit=30, imports=("keras",),
          implements=("helpers.cells.MinimalRNNCell",))
def check_fixed_cell(candidate):
    import keras

    units, n_in = 4, 3
    draws.keras_seed(1)
    reference = keras.layers.SimpleRNN(units, return_sequences=True, bias_initializer="random_normal")
    reference.build((None, None, n_in))
    rng = draws.rng(5)
    x = rng.normal(size=(3, 5, n_in)).astype("float32")
    other = rng.normal(size=(2, 7, n_in)).astype("float32")  # another batch size and length
    facts = probe("03.3", candidate, units, [np.asarray(w) for w in reference.get_weights()], x, other)
    if "problem" in facts:
        kind, text = facts["problem"]
        if kind == "not attempted":
            raise NotImplementedError(text)
        raise Mismatch(text)
    if facts["state_size"] != units:
        raise Mismatch(f"state_size: expected {units} (the number of units), got {facts['state_size']!r}: "
                       "keras.layers.RNN reads it to make the initial state")
    names = facts["weight_names"]
    missing = [n for n in ("W_xh", "W_hh", "b_h") if n not in names]
    if missing:
        raise Mismatch(f"weights: expected weights named W_xh, W_hh, b_h (add_weight(..., name=...)), "
                       f"missing {missing}; found {sorted(names)}")
    for name, value in zip(("W_xh", "W_hh", "b_h"), reference.get_weights()):
        if tuple(facts["weight_shapes"][name]) != value.shape:
            raise Mismatch(f"weight {name}: expected shape {value.shape}, got {tuple(facts['weight_shapes'][name])}")
    got = np.asarray(facts["got"])
    if got.dtype != np.float32:
        raise Mismatch(f"outputs: expected dtype float32 (the layer's dtype), got {got.dtype}")
    if facts["stored"]:
        raise Mismatch(f"the cell keeps state on the layer (self.{facts['stored']}): that is the second bug of the "
                       "popular cell. keras.layers.RNN hands the state in through `states`; read states[0] and "
                       "return the new state instead of storing it")
    want = np.asarray(reference(x))
    W_xh, W_hh, b_h = reference.get_weights()
    h0 = np.zeros((x.shape[0], units), dtype=np.float64)
    variants = {
        "tanh is missing: h = ops.tanh(...)": _loop(x, h0, lambda a: a, W_xh, W_hh, b_h),
        "W_hh is transposed: for row vectors the step is ops.matmul(h_prev, W_hh)":
            _loop(x, h0, np.tanh, W_xh, W_hh.T, b_h),
        "the previous state is ignored: use states[0]": _loop(x, h0, np.tanh, W_xh, 0 * W_hh, b_h),
        "the bias is missing: add self.b_h": _loop(x, h0, np.tanh, W_xh, W_hh, 0 * b_h),
    }
    for hint, value in variants.items():
        if got.shape == value.shape and np.allclose(got, value, atol=1e-4):
            raise Mismatch(f"outputs: {hint}")
    difference = float(np.max(np.abs(got - want))) if got.shape == want.shape else None
    if difference is not None and 1e-5 < difference < 3e-3:
        raise Mismatch(f"outputs differ only slightly from SimpleRNN's (max abs difference {difference:.2g}): precision "
                       "was lost somewhere; keep every value in the layer's float32 (no cast to float16)")
    expect_close("outputs of keras.layers.RNN(your cell) vs SimpleRNN with the same weights", got, want, atol=1e-5)
    expect_close("outputs for a second batch of another size (2 sequences of 7 steps; the state must not leak "
                 "between calls)", facts["again"], np.asarray(reference(other)), atol=1e-5)


register_probe("03.3", probe_cell)


def _stored_state(cell, keras) -> str | None:
    """The name of a tensor the cell stored on itself while running (not a weight), or None."""
    for name, value in vars(cell).items():
        if name.startswith("_") or name in ("W_xh", "W_hh", "b_h"):
            continue
        if hasattr(value, "shape") and len(getattr(value, "shape", ())) >= 1 and not isinstance(value, keras.Variable):
            return name
    return None


def _loop(x, h, activation, W_xh, W_hh, b_h):
    """A numpy loop over time with a chosen activation (to recognise classic mistakes)."""
    out = []
    for t in range(x.shape[1]):
        h = activation(x[:, t] @ W_xh + h @ W_hh + b_h)
        out.append(h)
    return np.stack(out, axis=1)
