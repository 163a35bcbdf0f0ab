"""Lesson 08 checkers: each reference passes, each plausible wrong implementation is rejected with a specific hint."""
import keras
import numpy as np
import pytest

from helpers import exercises, sentiment, text


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


def y_int(texts, labels, vocab, maxlen=None):
    ids, mask, _ = sentiment.padded_batch(texts, labels, vocab, maxlen)
    return ids, mask, np.asarray(labels)


def y_float64(texts, labels, vocab, maxlen=None):
    ids, mask, _ = sentiment.padded_batch(texts, labels, vocab, maxlen)
    return ids, mask, np.asarray(labels, dtype=float)


def split_on_spaces(texts, labels, vocab, maxlen=None):
    rows = [[vocab.stoi.get(w, 1) for w in t.split()] for t in texts]
    ids = text.pad_sequences(rows, maxlen, side="pre")
    return ids, ids != 0, np.asarray(labels, dtype=np.float32)


def maxlen_ignored(texts, labels, vocab, maxlen=None):
    return sentiment.padded_batch(texts, labels, vocab, None)


def _make_cached_vocab():
    first = []

    def padded(texts, labels, vocab, maxlen=None):
        if not first:
            first.append(vocab)                  # kept from the first call
        return sentiment.padded_batch(texts, labels, first[0], maxlen)
    return padded


def lowercases_in_place(texts, labels, vocab, maxlen=None):
    for i, t in enumerate(texts):
        texts[i] = t.lower()                     # rewrites the caller's list
    return sentiment.padded_batch(texts, labels, vocab, maxlen)


def mask_first_row_only(texts, labels, vocab, maxlen=None):
    ids, mask, y = sentiment.padded_batch(texts, labels, vocab, maxlen)
    mask = mask.copy()
    mask[1:] = mask[0]                           # one row's mask for the whole batch
    return ids, mask, y


def padded_with_np_pad(texts, labels, vocab, maxlen=None):
    rows = [vocab.encode(t) for t in texts]
    width = maxlen or max(map(len, rows))
    ids = np.stack([np.pad(r[-width:], (width - len(r[-width:]), 0)) for r in rows]).astype(np.int64)
    return ids, ids > 0, np.array(labels, dtype="float32")


def padded_by_hand(texts, labels, vocab, maxlen=None):
    encoded = [list(vocab.encode(t)) for t in texts]
    if maxlen is None:
        maxlen = max(len(e) for e in encoded)
    rows = [([0] * maxlen + e)[-maxlen:] for e in encoded]
    ids = np.array(rows, dtype=np.int32)
    return ids, ids != vocab.pad_id, np.float32(labels) * np.ones(len(texts), np.float32)


WRONG = {
    "08.1": [
        ("padding at the end", post_padded, ("wrong side", "row")),
        ("labels shifted", labels_shifted, ("shifted",)),
        ("mask inverted", mask_inverted, ("inverted",)),
        ("mask all True", mask_all_true, ("padding counts as words",)),
        ("mask of row 0 for every row", mask_first_row_only, ("row 1 should be",)),
        ("keeps the beginning", keeps_beginning, ("LAST",)),
        ("unknown words dropped", drops_unknown, ("<unk>", "row 4")),
        ("no mask", no_mask, ("(ids, mask, y)",)),
        ("integer labels (dtype)", y_int, ("float32",)),
        ("float64 labels (dtype)", y_float64, ("float32",)),
        ("split on spaces: capitals and glued punctuation (one input)", split_on_spaces, ("vocab.encode",)),
        ("maxlen ignored (one input)", maxlen_ignored, ("maxlen was ignored",)),
        ("vocabulary cached across calls (one input)", _make_cached_vocab(), ("previous vocabulary",)),
        ("texts lower-cased in place", lowercases_in_place, ("in place", "`texts`")),
    ],
}

RIGHT = {
    "08.1": [
        ("np.pad per row", padded_with_np_pad),
        ("lists padded by hand", padded_by_hand),
    ],
}


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


def averaged_states(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    states = keras.layers.LSTM(units, return_sequences=True)(x)                 # every step's state
    return keras.Model(inputs, _head(keras.layers.GlobalAveragePooling1D()(states)))


def fixed_length(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((8,), dtype="int32")                                   # one review length only
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    return keras.Model(inputs, _head(keras.layers.LSTM(units)(x)))


def float_input(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,))                                                # float32 ids
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    return keras.Model(inputs, _head(keras.layers.LSTM(units)(x)))


def fixed_sizes(vocab_size, embedding_dim=16, units=32):
    return sentiment.build_many_to_one(23, 8, 6)                                 # the sizes of one call


def sequential_gru(vocab_size, embedding_dim=16, units=32):
    return keras.Sequential([keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True),
                             keras.layers.GRU(units), keras.layers.Dense(1, activation="sigmoid")])


def lstm_with_hidden_dense_and_dropout(vocab_size, embedding_dim=16, units=32):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    h = keras.layers.Dropout(0.2)(keras.layers.LSTM(units)(x))
    h = keras.layers.Dense(8, activation="relu")(h)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))


def sequential_lstm(vocab_size, embedding_dim=16, units=32):
    return keras.Sequential([keras.Input((None,), dtype="int32"),
                             keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True),
                             keras.layers.LSTM(units), keras.layers.Dense(1, activation="sigmoid")])


def sequential_without_input(vocab_size, embedding_dim=16, units=32):
    return keras.Sequential([keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True),
                             keras.layers.LSTM(units), keras.layers.Dense(1, activation="sigmoid")])


WRONG["08.2"] = [
    ("softmax over one unit", softmax_one_unit, ("softmax over one unit",)),
    ("no mask_zero", no_mask_zero, ("mask_zero=True",)),
    ("return_sequences", every_step, ("return_sequences",)),
    ("two softmax units", two_softmax_units, ("one sigmoid unit",)),
    ("averaged embeddings", averaged_embeddings, ("word order",)),
    ("no sigmoid", no_sigmoid, ("probabilities",)),
    ("averages every state (property)", averaged_states, ("LAST state",)),
    ("vocab_size - 1", wrong_vocab, ("Embedding(23, 8)",)),
    ("units fixed to 32", fixed_units, ("6 units",)),
    ("sizes of one call (one input)", fixed_sizes, ("Embedding(41, 5)",)),
    ("one review length only (one input)", fixed_length, ("any length",)),
    ("float32 input (dtype)", float_input, ("int32",)),
]

RIGHT["08.2"] = [
    ("a GRU in a Sequential without Input", sequential_gru),
    ("LSTM, dropout and a hidden Dense layer", lstm_with_hidden_dense_and_dropout),
    ("a Sequential with an Input", sequential_lstm),
    ("a Sequential without Input", sequential_without_input),
]
