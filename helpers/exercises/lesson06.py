"""Lesson 06 exercises: one LSTM step (06.1), one GRU step, Keras convention (06.2), and the per-token
accuracy of a tagger over padded sentences (06.3)."""
from __future__ import annotations

import numpy as np

from ..lstm import gru_step, lstm_step, sigmoid
from ..tagging import masked_token_accuracy
from . import draws
from . import Mismatch, expect_close, expect_shape, register
from ._lesson_inputs import as_array, call, plain


def _lstm_case(seed=6, batch=3, features=5, units=4):
    rng = draws.rng(seed)
    return (rng.normal(size=(batch, features)), rng.normal(size=(batch, units)), rng.normal(size=(batch, units)) * 2,
            rng.normal(size=(features, 4 * units)), rng.normal(size=(units, 4 * units)), rng.normal(size=4 * units))


def _lstm_variant(x, h, c, W, U, b, *, order="ifco", swap=False, forget_on_candidate=False, no_output=False):
    units = h.shape[1]
    z = x @ W + h @ U + b
    blocks = {name: z[:, k * units:(k + 1) * units] for k, name in enumerate(order)}
    squash_gate, squash_cand = (np.tanh, sigmoid) if swap else (sigmoid, np.tanh)
    i, f, o = (squash_gate(blocks[n]) for n in "ifo")
    g = squash_cand(blocks["c"])
    c_new = (i * c + f * g) if forget_on_candidate else (f * c + i * g)
    h_new = np.tanh(c_new) if no_output else o * np.tanh(c_new)
    return h_new, c_new


def _lstm_cases():
    yield _lstm_case()
    yield _lstm_case(seed=61, batch=1, features=2, units=1)
    yield _lstm_case(seed=63, batch=2, features=3, units=6)
    x, h, c, W, U, b = _lstm_case(seed=64, batch=5, features=4, units=3)
    # float32 input and weights with a float64 state, as in the notebook's loop
    yield x.astype(np.float32), h, c, W.astype(np.float32), U.astype(np.float32), b.astype(np.float32)


_LSTM_ARGS = ("x_t", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias")


def _float_result(what, value, inputs) -> np.ndarray:
    """A numpy float array; float64 when any input is float64 (numpy's own promotion)."""
    value = as_array(what, value)
    wanted = np.result_type(*inputs)
    if wanted == np.float64 and value.dtype != np.float64:
        raise Mismatch(f"{what}: expected float64 (numpy's result for these float64 inputs), got {value.dtype}: "
                       "compute with numpy (np.exp, np.tanh, @) and do not cast")
    return value


@register("06.1", "One LSTM step (Keras gate order i, f, c, o)", lstm_step)
def check_lstm_step(candidate):
    for number, case in enumerate(_lstm_cases()):
        batch, units = case[1].shape
        where = f"lstm_step with batch {batch}, {case[0].shape[1]} features, {units} units"
        expected_h, expected_c = lstm_step(*case)
        result = call("lstm_step", candidate, _LSTM_ARGS, case, where=where, first=number == 0)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Mismatch(f"lstm_step should return a pair (h_t, c_t), got {type(result).__name__}")
        h = _float_result(f"{where}: h_t", result[0], case)
        c = _float_result(f"{where}: c_t", result[1], case)
        h, c = h.astype(np.float64), c.astype(np.float64)
        if h.shape == expected_h.shape and c.shape == expected_h.shape:
            if np.allclose(h, expected_c, atol=1e-6) and np.allclose(c, expected_h, atol=1e-6):
                raise Mismatch(f"{where}: h_t and c_t are swapped: return (h_t, c_t)")
        expect_shape(f"{where}: h_t", h, expected_h.shape)
        expect_shape(f"{where}: c_t", c, expected_c.shape)
        if np.allclose(h, expected_h, atol=1e-6) and np.allclose(c, expected_c, atol=1e-6):
            continue
        wrong = {
            "gates in the wrong order: Keras stores the blocks as i, f, c, o (input, forget, candidate, output), "
            "you used i, f, o, c": dict(order="ifoc"),
            "the forget gate must scale the old cell state c_{t-1} and the input gate the candidate: "
            "c_t = f * c_{t-1} + i * g (or you took the input and forget blocks in the wrong order: Keras' "
            "order is i, f, c, o)": dict(forget_on_candidate=True),
            "sigmoid and tanh swapped: the gates i, f, o use sigmoid (a 0-1 valve), the candidate uses tanh":
                dict(swap=True),
            "the output gate is missing: h_t = o * tanh(c_t)": dict(no_output=True),
        }
        for message, options in wrong.items():
            wrong_h, wrong_c = _lstm_variant(*case, **options)
            if np.allclose(h, wrong_h, atol=1e-6) and np.allclose(c, wrong_c, atol=1e-6):
                raise Mismatch(f"{where}: {message}")
        if np.allclose(c, expected_c, atol=1e-6) and np.allclose(h, np.tanh(expected_c), atol=1e-6):
            raise Mismatch(f"{where}: the output gate is missing: h_t = o * tanh(c_t)")
        x, hp, cp, W, U, b = case
        if np.allclose(c, _lstm_variant(x, hp, cp, W, U, np.zeros_like(b))[1], atol=1e-6):
            raise Mismatch(f"{where}: the bias is missing: z = x_t @ kernel + h_prev @ recurrent_kernel + bias")
        if np.allclose(c, _lstm_variant(x, np.zeros_like(hp), cp, W, U, b)[1], atol=1e-6):
            raise Mismatch(f"{where}: h_prev is not used: z = x_t @ kernel + h_prev @ recurrent_kernel + bias")
        expect_close(f"{where}: c_t (cell state)", c, expected_c, atol=1e-6)
        expect_close(f"{where}: h_t (hidden state)", h, expected_h, atol=1e-6)


def _gru_variant(x, h, W, U, b, *, textbook=False, reset_before=False, order="zrh"):
    units = h.shape[1]
    xw = x @ W + b[0]
    hu = h @ U + b[1]
    blk = lambda m, name: m[:, order.index(name) * units:(order.index(name) + 1) * units]  # noqa: E731
    z = sigmoid(blk(xw, "z") + blk(hu, "z"))
    r = sigmoid(blk(xw, "r") + blk(hu, "r"))
    if reset_before:
        cand = np.tanh(blk(xw, "h") + (r * h) @ U[:, order.index("h") * units:(order.index("h") + 1) * units]
                       + b[1][order.index("h") * units:(order.index("h") + 1) * units])
    else:
        cand = np.tanh(blk(xw, "h") + r * blk(hu, "h"))
    return (1 - z) * h + z * cand if textbook else z * h + (1 - z) * cand


def _gru_cases():
    rng = draws.rng(62)
    for batch, features, units in ((3, 5, 4), (1, 2, 1), (2, 3, 6), (4, 4, 3)):
        yield (rng.normal(size=(batch, features)), rng.normal(size=(batch, units)),
               rng.normal(size=(features, 3 * units)), rng.normal(size=(units, 3 * units)),
               rng.normal(size=(2, 3 * units)))


@register("06.2", "One GRU step (Keras: reset_after=True, z keeps the old state)", gru_step)
def check_gru_step(candidate):
    for number, case in enumerate(_gru_cases()):
        if number == 3:                                   # float32 weights and input, as in the notebook
            case = tuple(a.astype(np.float32) if k != 1 else a for k, a in enumerate(case))
        batch, units = case[1].shape
        where = f"gru_step with batch {batch}, {case[0].shape[1]} features, {units} units"
        expected = gru_step(*case)
        result = call("gru_step", candidate, ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias"), case,
                      where=where, first=number == 0)
        if isinstance(result, (tuple, list)):
            raise Mismatch(f"{where}: return h_t alone (one array (batch, units)), got a {type(result).__name__}")
        got = _float_result(f"{where}: h_t", result, case).astype(np.float64)
        expect_shape(f"{where}: h_t", got, expected.shape)
        if np.allclose(got, expected, atol=1e-6):
            continue
        wrong = {
            "that is the textbook convention h_t = (1 - z) h_{t-1} + z ĥ; Keras' update gate z is the share of the "
            "OLD state kept: h_t = z * h_{t-1} + (1 - z) * ĥ": dict(textbook=True),
            "the reset gate is applied before the recurrent matrix product (reset_after=False); Keras' default "
            "applies it after: ĥ = tanh(x W_h + b_h + r * (h U_h + b'_h))": dict(reset_before=True),
            "gates in the wrong order: Keras stores the blocks as z, r, h (update, reset, candidate)":
                dict(order="rzh"),
        }
        for message, options in wrong.items():
            if np.allclose(got, _gru_variant(*case, **options), atol=1e-6):
                raise Mismatch(f"{where}: {message}")
        x, h, W, U, b = case
        if np.allclose(got, _gru_variant(x, h, W, U, b[::-1]), atol=1e-6):
            raise Mismatch(f"{where}: the two bias rows are swapped: bias[0] goes with the input side (x_t @ kernel), "
                           "bias[1] with the recurrent side (h_prev @ recurrent_kernel)")
        if np.allclose(got, _gru_variant(x, h, W, U, np.stack([b[0], np.zeros_like(b[1])])), atol=1e-6):
            raise Mismatch(f"{where}: bias[1] (the recurrent side's bias) is missing; the bias has two rows")
        expect_close(f"{where}: h_t", got, expected, atol=1e-6)


# ---- 06.3: per-token accuracy over padded sentences ----------------------------------------------------

def _tagging_case(seed, batch, time, n_tags, *, holes=False):
    """Sentences of different lengths padded at the end (tag 0 and confident tag-0 predictions on the padding,
    as a trained tagger gives); real words use tag 0 too; ``holes`` also masks words inside sentences.

    A case with holes is drawn again (from the same generator) until every classic mistake gives a value at
    least 0.001 away from the right answer on it: whatever the salt, it tells them apart."""
    rng = draws.rng(seed)
    for _ in range(200):
        case = _draw_tagging_case(rng, batch, time, n_tags, holes)
        tags, probabilities, mask = case
        right = (np.argmax(probabilities, axis=-1) == tags)
        want = (right & mask).sum() / mask.sum()
        if not holes or all(abs(value - want) > 1e-3 for value in _tagging_wrong(*case).values()):
            return case
    raise RuntimeError("no telling tagging case drawn in 200 tries")  # never seen; a checker bug, not the student's


def _draw_tagging_case(rng, batch, time, n_tags, holes):
    lengths = rng.integers(1, time + 1, size=batch)
    lengths[0] = time                                          # one full sentence, one short one at least
    if batch > 1:
        lengths[1] = 1
    mask = np.arange(time)[None, :] < lengths[:, None]
    if holes:                                                  # e.g. `mask & ambiguous`: only some words count
        mask &= rng.random((batch, time)) < 0.6
        mask[0, 0] = True
    tags = np.where(mask | (np.arange(time)[None, :] < lengths[:, None]), rng.integers(0, n_tags, (batch, time)), 0)
    probabilities = rng.dirichlet(np.ones(n_tags), size=(batch, time))
    right = rng.random((batch, time)) < 0.6                   # about 60 % of the words predicted right
    boost = np.zeros_like(probabilities)
    np.put_along_axis(boost, tags[..., None], 2.0, axis=-1)
    probabilities = np.where(right[..., None], probabilities + boost, probabilities)
    padding = ~(np.arange(time)[None, :] < lengths[:, None])
    probabilities[padding] = np.eye(n_tags)[0] * 0.9 + 0.1 / n_tags   # padding: confidently "tag 0", and tag 0
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    return tags.astype(np.int64), probabilities, mask


def _tagging_cases():
    yield _tagging_case(60, 5, 7, 4)
    yield _tagging_case(61, 1, 4, 3)                           # a batch of one sentence
    yield _tagging_case(62, 6, 9, 5, holes=True)               # a mask with holes, not only padding at the end
    yield _tagging_case(63, 4, 6, 4, holes=True)


def _tagging_wrong(tags, probabilities, mask) -> dict:
    """Values of the classic mistakes on this input: {hint: value}."""
    predicted = np.argmax(probabilities, axis=-1)
    right = predicted == tags
    lengths = mask.sum(axis=1)
    prefix = np.arange(mask.shape[1])[None, :] < lengths[:, None]
    wrong = {
        "padding was counted: only positions where `mask` is True are real words; "
        "divide the correct real words by the number of real words": right.mean(),
        "that is the mean of the per-sentence accuracies; every real word counts once: "
        "(correct real words) / (real words), so a long sentence weighs more": np.mean(
            [right[b][mask[b]].mean() for b in range(len(mask)) if mask[b].any()]),
        "the mask is given: tag 0 is a real tag of real words (O, 'other'); use `mask`, not `tags != 0`":
            (right & (tags != 0)).sum() / max((tags != 0).sum(), 1),
        "divided by every position, padding included; divide by the number of real words, `mask.sum()`":
            (right & mask).sum() / mask.size,
        "the mask is inverted: it is True on real words and False on padding":
            (right & ~mask).sum() / max((~mask).sum(), 1),
        "you took the first `mask.sum(axis=1)` positions of each row as the real words; `mask` can have holes "
        "(e.g. `mask & ambiguous` keeps only some words): use it element by element":
            (right & prefix).sum() / max(prefix.sum(), 1),
    }
    return {hint: float(value) for hint, value in wrong.items()}


@register("06.3", "Per-token accuracy over padded sentences (masked)", masked_token_accuracy)
def check_masked_token_accuracy(candidate):
    for number, (tags, probabilities, mask) in enumerate(_tagging_cases()):
        batch, time, n_tags = probabilities.shape
        holes = " (mask with holes)" if number >= 2 else ""
        where = f"masked_token_accuracy on {batch} sentences of up to {time} words, {n_tags} tags{holes}"
        expected = masked_token_accuracy(tags, probabilities, mask)
        result = call("masked_token_accuracy", candidate, ("tags", "probabilities", "mask"),
                      (tags, probabilities, mask), where=where, first=number == 0)
        if isinstance(result, np.ndarray) and result.shape == ():
            result = result[()]
        if isinstance(result, (bool, np.bool_)) or not isinstance(result, (int, float, np.integer, np.floating)):
            module = type(result).__module__.split(".")[0]
            extra = " (a tensor: compute with numpy)" if module in ("tensorflow", "keras", "torch", "jax") else ""
            shape = f" of shape {tuple(result.shape)}" if hasattr(result, "shape") else ""
            raise Mismatch(f"{where}: expected one number (a float share in [0, 1]), got "
                           f"{type(result).__name__}{shape}{extra}")
        got = float(result)
        if abs(got - expected) <= 1e-9:
            continue
        correct = int(((np.argmax(probabilities, axis=-1) == tags) & mask).sum())
        if got == correct and correct != expected:
            raise Mismatch(f"{where}: you returned the count of correct real words ({correct}); "
                           f"expected the share, {plain(expected)} = {correct} / {int(mask.sum())}")
        for hint, value in _tagging_wrong(tags, probabilities, mask).items():
            if abs(got - value) <= 1e-9 and abs(value - expected) > 1e-9:
                raise Mismatch(f"{where}: {hint} (expected {plain(expected)}, got {plain(got)})")
        raise Mismatch(f"{where}: expected {plain(expected)} (the share of real words, `mask` True, whose most "
                       f"probable tag `argmax` over the last axis is the true tag), got {plain(got)}")
