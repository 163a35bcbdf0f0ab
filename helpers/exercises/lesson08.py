"""Lesson 08 exercises: a padded, masked batch (08.1) and the many-to-one model (08.2).

References live in :mod:`helpers.sentiment`; keras is imported inside the checkers so
that ``exercises.ids()`` stays fast.
"""
from __future__ import annotations

import numpy as np

from . import draws
from . import Mismatch, expect_shape, register
from ._lesson_inputs import call, first_differing_row, plain_list


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


def _other_vocab():
    from ..text import Vocabulary

    # the same words at other ids (another frequency order), plus words the first one lacks
    return Vocabulary.build(["great great great !", "tasty tasty , soup", "all at not not bad", "movie the the was"])


def _batch_cases():
    """(texts, labels, vocab, maxlen): ragged lengths, unknown words, capitals, punctuation glued to words."""
    vocab = _small_vocab()
    texts = _TEXTS + ["the movie was great"]  # 'movie' is not in the first vocabulary: <unk> = 1
    labels = np.append(_LABELS, 1)
    yield texts, labels, vocab, None
    yield texts, labels, vocab, 6
    capitals = ["The food was GOOD!", "Not bad,not bad at all", "great", "The soup was bland, NOT tasty."]
    yield capitals, [1, 1, 1, 0], vocab, 12                     # labels as a list; maxlen beyond the longest
    yield capitals, np.array([0, 1, 0, 1]), _other_vocab(), None  # another vocabulary: nothing cached
    yield texts, labels, vocab, 1


@register("08.1", "A padded, masked batch", _padded_batch_reference, implements=("helpers.sentiment.padded_batch",))
def check_padded_batch(padded_batch):
    from ..sentiment import encode_texts
    from ..sentiment import padded_batch as reference
    from ..text import pad_sequences

    for number, (texts, labels, vocab, maxlen) in enumerate(_batch_cases()):
        where = f"{len(texts)} texts, maxlen={maxlen}" + (", another vocabulary" if number == 3 else "")
        got = call("padded_batch", padded_batch, ("texts", "labels", "vocab", "maxlen"),
                   (texts, labels, vocab, maxlen), where=f"padded_batch({where})", first=number == 0)
        where = f"with {where}"
        if not isinstance(got, tuple) or len(got) != 3:
            raise Mismatch(f"expected a tuple (ids, mask, y), got {type(got).__name__}"
                           f"{' of length ' + str(len(got)) if isinstance(got, (tuple, list)) else ''}")
        ids, mask, y = (np.asarray(a.numpy() if hasattr(a, "numpy") else a) for a in got)
        want_ids, want_mask, want_y = reference(texts, labels, vocab, maxlen)
        if maxlen is not None and ids.ndim == 2 and ids.shape[0] == len(texts) and ids.shape[1] != maxlen:
            raise Mismatch(f"ids {where}: maxlen was ignored: every row must have maxlen = {maxlen} columns "
                           f"(None means the longest review), got {ids.shape[1]}")
        expect_shape(f"ids {where}", ids, want_ids.shape)
        if not np.issubdtype(ids.dtype, np.integer):
            raise Mismatch(f"ids {where}: expected integer ids, got dtype {ids.dtype}")
        if not np.array_equal(ids, want_ids):
            row = first_differing_row(ids, want_ids)
            show = f"expected row {row} {want_ids[row].tolist()}, got {ids[row].tolist()}"
            post = encode_texts(texts, vocab, maxlen, side="post")
            if np.array_equal(ids, post):
                raise Mismatch(f"ids {where}: padding is on the wrong side: the zeros are at the end, so the "
                               "last step of a short review is padding and, without a mask, the model reads "
                               f"zeros last. Pad at the front (side='pre'): {show}")
            if maxlen is not None:
                kept_start = pad_sequences([vocab.encode(t)[:maxlen] for t in texts], maxlen, side="pre")
                if np.array_equal(ids, kept_start):
                    raise Mismatch(f"ids {where}: a review longer than maxlen must keep its LAST {maxlen} tokens "
                                   f"(cut at the front, like the padding): {show}")
            if number == 3 and np.array_equal(ids, encode_texts(texts, _small_vocab(), maxlen)):
                raise Mismatch(f"ids {where}: these are the ids of the previous vocabulary: encode with the "
                               "vocab you are given at every call (nothing cached between calls)")
            split = [[vocab.stoi.get(w, vocab.unk_id) for w in t.split()] for t in texts]
            if np.array_equal(ids, pad_sequences(split, ids.shape[1], side="pre")):
                raise Mismatch(f"ids {where}: the texts were split on spaces, so 'The', 'GOOD!' and 'bad,not' "
                               "are unknown words; use vocab.encode(text), which lower-cases and separates "
                               f"punctuation: {show}")
            column = int(np.flatnonzero(ids[row] != want_ids[row])[0])
            raise Mismatch(f"ids {where}: differ at row {row}, column {column}"
                           f" ({texts[row]!r}): {show} (unknown words → 1 = <unk>, padding → 0)")
        expect_shape(f"mask {where}", mask, want_mask.shape)
        if mask.dtype != bool:
            raise Mismatch(f"mask {where}: expected a boolean array (True = real token), got dtype {mask.dtype}")
        if not np.array_equal(mask, want_mask):
            if np.array_equal(mask, ~want_mask):
                raise Mismatch(f"mask {where}: it is inverted: True must mark real tokens and False the padding")
            if mask.all():
                raise Mismatch(f"mask {where}: every position is True, so padding counts as words; "
                               "the mask is False where ids == 0")
            row = first_differing_row(mask, want_mask)
            raise Mismatch(f"mask {where}: expected True exactly where ids != 0: row {row} should be "
                           f"{want_mask[row].astype(int).tolist()}, got {mask[row].astype(int).tolist()}")
        expect_shape(f"y {where}", y, want_y.shape)
        if not np.array_equal(y.astype(np.float64), want_y):
            for shift in (1, -1):
                if np.array_equal(y.astype(np.float64), np.roll(want_y, shift)):
                    raise Mismatch(f"y {where}: the labels are shifted by {shift} row(s) relative to the texts: "
                                   f"row i must hold the label of texts[i]; expected {plain_list(want_y)}, "
                                   f"got {plain_list(y)}")
            raise Mismatch(f"y {where}: expected labels {plain_list(want_y)} (one per text, in order), "
                           f"got {plain_list(y)}")
        if y.dtype != np.float32:
            raise Mismatch(f"y {where}: expected float32 labels (what Keras' binary cross-entropy computes in), "
                           f"got dtype {y.dtype}: np.asarray(labels, dtype=np.float32)")


def _recurrent_layers(model):
    import keras

    return [layer for layer in model.layers
            if isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional))]


def _units(layer) -> int:
    import keras

    return layer.forward_layer.units if isinstance(layer, keras.layers.Bidirectional) else layer.units


def _last_state_copy(layer):
    """The same recurrent layer (same weights) with return_sequences=False: it returns the last state only."""
    import keras

    config = layer.get_config()
    if isinstance(layer, keras.layers.Bidirectional):
        for key in ("layer", "backward_layer"):
            if config.get(key):
                config[key]["config"]["return_sequences"] = False
        return keras.layers.Bidirectional.from_config(config)
    return type(layer).from_config({**config, "return_sequences": False})


def _read_last_state(model, ids):
    """Run the model's layers in order, the (last) recurrent one returning its last state only."""
    import keras

    recurrent = _recurrent_layers(model)[-1]
    x, mask, after = ids, None, False
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if layer is recurrent:
            copy = _last_state_copy(layer)
            copy.build(tuple(x.shape))
            copy.set_weights(layer.get_weights())
            x, mask, after = copy(x, mask=mask), None, True
        elif isinstance(layer, keras.layers.Embedding):
            x = layer(x)
            mask = ids != 0 if layer.mask_zero else None
        elif isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional)):
            x = layer(x, mask=mask)
        elif isinstance(layer, keras.layers.Dropout):
            continue
        elif after and not isinstance(layer, (keras.layers.Dense, keras.layers.Activation)):
            continue                      # pooling or picking a step: the last state is already there
        else:
            x = layer(x)
    return np.asarray(x)


def _build(build_many_to_one, vocab_size, embedding_dim, units, first):
    import keras

    where = f"build_many_to_one({vocab_size}, {embedding_dim}, {units})"
    draws.keras_seed(8)
    model = call("build_many_to_one", build_many_to_one, ("vocab_size", "embedding_dim", "units"),
                 (vocab_size, embedding_dim, units), where=where, first=first)
    if not isinstance(model, keras.Model):
        raise Mismatch(f"{where}: expected a keras.Model, got {type(model).__name__}")
    embeddings = [layer for layer in model.layers if isinstance(layer, keras.layers.Embedding)]
    if len(embeddings) != 1:
        raise Mismatch(f"{where}: expected one Embedding layer turning ids into vectors, got {len(embeddings)}")
    embedding = embeddings[0]
    if embedding.input_dim != vocab_size or embedding.output_dim != embedding_dim:
        raise Mismatch(f"{where}: Embedding: expected Embedding({vocab_size}, {embedding_dim}) (vocab_size, "
                       f"embedding_dim), got Embedding({embedding.input_dim}, {embedding.output_dim})")
    declared = [layer for layer in getattr(model, "_layers", model.layers)
                if isinstance(layer, keras.layers.InputLayer)]
    if declared and not any(str(d.dtype).startswith(("int", "uint")) for d in declared):
        raise Mismatch(f"{where}: the input is declared as {declared[0].dtype}; ids are integers: "
                       "keras.Input((None,), dtype=\"int32\")")
    return model, embedding, where


def _predict(model, ids, where):
    """``model(ids)`` as numpy; a model that takes one review length only gets its own hint."""
    try:
        return np.asarray(model(ids, training=False))
    except Exception as error:
        raise Mismatch(f"{where}: the model must take reviews of any length (batch, time); calling it on ids of "
                       f"shape {ids.shape} raised {type(error).__name__}: {str(error)[:200]} "
                       "(use keras.Input((None,), dtype=\"int32\"))") from None


@register("08.2", "The many-to-one model", _build_many_to_one_reference,
          implements=("helpers.sentiment.build_many_to_one",))
def check_many_to_one(build_many_to_one):
    import keras

    vocab_size, embedding_dim, units = 23, 8, 6
    model, embedding, where = _build(build_many_to_one, vocab_size, embedding_dim, units, True)
    rng = draws.rng(0)
    words = rng.integers(2, vocab_size, size=(5, 7)).astype("int32")
    short = np.concatenate([np.zeros((5, 1), "int32"), words], axis=1)      # 1 pad in front
    if not embedding.built:
        _predict(model, short[:1], where)                                   # builds a Sequential without Input
    # Large random word vectors, so that reading padding as a word shows clearly in the output.
    embedding.set_weights([rng.normal(0, 1.0, (vocab_size, embedding_dim)).astype("float32")])
    out = _predict(model, short, where)
    if out.ndim == 3:
        raise Mismatch(f"{where}: output: expected one probability per review, shape (5, 1), got {out.shape}: "
                       "return_sequences=True gives one output per time step; many-to-one keeps only the last")
    if out.shape == (5, 2):
        raise Mismatch(f"{where}: output: expected shape (5, 1), got (5, 2): use one sigmoid unit for two classes "
                       "(binary cross-entropy), not two outputs")
    expect_shape(f"{where}: output for 5 reviews", out, (5, 1))
    if np.allclose(out, 1.0):
        raise Mismatch(f"{where}: output: every prediction is exactly 1.0: a softmax over one unit always gives 1 "
                       "(it normalises a single number); use Dense(1, activation='sigmoid')")
    if out.min() < 0 or out.max() > 1:
        raise Mismatch(f"{where}: output: expected probabilities in [0, 1], got values in "
                       f"[{float(out.min()):.3g}, {float(out.max()):.3g}]: end with Dense(1, activation='sigmoid')")
    last = getattr(model.layers[-1], "activation", None)  # outputs can land in [0, 1] by chance: look at the layer
    if "sigmoid" not in getattr(last, "__name__", str(last)):
        raise Mismatch(f"{where}: output: the last layer ({type(model.layers[-1]).__name__}) has activation "
                       f"{getattr(last, '__name__', last)!r}, so its outputs are not probabilities: end with "
                       "Dense(1, activation='sigmoid')")
    # the same reviews behind 9 pads, and reversed: one call of length 16
    long = np.concatenate([np.zeros((10, 9), "int32"), np.concatenate([words, words[:, ::-1]])], axis=1)
    out_long, out_flipped = np.split(_predict(model, long, where), 2)
    change = float(np.max(np.abs(out_long - out)))
    if change > 1e-5:
        raise Mismatch(f"{where}: padding changed the prediction (max change {change:.3g} between 1 and 9 pads "
                       "in front of the same review): the model reads padding as words; set mask_zero=True in "
                       "the Embedding layer")
    if np.max(np.abs(out_flipped - out_long)) < 1e-6:
        raise Mismatch(f"{where}: the prediction does not change when the words are reversed: the model ignores "
                       "word order (pooling the embeddings is a bag of words); read them with a recurrent layer "
                       "(LSTM)")
    recurrent = _recurrent_layers(model)
    if not recurrent:
        raise Mismatch(f"{where}: expected a recurrent layer (LSTM; a GRU or SimpleRNN also works) reading the "
                       f"embeddings, got layers {[type(layer).__name__ for layer in model.layers]}")
    if _units(recurrent[-1]) != units:
        raise Mismatch(f"{where}: {type(recurrent[-1]).__name__}: expected {units} units (the 'units' argument), "
                       f"got {_units(recurrent[-1])}")
    try:
        last = _read_last_state(model, short)
    except Exception as error:
        raise Mismatch(f"{where}: could not follow the model as a chain Embedding → recurrent layer → Dense "
                       f"({type(error).__name__}: {str(error)[:120]}); build it in that order") from None
    if last.shape != out.shape or np.max(np.abs(last - out)) > 1e-5:
        raise Mismatch(f"{where}: the prediction is not made from the recurrent layer's LAST state (max difference "
                       f"{float(np.max(np.abs(last - out))):.3g}): many-to-one reads the state after the last word "
                       "(return_sequences=False), not an average or a pool of every step's state")
    other = (41, 5, 3)                                 # other sizes: nothing hard-coded
    model, _, where = _build(build_many_to_one, *other, False)      # Embedding sizes checked in _build
    recurrent = _recurrent_layers(model)
    if not recurrent or _units(recurrent[-1]) != other[2]:
        raise Mismatch(f"{where}: expected a recurrent layer with {other[2]} units (the 'units' argument)")
