"""Lesson 08 checkers: each reference passes, each plausible wrong implementation is rejected with a specific hint."""
import keras
import numpy as np
import pytest

from helpers import exercises, sentiment, text
from tests.exercise_utils import assert_rejects

# The softmax-over-one-unit candidate makes Keras warn; that mistake is the point of the test.
pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax:UserWarning")


def test_lesson08_ids_registered():
    assert {"08.1", "08.2"} <= set(exercises.ids())



# ---- 08.1: a padded, masked batch ---------------------------------------------------------------

def post_padded(texts, labels, vocab, maxlen=None):
    ids = sentiment.encode_texts(texts, vocab, maxlen, side="post")
    return ids, ids != 0, np.asarray(labels, dtype=np.float32)


def labels_shifted(texts, labels, vocab, maxlen=None):
    ids, mask, y = sentiment.padded_batch(texts, labels, vocab, maxlen)
    return ids, mask, np.roll(y, 1)


def mask_inverted(texts, labels, vocab, maxlen=None):
    ids, mask, y = sentiment.padded_batch(texts, labels, vocab, maxlen)
    return ids, ~mask, y


def mask_all_true(texts, labels, vocab, maxlen=None):
    ids, mask, y = sentiment.padded_batch(texts, labels, vocab, maxlen)
    return ids, np.ones_like(mask), y


def keeps_beginning(texts, labels, vocab, maxlen=None):
    ids = [vocab.encode(t) for t in texts]
    if maxlen is not None:
        ids = [i[:maxlen] for i in ids]
    ids = text.pad_sequences(ids, maxlen, side="pre")
    return ids, ids != 0, np.asarray(labels, dtype=np.float32)


def drops_unknown(texts, labels, vocab, maxlen=None):
    ids = [np.array([vocab.stoi[w] for w in text.tokenize(t) if w in vocab]) for t in texts]
    ids = text.pad_sequences(ids, maxlen, side="pre")
    return ids, ids != 0, np.asarray(labels, dtype=np.float32)


def no_mask(texts, labels, vocab, maxlen=None):
    ids, _, y = sentiment.padded_batch(texts, labels, vocab, maxlen)
    return ids, y


@pytest.mark.parametrize("wrong, word", [
    (post_padded, "wrong side"),
    (labels_shifted, "shifted"),
    (mask_inverted, "inverted"),
    (mask_all_true, "padding counts as words"),
    (keeps_beginning, "LAST"),
    (drops_unknown, "<unk>"),
    (no_mask, "(ids, mask, y)"),
])
def test_padded_batch_rejects(wrong, word):
    assert_rejects("08.1", wrong, word)


def test_padded_batch_stub_is_not_attempted():
    def stub(texts, labels, vocab, maxlen=None):
        raise NotImplementedError("Exercise 08.1: write your code here")

    passed, message = exercises.evaluate("08.1", stub)
    assert not passed and "not attempted" in message


# ---- 08.2: the many-to-one model -------------------------------------------------------------------

def _head(x, activation="sigmoid", n=1):
    return keras.layers.Dense(n, activation=activation)(x)


def softmax_one_unit(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    return keras.Model(inputs, _head(keras.layers.LSTM(units)(x), "softmax"))


def no_mask_zero(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim)(inputs)
    return keras.Model(inputs, _head(keras.layers.LSTM(units)(x)))


def every_step(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    return keras.Model(inputs, _head(keras.layers.LSTM(units, return_sequences=True)(x)))


def two_softmax_units(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    return keras.Model(inputs, _head(keras.layers.LSTM(units)(x), "softmax", 2))


def averaged_embeddings(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    return keras.Model(inputs, _head(keras.layers.GlobalAveragePooling1D()(x)))


def no_sigmoid(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    return keras.Model(inputs, _head(keras.layers.LSTM(units)(x), None))


def wrong_vocab(vocab_size, embedding_dim=16, units=32):
    return sentiment.build_many_to_one(vocab_size - 1, embedding_dim, units)


def fixed_units(vocab_size, embedding_dim=16, units=32):
    return sentiment.build_many_to_one(vocab_size, embedding_dim, 32)


@pytest.mark.parametrize("wrong, word", [
    (softmax_one_unit, "softmax over one unit"),
    (no_mask_zero, "mask_zero=True"),
    (every_step, "return_sequences"),
    (two_softmax_units, "one sigmoid unit"),
    (averaged_embeddings, "word order"),
    (no_sigmoid, "probabilities"),
    (wrong_vocab, "Embedding(23, 8)"),
    (fixed_units, "6 units"),
])
def test_many_to_one_rejects(wrong, word):
    assert_rejects("08.2", wrong, word)


def test_many_to_one_accepts_a_sequential_without_input():
    def sequential(vocab_size, embedding_dim=16, units=32):
        return keras.Sequential([keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True),
                                 keras.layers.LSTM(units), keras.layers.Dense(1, activation="sigmoid")])

    assert exercises.evaluate("08.2", sequential) == (True, "passed")
