"""A vanilla RNN in numpy: forward pass, backpropagation through time, gradient checks (lessons 03-04).

The maths, one step, written for a batch of row vectors (the layout Keras uses)::

    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h)      # (batch, hidden)
    y_t = h_t @ W_hy + b_y                              # (batch, outputs): logits

On the slides the same step is ``h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h)`` with column
vectors; the matrices here are the transposes of the ones on the slide, so that
``W_xh`` has shape ``(features, hidden)`` exactly like ``keras.layers.SimpleRNN``'s
``kernel`` and ``W_hh`` like its ``recurrent_kernel``.

The same five arrays (``W_xh, W_hh, b_h, W_hy, b_y``) are used at every time step:
that is parameter sharing. Every function is vectorised over the batch and loops over
time only.
"""
from __future__ import annotations

import numpy as np

from .validation import (MAX_ITEMS, MAX_LENGTH, MAX_UNITS, check_alloc, check_array, check_callable,
                         check_float_dtype, check_number, check_positive_int, check_seed, check_size)

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
RNN_NAMES = ("W_xh", "W_hh", "b_h")


# ---- parameters ------------------------------------------------------------------------------

def init_params(n_in: int, n_hidden: int, n_out: int | None = None, *, seed: int = 0,
                radius: float | None = None, dtype=np.float64) -> dict:
    """Random RNN parameters (lesson 03).

    Returns ``{"W_xh": (n_in, n_hidden), "W_hh": (n_hidden, n_hidden), "b_h": (n_hidden,),
    "W_hy": (n_hidden, n_out), "b_y": (n_out,)}`` (the last two only when ``n_out`` is given).
    ``radius`` rescales ``W_hh`` to that spectral radius (largest absolute eigenvalue).
    """
    n_in = check_size("n_in", n_in, maximum=MAX_UNITS, what="features")
    n_hidden = check_size("n_hidden", n_hidden, maximum=MAX_UNITS, what="units")
    dtype = check_float_dtype("dtype", dtype)
    if n_out is not None:
        n_out = check_size("n_out", n_out, maximum=MAX_UNITS, what="outputs")
    if radius is not None:
        radius = check_number("radius", radius, low=0, high=1e6)
    rng = np.random.default_rng(check_seed("seed", seed))
    params = {
        "W_xh": rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden)),
        "W_hh": rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, n_hidden)),
        "b_h": rng.normal(0, 0.1, n_hidden),
    }
    if radius is not None:
        params["W_hh"] = set_spectral_radius(params["W_hh"], radius)
    if n_out is not None:
        params["W_hy"] = rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, n_out))
        params["b_y"] = np.zeros(n_out)
    return {k: v.astype(dtype) for k, v in params.items()}


def set_spectral_radius(W_hh, radius: float) -> np.ndarray:
    """``W_hh (hidden, hidden)`` scaled so its largest absolute eigenvalue is ``radius``."""
    W_hh = check_array("W_hh", W_hh, ndim=2, kind="float")
    if W_hh.shape[0] != W_hh.shape[1]:
        raise ValueError(f"argument 'W_hh': expected a square (hidden, hidden) matrix, got {W_hh.shape}")
    radius = check_number("radius", radius, low=0, high=1e6)
    current = np.max(np.abs(np.linalg.eigvals(W_hh)))
    return W_hh * (radius / current) if current > 0 else W_hh.copy()


def params_from_keras(rnn_layer, dense_layer=None) -> dict:
    """Copy ``keras.layers.SimpleRNN`` (and an optional ``Dense``) weights into numpy names.

    ``kernel`` → ``W_xh``, ``recurrent_kernel`` → ``W_hh``, ``bias`` → ``b_h``; the Dense
    layer's ``kernel``/``bias`` → ``W_hy``/``b_y``.
    """
    if not hasattr(rnn_layer, "get_weights"):
        raise TypeError(f"argument 'rnn_layer': expected a keras.layers.SimpleRNN, got {type(rnn_layer).__name__} "
                        f"{rnn_layer!r:.40}")
    if dense_layer is not None and not hasattr(dense_layer, "get_weights"):
        raise TypeError(f"argument 'dense_layer': expected a keras.layers.Dense or None, got "
                        f"{type(dense_layer).__name__} {dense_layer!r:.40}")
    weights = rnn_layer.get_weights()
    if len(weights) != 3:
        raise ValueError(f"argument 'rnn_layer': expected a SimpleRNN with kernel, recurrent_kernel and bias "
                         f"(3 arrays), got {len(weights)} arrays")
    params = dict(zip(RNN_NAMES, weights))
    if dense_layer is not None:
        params["W_hy"], params["b_y"] = dense_layer.get_weights()
    return params


def _check_params(params, *, need_output: bool) -> tuple[int, int]:
    if not isinstance(params, dict):
        raise TypeError(f"argument 'params': expected a dict with keys {list(PARAM_NAMES)}, got {type(params).__name__}")
    names = PARAM_NAMES if need_output else RNN_NAMES
    missing = [n for n in names if n not in params]
    if missing:
        raise ValueError(f"argument 'params': missing {missing} (expected keys {list(names)})")
    W_xh = check_array("params['W_xh']", params["W_xh"], ndim=2, kind="float")
    n_in, n_hidden = W_xh.shape
    check_array("params['W_hh']", params["W_hh"], shape=(n_hidden, n_hidden), dims=("hidden", "hidden"), kind="float")
    check_array("params['b_h']", params["b_h"], shape=(n_hidden,), kind="float")
    if need_output:
        W_hy = check_array("params['W_hy']", params["W_hy"], ndim=2, kind="float")
        check_array("params['W_hy']", W_hy, shape=(n_hidden, None), dims=("hidden", "outputs"))
        check_array("params['b_y']", params["b_y"], shape=(W_hy.shape[1],), kind="float")
    return n_in, n_hidden


def _check_inputs(x, h0, n_in: int, n_hidden: int):
    x = check_array("x", x, ndim=3, kind="number", allow_empty=True)
    if x.shape[1] == 0:
        raise ValueError(f"argument 'x': expected a sequence of length >= 1, got shape {x.shape} (time = 0)")
    check_array("x", x, shape=(None, None, n_in), dims=("batch", "time", "features"))
    if h0 is None:
        h0 = np.zeros((x.shape[0], n_hidden), dtype=x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64)
    h0 = check_array("h0", h0, shape=(x.shape[0], n_hidden), dims=("batch", "hidden"), kind="float")
    return x, h0


# ---- forward ---------------------------------------------------------------------------------

def rnn_step(x_t, h_prev, W_xh, W_hh, b_h) -> np.ndarray:
    """One step: ``x_t (batch, features)``, ``h_prev (batch, hidden)`` → ``h_t (batch, hidden)`` (lesson 03)."""
    W_xh = check_array("W_xh", W_xh, ndim=2, kind="float")
    n_in, n_hidden = W_xh.shape
    x_t = check_array("x_t", x_t, shape=(None, n_in), dims=("batch", "features"), kind="number")
    h_prev = check_array("h_prev", h_prev, shape=(x_t.shape[0], n_hidden), dims=("batch", "hidden"), kind="float")
    W_hh = check_array("W_hh", W_hh, shape=(n_hidden, n_hidden), dims=("hidden", "hidden"), kind="float")
    b_h = check_array("b_h", b_h, shape=(n_hidden,), kind="float")
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)  # (batch, hidden)


def rnn_forward(x, params: dict, h0=None) -> tuple[np.ndarray, np.ndarray | None]:
    """Run the RNN over a batch of sequences (lesson 03).

    ``x (batch, time, features)``, optional ``h0 (batch, hidden)`` (zeros by default) →
    ``hs (batch, time, hidden)`` (the state after each step) and ``ys (batch, time, outputs)``
    (the logits; ``None`` when ``params`` has no ``W_hy``).
    """
    has_output = "W_hy" in params if isinstance(params, dict) else False
    n_in, n_hidden = _check_params(params, need_output=has_output)
    x, h = _check_inputs(x, h0, n_in, n_hidden)
    W_xh, W_hh, b_h = (params[k] for k in RNN_NAMES)
    batch, time, _ = x.shape
    hs = np.empty((batch, time, n_hidden), dtype=np.result_type(h, W_hh))
    x_proj = x @ W_xh + b_h  # (batch, time, hidden): the input part for every step at once
    for t in range(time):  # the recurrence itself must be sequential
        h = np.tanh(x_proj[:, t] + h @ W_hh)  # (batch, hidden)
        hs[:, t] = h
    ys = hs @ params["W_hy"] + params["b_y"] if has_output else None  # (batch, time, outputs)
    return hs, ys


# ---- loss ------------------------------------------------------------------------------------

def softmax(logits, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax over ``axis``."""
    z = check_array("logits", logits, kind="number")
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    if not isinstance(axis, int) or not -z.ndim <= axis < z.ndim:
        raise ValueError(f"argument 'axis': expected an int in [{-z.ndim}, {z.ndim - 1}], got {axis!r}")
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _check_targets(targets, ys_shape, mask=None):
    targets = check_array("targets", targets, shape=ys_shape[:2], dims=("batch", "time"), kind="int")
    if targets.min() < 0 or targets.max() >= ys_shape[2]:
        raise ValueError(f"argument 'targets': expected class ids in [0, {ys_shape[2] - 1}], "
                         f"got range [{targets.min()}, {targets.max()}]")
    if mask is None:
        mask = np.ones(ys_shape[:2])
    mask = check_array("mask", mask, shape=ys_shape[:2], dims=("batch", "time"), kind="number").astype(np.float64)
    return targets, mask


def sequence_loss(ys, targets, mask=None) -> tuple[float, np.ndarray]:
    """Total loss ``L = sum_t L_t`` with ``L_t`` the batch-mean cross-entropy at step t (lesson 04).

    ``ys (batch, time, outputs)`` logits, ``targets (batch, time)`` class ids, optional
    ``mask (batch, time)`` (0 = no loss at that step). Returns ``(L, per_step (time,))``.
    """
    ys = check_array("ys", ys, ndim=3, kind="float")
    targets, mask = _check_targets(targets, ys.shape, mask)
    log_p = ys - ys.max(-1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(-1, keepdims=True))
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]  # (batch, time)
    per_step = -(picked * mask).sum(0) / ys.shape[0]  # (time,)
    return float(per_step.sum()), per_step


def loss_fn(x, targets, params, h0=None, mask=None) -> float:
    """Forward pass and :func:`sequence_loss` in one call: the function BPTT differentiates."""
    _, ys = rnn_forward(x, params, h0)
    if ys is None:
        raise ValueError("argument 'params': expected output weights 'W_hy' and 'b_y' to compute a loss")
    return sequence_loss(ys, targets, mask)[0]


# ---- backward: backpropagation through time ---------------------------------------------------

def step_backward(dh, h_t, h_prev, x_t, W_hh) -> dict:
    """Back through one tanh step (lesson 04).

    ``dh (batch, hidden)`` is the whole gradient arriving at ``h_t`` (from ``y_t`` and from
    the future). Returns this step's contributions ``dW_xh (features, hidden)``,
    ``dW_hh (hidden, hidden)``, ``db_h (hidden,)`` and ``dh_prev (batch, hidden)``, the
    gradient handed back to ``h_{t-1}``.
    """
    dh = check_array("dh", dh, ndim=2, kind="float")
    batch, n_hidden = dh.shape
    dims = ("batch", "hidden")
    h_t = check_array("h_t", h_t, shape=(batch, n_hidden), dims=dims, kind="float")
    h_prev = check_array("h_prev", h_prev, shape=(batch, n_hidden), dims=dims, kind="float")
    x_t = check_array("x_t", x_t, shape=(batch, None), dims=("batch", "features"), kind="number")
    W_hh = check_array("W_hh", W_hh, shape=(n_hidden, n_hidden), dims=("hidden", "hidden"), kind="float")
    da = dh * (1.0 - h_t ** 2)  # (batch, hidden): through tanh, tanh'(a) = 1 - tanh(a)^2
    return {"dW_xh": x_t.T @ da,        # (features, hidden)
            "dW_hh": h_prev.T @ da,     # (hidden, hidden)
            "db_h": da.sum(axis=0),     # (hidden,)
            "dh_prev": da @ W_hh.T}     # (batch, hidden): carried one step back


def rnn_backward(x, targets, params: dict, h0=None, *, mask=None, truncate: int | None = None) -> dict:
    """Gradients of :func:`sequence_loss` by backpropagation through time (lesson 04).

    Returns ``{"W_xh", "W_hh", "b_h", "W_hy", "b_y"}`` (same shapes as ``params``) and
    ``"h0"`` (batch, hidden). With ``truncate=k`` each loss ``L_t`` sends its gradient back
    through at most ``k`` steps (``h_t ... h_{t-k+1}``); ``None`` means the whole sequence.
    """
    n_in, n_hidden = _check_params(params, need_output=True)
    x, h0 = _check_inputs(x, h0, n_in, n_hidden)
    hs, ys = rnn_forward(x, params, h0)
    targets, mask = _check_targets(targets, ys.shape, mask)
    batch, time, _ = x.shape
    if truncate is not None:
        truncate = check_positive_int("truncate", truncate)
    dys = (softmax(ys) - np.eye(ys.shape[2])[targets]) * mask[..., None] / batch  # (batch, time, outputs)
    grads = {"W_hy": np.einsum("bth,bto->ho", hs, dys), "b_y": dys.sum(axis=(0, 1))}
    grads.update({k: np.zeros_like(params[k], dtype=hs.dtype) for k in RNN_NAMES})
    grads["h0"] = np.zeros_like(h0)
    h_prevs = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # (batch, time, hidden): h_{t-1}
    W_hh = params["W_hh"]
    dh_from_y = dys @ params["W_hy"].T  # (batch, time, hidden)
    if truncate is None or truncate >= time:
        dh_next = np.zeros((batch, n_hidden))
        for t in reversed(range(time)):  # one sweep back: gradients of every L_s, s >= t, at once
            step = step_backward(dh_from_y[:, t] + dh_next, hs[:, t], h_prevs[:, t], x[:, t], W_hh)
            for k in RNN_NAMES:
                grads[k] += step["d" + k]  # the same weights at every step: contributions add up
            dh_next = step["dh_prev"]
        grads["h0"] = dh_next
        return grads
    for s in range(time):  # truncated: each loss L_s walks back at most `truncate` steps
        dh = dh_from_y[:, s]
        for t in range(s, max(-1, s - truncate), -1):
            step = step_backward(dh, hs[:, t], h_prevs[:, t], x[:, t], W_hh)
            for k in RNN_NAMES:
                grads[k] += step["d" + k]
            dh = step["dh_prev"]
        if s - truncate < 0:
            grads["h0"] += dh
    return grads


def numerical_gradient(f, array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences ``(f(a + eps) - f(a - eps)) / 2 eps`` for every entry of ``array`` (lesson 04).

    ``f()`` takes no argument and reads ``array``, which is perturbed in place and restored.
    Use float64: in float32 the rounding error swamps the difference.
    """
    check_callable("f", f, "a function of no arguments returning the loss")
    if not isinstance(array, np.ndarray) or not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"argument 'array': expected a float numpy array, got {type(array).__name__}"
                        + (f" of dtype {array.dtype}" if isinstance(array, np.ndarray) else ""))
    check_array("array", array, kind="float")
    eps = check_number("eps", eps, low=0, low_open=True, high=1.0)
    if array.size > 1_000_000:
        raise ValueError(f"argument 'array': expected at most 1,000,000 entries (two loss evaluations each), "
                         f"got {array.size:,}")
    grad = np.zeros_like(array, dtype=np.float64)
    flat, gflat = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)`` (Frobenius norms): a scale-free gradient comparison.

    0 for equal arrays, 1 when one is zero and the other not. Norms rather than a max over
    entries, so that an entry that is nearly 0 in both does not dominate.
    """
    a = check_array("a", a, kind="number", allow_empty=True).astype(np.float64)
    b = check_array("b", b, kind="number", allow_empty=True).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"arguments 'a' and 'b': expected equal shapes, got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def numerical_gradients(x, targets, params, h0=None, mask=None, eps: float = 1e-6) -> dict:
    """:func:`numerical_gradient` of :func:`loss_fn` for every parameter (float64 copies)."""
    params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    x = np.asarray(x, dtype=np.float64)
    return {k: numerical_gradient(lambda: loss_fn(x, targets, params, h0, mask), params[k], eps)
            for k in PARAM_NAMES}


def tape_gradients(x, targets, params, h0=None, mask=None) -> dict:
    """The same gradients from ``tf.GradientTape`` in float64 (lesson 04): the independent check."""
    import tensorflow as tf

    n_in, n_hidden = _check_params(params, need_output=True)
    x, h0 = _check_inputs(np.asarray(x, dtype=np.float64), h0, n_in, n_hidden)
    _, ys = rnn_forward(x, params, h0)
    targets, mask = _check_targets(targets, ys.shape, mask)
    variables = {k: tf.Variable(np.asarray(params[k], dtype=np.float64)) for k in PARAM_NAMES}
    with tf.GradientTape() as tape:
        h = tf.constant(h0, dtype=tf.float64)
        total = tf.constant(0.0, dtype=tf.float64)
        for t in range(x.shape[1]):
            h = tf.tanh(x[:, t] @ variables["W_xh"] + h @ variables["W_hh"] + variables["b_h"])
            y = h @ variables["W_hy"] + variables["b_y"]
            ce = tf.nn.sparse_softmax_cross_entropy_with_logits(targets[:, t], y)
            total += tf.reduce_sum(ce * mask[:, t]) / x.shape[0]
    grads = tape.gradient(total, variables)
    return {k: grads[k].numpy() for k in PARAM_NAMES}


def contributions(x, targets, params, h0=None, truncate: int | None = None) -> np.ndarray:
    """How much each step contributes to the gradient of the LAST loss ``L_T`` (lesson 04).

    Returns ``(time,)``: entry ``t`` is the norm of step t's term in ``dL_T/dW_hh``, i.e.
    ``||h_{t-1}^T (dL_T/da_t)||``. With ``truncate=k`` the steps before ``T-k`` get exactly 0.
    """
    n_in, n_hidden = _check_params(params, need_output=True)
    x, h0 = _check_inputs(x, h0, n_in, n_hidden)
    hs, ys = rnn_forward(x, params, h0)
    targets, _ = _check_targets(targets, ys.shape)
    batch, time, _ = x.shape
    last = time - 1
    dy = (softmax(ys[:, last]) - np.eye(ys.shape[2])[targets[:, last]]) / batch  # (batch, outputs)
    dh = dy @ params["W_hy"].T
    h_prevs = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
    out = np.zeros(time)
    steps = time if truncate is None else min(time, check_positive_int("truncate", truncate))
    for t in range(last, last - steps, -1):
        step = step_backward(dh, hs[:, t], h_prevs[:, t], x[:, t], params["W_hh"])
        out[t] = np.linalg.norm(step["dW_hh"])
        dh = step["dh_prev"]
    return out


# ---- a task for truncated BPTT: echo the symbol seen `delay` steps ago ----------------------

def echo_task(n: int, time: int, delay: int, n_symbols: int = 4, *, seed: int = 0):
    """Inputs one-hot ``(n, time, n_symbols)``, targets ``(n, time)`` = the input ``delay`` steps earlier,
    mask ``(n, time)`` (0 for the first ``delay`` steps, which have no answer) (lesson 04)."""
    n = check_size("n", n, what="sequences")
    time = check_size("time", time, maximum=MAX_LENGTH, what="steps")
    delay = check_positive_int("delay", delay, minimum=0, maximum=time - 1)
    n_symbols = check_size("n_symbols", n_symbols, minimum=2, maximum=MAX_UNITS, what="symbols")
    check_alloc("n", (n, time, n_symbols), np.float64, what="one-hot inputs")
    rng = np.random.default_rng(check_seed("seed", seed))
    symbols = rng.integers(n_symbols, size=(n, time))
    targets = np.zeros_like(symbols)
    targets[:, delay:] = symbols[:, : time - delay]
    mask = np.zeros((n, time))
    mask[:, delay:] = 1.0
    return np.eye(n_symbols)[symbols], targets, mask


def train(x, targets, params: dict, *, mask=None, truncate: int | None = None, steps: int = 300,
          lr: float = 0.02, batch_size: int = 64, seed: int = 0, clip: float = 5.0) -> tuple[dict, list[float]]:
    """Adam on :func:`rnn_backward`'s gradients, minibatches of ``batch_size``; returns ``(params, losses)``."""
    steps = check_size("steps", steps, maximum=MAX_ITEMS, what="steps")
    lr = check_number("lr", lr, low=0, low_open=True, high=10)
    batch_size = check_size("batch_size", batch_size, maximum=100_000, what="rows")
    clip = check_number("clip", clip, low=0, low_open=True)
    rng = np.random.default_rng(check_seed("seed", seed))
    _check_params(params, need_output=True)
    x = check_array("x", x, ndim=3, kind="number")
    targets = check_array("targets", targets, shape=x.shape[:2], dims=("batch", "time"), kind="int")
    params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    mask = np.ones(targets.shape) if mask is None else mask
    losses = []
    for i in range(1, steps + 1):
        rows = rng.integers(len(x), size=batch_size)
        grads = rnn_backward(x[rows], targets[rows], params, mask=mask[rows], truncate=truncate)
        for k in PARAM_NAMES:
            g = np.clip(grads[k], -clip, clip)  # clip to tame the occasional exploding step
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            params[k] -= lr * (m[k] / (1 - 0.9 ** i)) / (np.sqrt(v[k] / (1 - 0.999 ** i)) + 1e-8)
        if i % 10 == 0 or i == steps:
            _, ys = rnn_forward(x[rows], params)
            losses.append(sequence_loss(ys, targets[rows], mask[rows])[0])
    return params, losses


def masked_accuracy(x, targets, params, mask=None) -> float:
    """Share of (unmasked) steps where the arg-max of ``y_t`` equals the target."""
    _, ys = rnn_forward(x, params)
    targets, mask = _check_targets(targets, ys.shape, mask)
    if mask.sum() == 0:
        raise ValueError("argument 'mask': expected at least one unmasked step (a 1), got all zeros")
    hits = (ys.argmax(-1) == targets) * mask
    return float(hits.sum() / mask.sum())
