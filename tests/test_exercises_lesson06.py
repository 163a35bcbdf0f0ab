"""Exercises 06.1 (LSTM step), 06.2 (GRU step) and 06.3 (masked per-token accuracy): plausible wrong answers are rejected with the right
hint, correct answers written differently from the references pass.

Families of wrong answers (issue 13): right only on one input, properties not checked, wrong dtype,
inputs changed in place.
"""
import numpy as np

from helpers import exercises
from helpers.exercises.lesson06 import _gru_variant, _lstm_variant
from helpers.lstm import sigmoid
from tests.exercise_utils import assert_passes


def _lstm_wrong(**options):
    return lambda x, h, c, W, U, b: _lstm_variant(x, h, c, W, U, b, **options)


def _gates(x, h, W, U, b):
    u = h.shape[1]
    z = x @ W + h @ U + b
    return sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])


def lstm_no_input_gate(x, h, c, W, U, b):
    i, f, g, o = _gates(x, h, W, U, b)
    c_new = f * c + g
    return o * np.tanh(c_new), c_new


def lstm_cell_in_place(x, h, c, W, U, b):
    i, f, g, o = _gates(x, h, W, U, b)
    c *= f                                   # updates the caller's c_prev
    c += i * g
    return o * np.tanh(c), c


def lstm_h_in_place(x, h, c, W, U, b):
    i, f, g, o = _gates(x, h, W, U, b)
    c_new = f * c + i * g
    np.multiply(o, np.tanh(c_new), out=h)    # writes h_t into the caller's h_prev
    return h, c_new


def lstm_hard_coded_units(x, h, c, W, U, b):
    u = 4                                    # the size of one example
    z = x @ W + h @ U + b
    i, f, g, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new


def lstm_keras_ops(x, h, c, W, U, b):
    import keras
    u = h.shape[1]
    z = x @ W + h @ U + b
    i, f, o = (keras.ops.sigmoid(z[:, k * u:(k + 1) * u]) for k in (0, 1, 3))
    c_new = f * c + i * np.tanh(z[:, 2 * u:3 * u])
    return o * keras.ops.tanh(c_new), c_new


def lstm_float32(x, h, c, W, U, b):
    h_new, c_new = _lstm_variant(x, h, c, W, U, b)
    return h_new.astype(np.float32), c_new.astype(np.float32)


def lstm_no_bias(x, h, c, W, U, b):
    return _lstm_variant(x, h, c, W, U, np.zeros_like(b))


def lstm_split(x, h, c, W, U, b):
    Wi, Wf, Wc, Wo = np.split(W, 4, axis=1)
    Ui, Uf, Uc, Uo = np.split(U, 4, axis=1)
    bi, bf, bc, bo = np.split(b, 4)
    i = 1 / (1 + np.exp(-(x @ Wi + h @ Ui + bi)))
    f = 1 / (1 + np.exp(-(x @ Wf + h @ Uf + bf)))
    o = 1 / (1 + np.exp(-(x @ Wo + h @ Uo + bo)))
    c_new = f * c + i * np.tanh(x @ Wc + h @ Uc + bc)
    return o * np.tanh(c_new), c_new


def lstm_tanh_sigmoid(x, h, c, W, U, b):
    z = np.concatenate([x, h], axis=1) @ np.concatenate([W, U], axis=0) + b   # one matrix product
    i, f, g, o = np.split(z, 4, axis=1)
    gate = lambda a: 0.5 * (1 + np.tanh(a / 2))   # noqa: E731  (= sigmoid)
    c_new = gate(f) * c + gate(i) * np.tanh(g)
    return [gate(o) * np.tanh(c_new), c_new]


def _lstm_tensorflow(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """Right arithmetic with TensorFlow ops, which refuse float32 + float64 where numpy promotes."""
    import tensorflow as tf

    units = h_prev.shape[1]
    z = tf.matmul(x_t, kernel) + tf.matmul(h_prev, recurrent_kernel) + bias
    i, f = tf.sigmoid(z[:, :units]), tf.sigmoid(z[:, units:2 * units])
    g, o = tf.tanh(z[:, 2 * units:3 * units]), tf.sigmoid(z[:, 3 * units:])
    c = f * c_prev + i * g
    return (o * tf.tanh(c)).numpy(), c.numpy()


WRONG = {
    "06.1": [
        ("TensorFlow ops mixing dtypes", lambda *a: _lstm_tensorflow(*a), ("TensorFlow ops do not mix",)),
        ("gate order i, f, o, c", _lstm_wrong(order="ifoc"), ("order",)),
        ("gate order f, i, c, o", _lstm_wrong(order="fico"), ("order",)),
        ("sigmoid and tanh swapped", _lstm_wrong(swap=True), ("swapped",)),
        ("forget gate on the candidate", _lstm_wrong(forget_on_candidate=True), ("old cell state",)),
        ("no output gate", _lstm_wrong(no_output=True), ("output gate",)),
        ("h and c swapped", lambda *a: _lstm_variant(*a)[::-1], ("swapped",)),
        ("no input gate", lstm_no_input_gate, ("c_t",)),
        ("no bias (right when the bias is 0)", lstm_no_bias, ("bias is missing",)),
        ("h_t only", lambda *a: _lstm_variant(*a)[0], ("pair",)),
        ("hard-coded 4 units (one input)", lstm_hard_coded_units, ("batch 1, 2 features, 1 units", "hard-coded")),
        ("keras.ops tensors (dtype)", lstm_keras_ops, ("numpy array",)),
        ("float32 (dtype)", lstm_float32, ("float64",)),
        ("c_prev updated in place", lstm_cell_in_place, ("in place", "`c_prev`")),
        ("h_t written into h_prev", lstm_h_in_place, ("in place", "`h_prev`")),
    ],
}

RIGHT = {
    "06.1": [
        ("blocks split per gate", lstm_split),
        ("one stacked product, sigmoid via tanh, a list", lstm_tanh_sigmoid),
    ],
}


def _gru_wrong(**options):
    return lambda x, h, W, U, b: _gru_variant(x, h, W, U, b, **options)


def gru_in_place(x, h, W, U, b):
    u = h.shape[1]
    xw, hu = x @ W + b[0], h @ U + b[1]
    z = sigmoid(xw[:, :u] + hu[:, :u])
    r = sigmoid(xw[:, u:2 * u] + hu[:, u:2 * u])
    cand = np.tanh(xw[:, 2 * u:] + r * hu[:, 2 * u:])
    h *= z                                   # updates the caller's h_prev
    h += (1 - z) * cand
    return h


def gru_hard_coded_units(x, h, W, U, b):
    u = 4
    xw, hu = x @ W + b[0], h @ U + b[1]
    z = sigmoid(xw[:, :u] + hu[:, :u])
    r = sigmoid(xw[:, u:2 * u] + hu[:, u:2 * u])
    return z * h + (1 - z) * np.tanh(xw[:, 2 * u:] + r * hu[:, 2 * u:])


def gru_keras_ops(x, h, W, U, b):
    import keras
    return keras.ops.convert_to_tensor(_gru_variant(x, h, W, U, b), dtype="float32")


def gru_float32(x, h, W, U, b):
    return _gru_variant(x, h, W, U, b).astype(np.float32)


def gru_no_reset(x, h, W, U, b):
    u = h.shape[1]
    xw, hu = x @ W + b[0], h @ U + b[1]
    z = sigmoid(xw[:, :u] + hu[:, :u])
    return z * h + (1 - z) * np.tanh(xw[:, 2 * u:] + hu[:, 2 * u:])


def gru_summed_bias(x, h, W, U, b):
    return _gru_variant(x, h, W, U, np.stack([b[0] + b[1], np.zeros_like(b[1])]))


def gru_per_gate(x, h, W, U, b):
    Wz, Wr, Wh = np.split(W, 3, axis=1)
    Uz, Ur, Uh = np.split(U, 3, axis=1)
    (bz, br, bh), (rz, rr, rh) = np.split(b[0], 3), np.split(b[1], 3)
    z = 1 / (1 + np.exp(-(x @ Wz + bz + h @ Uz + rz)))
    r = 1 / (1 + np.exp(-(x @ Wr + br + h @ Ur + rr)))
    cand = np.tanh(x @ Wh + bh + r * (h @ Uh + rh))
    return h + (1 - z) * (cand - h)          # = z h + (1 - z) cand


def gru_einsum(x, h, W, U, b):
    u = h.shape[1]
    xw = np.einsum("bf,fk->bk", x, W) + b[0]
    hu = np.einsum("bu,uk->bk", h, U) + b[1]
    z, r = np.split(sigmoid(xw[:, :2 * u] + hu[:, :2 * u]), 2, axis=1)
    return z * h + (1 - z) * np.tanh(xw[:, 2 * u:] + r * hu[:, 2 * u:])


WRONG["06.2"] = [
    ("textbook update", _gru_wrong(textbook=True), ("textbook",)),
    ("reset before the product", _gru_wrong(reset_before=True), ("reset_after",)),
    ("gate order r, z, h", _gru_wrong(order="rzh"), ("order",)),
    ("bias rows swapped", lambda x, h, W, U, b: _gru_variant(x, h, W, U, b[::-1]), ("bias rows are swapped",)),
    ("candidate only", lambda x, h, W, U, b: np.tanh(x @ W[:, 2 * h.shape[1]:]), ("h_t",)),
    ("no reset gate", gru_no_reset, ("h_t",)),
    ("both bias rows on the input side", gru_summed_bias, ("h_t",)),
    ("recurrent bias missing", lambda x, h, W, U, b: _gru_variant(x, h, W, U, np.stack([b[0], 0 * b[1]])),
     ("bias[1]",)),
    ("hard-coded 4 units (one input)", gru_hard_coded_units, ("1 units", "hard-coded")),
    ("a tensor (dtype)", gru_keras_ops, ("numpy array",)),
    ("float32 (dtype)", gru_float32, ("float64",)),
    ("h_prev updated in place", gru_in_place, ("in place", "`h_prev`")),
]

RIGHT["06.2"] = [
    ("per-gate matrices, h + (1 - z)(ĥ - h)", gru_per_gate),
    ("einsum, z and r together", gru_einsum),
]


# ---- 06.3: per-token accuracy over padded sentences ----------------------------------------------------

def acc_no_mask(tags, p, mask):
    return float(np.mean(np.argmax(p, axis=-1) == tags))


def acc_per_sentence(tags, p, mask):
    right = np.argmax(p, axis=-1) == tags
    return float(np.mean([right[b][mask[b]].mean() for b in range(len(tags))]))


def acc_tags_as_mask(tags, p, mask):
    real = tags != 0                          # "padding has tag 0"
    return float(((np.argmax(p, axis=-1) == tags) & real).sum() / real.sum())


def acc_all_positions(tags, p, mask):
    return float(((np.argmax(p, axis=-1) == tags) & mask).sum() / mask.size)


def acc_inverted(tags, p, mask):
    pad = ~mask
    return float(((np.argmax(p, axis=-1) == tags) & pad).sum() / max(pad.sum(), 1))


def acc_count(tags, p, mask):
    return int(((np.argmax(p, axis=-1) == tags) & mask).sum())


def acc_prefix_lengths(tags, p, mask):
    lengths = mask.sum(axis=1)                # right for padding at the end only
    right = [np.argmax(p[b, :n], axis=-1) == tags[b, :n] for b, n in enumerate(lengths)]
    return float(np.concatenate(right).mean())


def acc_first_sentence(tags, p, mask):
    return float(np.mean((np.argmax(p[0], axis=-1) == tags[0])[mask[0]]))


def acc_array(tags, p, mask):
    return np.mean((np.argmax(p, axis=-1) == tags)[mask], keepdims=True)     # shape (1,), not a number


def acc_keras(tags, p, mask):
    import keras
    right = keras.ops.cast(keras.ops.equal(keras.ops.argmax(p, axis=-1), tags), "float32")
    return keras.ops.sum(right * mask) / keras.ops.sum(keras.ops.cast(mask, "float32"))


def acc_zero_padding_in_place(tags, p, mask):
    p[~mask] = 0.0                            # changes the caller's probabilities
    return float(((np.argmax(p, axis=-1) == tags) & mask).sum() / mask.sum())


def acc_max_probability(tags, p, mask):
    return float(np.mean((p.max(axis=-1) == tags)[mask]))     # compares a probability with a tag id


def acc_boolean_index(tags, p, mask):
    return np.mean(np.argmax(p, axis=-1)[mask] == tags[mask])


def acc_loops(tags, p, mask):
    correct = total = 0
    for b in range(tags.shape[0]):
        for t in range(tags.shape[1]):
            if mask[b, t]:
                total += 1
                correct += int(np.argmax(p[b, t]) == tags[b, t])
    return correct / total


WRONG["06.3"] = [
    ("property: padding counted (no mask)", acc_no_mask, ("padding was counted",)),
    ("property: mean of per-sentence accuracies", acc_per_sentence, ("per-sentence",)),
    ("property: tags != 0 as the mask", acc_tags_as_mask, ("tags != 0",)),
    ("property: divided by every position", acc_all_positions, ("mask.sum()",)),
    ("property: mask inverted", acc_inverted, ("inverted",)),
    ("property: a count, not a share", acc_count, ("count",)),
    ("property: compares the top probability with the tag", acc_max_probability, ("argmax",)),
    ("one input: real words = the first mask.sum(axis=1) positions", acc_prefix_lengths, ("holes",)),
    ("one input: the first sentence only", acc_first_sentence, ("expected",)),
    ("dtype: an array of shape (1,)", acc_array, ("one number", "(1,)")),
    ("dtype: a keras tensor", acc_keras, ("tensor",)),
    ("in place: padding probabilities zeroed", acc_zero_padding_in_place, ("in place", "`probabilities`")),
]

RIGHT["06.3"] = [
    ("boolean indexing, a numpy float", acc_boolean_index),
    ("two loops, Python ints", acc_loops),
]


def test_masked_accuracy_checker_inputs_tell_the_mistakes_apart():
    """Every classic mistake gives another number than the right one on at least one checker input."""
    from helpers.exercises.lesson06 import _tagging_cases, _tagging_wrong
    from helpers.tagging import masked_token_accuracy

    cases = list(_tagging_cases())
    for hint in _tagging_wrong(*cases[0]):
        assert any(abs(_tagging_wrong(*c)[hint] - masked_token_accuracy(*c)) > 1e-6 for c in cases), hint


def test_default_variants_equal_the_references():
    assert_passes("06.1", _lstm_wrong())
    assert_passes("06.2", _gru_wrong())


def test_ids_registered():
    assert {"06.1", "06.2", "06.3"} <= set(exercises.ids())
