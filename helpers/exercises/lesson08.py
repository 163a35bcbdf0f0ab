"""Lesson 08 exercises: a padded, masked batch (08.1) and the many-to-one model (08.2).

References live in :mod:`helpers.sentiment`; keras is imported inside the checkers so
that ``exercises.ids()`` stays fast.
"""
from __future__ import annotations

import numpy as np

from . import Mismatch, expect_shape, register


def _padded_batch_reference(texts, labels, vocab, maxlen=None):
    from ..sentiment import padded_batch

    return padded_batch(texts, labels, vocab, maxlen)


def _build_many_to_one_reference(vocab_size, embedding_dim=16, units=32):
    from ..sentiment import build_many_to_one

    return build_many_to_one(vocab_size, embedding_dim, units)


_padded_batch_reference.__name__ = "padded_batch"
_build_many_to_one_reference.__name__ = "build_many_to_one"

_TEXTS = ["the food was good", "not bad", "the soup was bland , not tasty at all", "great"]
_LABELS = np.array([1, 1, 0, 1])


def _small_vocab():
    from ..text import Vocabulary

    return Vocabulary.build(["the food was good", "not bad at all", "the soup was bland , not tasty", "great"])


@register("08.1", "A padded, masked batch", _padded_batch_reference)
def check_padded_batch(padded_batch):
    from ..sentiment import encode_texts
    from ..sentiment import padded_batch as reference
    from ..text import pad_sequences

    vocab = _small_vocab()
    texts = _TEXTS + ["the movie was great"]  # 'movie' is not in the vocabulary: <unk> = 1
    labels = np.append(_LABELS, 1)
    for maxlen in (None, 6):
        got = padded_batch(texts, labels.copy(), vocab, maxlen)
        if not isinstance(got, tuple) or len(got) != 3:
            raise Mismatch(f"expected a tuple (ids, mask, y), got {type(got).__name__}"
                           f"{' of length ' + str(len(got)) if isinstance(got, (tuple, list)) else ''}")
        ids, mask, y = (np.asarray(a.numpy() if hasattr(a, "numpy") else a) for a in got)
        want_ids, want_mask, want_y = reference(texts, labels, vocab, maxlen)
        where = f"with maxlen={maxlen}"
        expect_shape(f"ids {where}", ids, want_ids.shape)
        if not np.issubdtype(ids.dtype, np.integer):
            raise Mismatch(f"ids {where}: expected integer ids, got dtype {ids.dtype}")
        if not np.array_equal(ids, want_ids):
            post = encode_texts(texts, vocab, maxlen, side="post")
            if np.array_equal(ids, post):
                raise Mismatch(f"ids {where}: padding is on the wrong side: the zeros are at the end, so the "
                               "last step of a short review is padding and, without a mask, the model reads "
                               f"zeros last. Pad at the front (side='pre'): expected row 1 {want_ids[1].tolist()}, "
                               f"got {ids[1].tolist()}")
            if maxlen is not None:
                kept_start = pad_sequences([vocab.encode(t)[:maxlen] for t in texts], maxlen, side="pre")
                if np.array_equal(ids, kept_start):
                    raise Mismatch(f"ids {where}: a review longer than maxlen must keep its LAST {maxlen} tokens "
                                   f"(cut at the front, like the padding): expected row 2 {want_ids[2].tolist()}, "
                                   f"got {ids[2].tolist()}")
            bad = np.argwhere(ids != want_ids)[0]
            raise Mismatch(f"ids {where}: differ at row {bad[0]}, column {bad[1]}: expected "
                           f"{want_ids[bad[0]].tolist()}, got {ids[bad[0]].tolist()} (unknown words → 1 = <unk>, "
                           "padding → 0)")
        expect_shape(f"mask {where}", mask, want_mask.shape)
        if mask.dtype != bool:
            raise Mismatch(f"mask {where}: expected a boolean array (True = real token), got dtype {mask.dtype}")
        if not np.array_equal(mask, want_mask):
            if np.array_equal(mask, ~want_mask):
                raise Mismatch(f"mask {where}: it is inverted: True must mark real tokens and False the padding")
            if mask.all():
                raise Mismatch(f"mask {where}: every position is True, so padding counts as words; "
                               "the mask is False where ids == 0")
            raise Mismatch(f"mask {where}: expected True exactly where ids != 0, e.g. row 1 "
                           f"{want_mask[1].astype(int).tolist()}, got {mask[1].astype(int).tolist()}")
        expect_shape(f"y {where}", y, want_y.shape)
        if not np.array_equal(y.astype(np.float64), want_y):
            for shift in (1, -1):
                if np.array_equal(y.astype(np.float64), np.roll(want_y, shift)):
                    raise Mismatch(f"y {where}: the labels are shifted by {shift} row(s) relative to the texts: "
                                   f"row i must hold the label of texts[i]; expected {want_y.tolist()}, got {y.tolist()}")
            raise Mismatch(f"y {where}: expected labels {want_y.tolist()} (one per text, in order), got {y.tolist()}")
        if not np.issubdtype(y.dtype, np.floating):
            raise Mismatch(f"y {where}: expected float labels (binary cross-entropy compares floats), got dtype {y.dtype}")


@register("08.2", "The many-to-one model", _build_many_to_one_reference)
def check_many_to_one(build_many_to_one):
    import keras

    vocab_size, embedding_dim, units = 23, 8, 6
    keras.utils.set_random_seed(8)
    model = build_many_to_one(vocab_size, embedding_dim, units)
    if not isinstance(model, keras.Model):
        raise Mismatch(f"expected a keras.Model, got {type(model).__name__}")
    embeddings = [layer for layer in model.layers if isinstance(layer, keras.layers.Embedding)]
    if len(embeddings) != 1:
        raise Mismatch(f"expected one Embedding layer turning ids into vectors, got {len(embeddings)}")
    embedding = embeddings[0]
    if embedding.input_dim != vocab_size or embedding.output_dim != embedding_dim:
        raise Mismatch(f"Embedding: expected Embedding({vocab_size}, {embedding_dim}) (vocab_size, embedding_dim), "
                       f"got Embedding({embedding.input_dim}, {embedding.output_dim})")
    rng = np.random.default_rng(0)
    model(np.ones((1, 3), "int32"), training=False)  # builds a Sequential given without an Input
    # Large random word vectors, so that reading padding as a word shows clearly in the output.
    embedding.set_weights([rng.normal(0, 1.0, (vocab_size, embedding_dim)).astype("float32")])

    words = rng.integers(2, vocab_size, size=(5, 7)).astype("int32")
    short = np.concatenate([np.zeros((5, 1), "int32"), words], axis=1)      # 1 pad in front
    long = np.concatenate([np.zeros((5, 9), "int32"), words], axis=1)       # 9 pads in front
    out = np.asarray(model(short, training=False))
    if out.ndim == 3:
        raise Mismatch(f"output: expected one probability per review, shape (5, 1), got {out.shape}: "
                       "return_sequences=True gives one output per time step; many-to-one keeps only the last")
    if out.shape == (5, 2):
        raise Mismatch("output: expected shape (5, 1), got (5, 2): use one sigmoid unit for two classes "
                       "(binary cross-entropy), not two outputs")
    expect_shape("output for 5 reviews", out, (5, 1))
    if np.allclose(out, 1.0):
        raise Mismatch("output: every prediction is exactly 1.0: a softmax over one unit always gives 1 "
                       "(it normalises a single number); use Dense(1, activation='sigmoid')")
    if out.min() < 0 or out.max() > 1:
        raise Mismatch(f"output: expected probabilities in [0, 1], got values in [{out.min():.3g}, {out.max():.3g}]: "
                       "end with Dense(1, activation='sigmoid')")
    out_long = np.asarray(model(long, training=False))
    if np.max(np.abs(out_long - out)) > 1e-5:
        raise Mismatch(f"padding changed the prediction (max change {np.max(np.abs(out_long - out)):.3g} "
                       "between 1 and 9 pads in front of the same review): the model reads padding as words; "
                       "set mask_zero=True in the Embedding layer")
    flipped = np.concatenate([np.zeros((5, 1), "int32"), words[:, ::-1]], axis=1)
    if np.max(np.abs(np.asarray(model(flipped, training=False)) - out)) < 1e-6:
        raise Mismatch("the prediction does not change when the words are reversed: the model ignores word "
                       "order (pooling the embeddings is a bag of words); read them with an LSTM")
    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    if not lstms:
        raise Mismatch(f"expected an LSTM layer reading the embeddings, got layers "
                       f"{[type(layer).__name__ for layer in model.layers]}")
    if lstms[0].units != units:
        raise Mismatch(f"LSTM: expected {units} units (the 'units' argument), got {lstms[0].units}")
