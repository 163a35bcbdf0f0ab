"""Many-to-one sentiment classification: padding, masks, embeddings, model comparison (lesson 08).

Every model here reads a batch of token ids ``(batch, time)`` (``0`` = ``<pad>``,
``1`` = ``<unk>``, see :class:`helpers.text.Vocabulary`) and returns the probability
that each review is positive, ``(batch, 1)``. Reviews are padded at the front
(``side="pre"``), so the last time step of every row is a real token, and the
``Embedding`` layer has ``mask_zero=True`` so recurrent layers skip the padding.

Main entry points:

* :func:`lesson_data`: generated everyday reviews (:mod:`helpers.sentiment_reviews`, :mod:`helpers.sentiment_polarity`), the order-sensitive
  minimal pairs and the hand-written everyday reviews, encoded.
* :func:`padded_batch`: texts → ids, mask and labels (reference of exercise 08.1).
* :func:`build_many_to_one`: Embedding → LSTM → one sigmoid unit (reference of exercise 08.2).
* :func:`build_model`: the four models compared in the lesson, :func:`compare` and
  :func:`comparison_table` for the table.
* :func:`padding_sensitivity`: what goes wrong without the mask, measured.
* :func:`embedding_projection`: the learned word vectors in 2-D (PCA with numpy's SVD).
* :func:`token_trace`: the prediction after each token (the type-a-review widget).
* :func:`load_reviews_csv`, :func:`load_imdb_if_cached` (in :mod:`helpers.sentiment_files`): your own data,
  never downloaded, never unpickled.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import keras
import numpy as np

from . import datasets, sentiment_polarity, sentiment_reviews, text
from .validation import (MAX_ITEMS, MAX_LENGTH, MAX_UNITS, check_array, check_bool, check_choice, check_ids,
                         check_keras_model, check_number, check_seed, check_share, check_size,
                         check_string_list, check_type)

MODEL_KINDS = ("bag of words", "SimpleRNN", "LSTM", "bidirectional LSTM")
EMBEDDING_DIM = 16  # vocabulary of about 1,350 words, two classes: 16 numbers per word are plenty
UNITS = 32          # hidden state size of the recurrent layers
LEARNING_RATE = 0.01
BATCH_SIZE = 128     # about 32,000 short reviews: 128 a batch keeps 4 epochs within the lesson's time budget


# ---- data ------------------------------------------------------------------------------------

@dataclass
class SentimentData:
    """The lesson's split, encoded. ``x_*`` are ``(batch, maxlen)`` int32 ids padded at the front; ``y_*`` are ``(batch,)`` 0/1.

    ``broad``: fresh generated reviews; ``pairs``: the frozen minimal pairs; ``everyday``: the
    hand-written held-out reviews (``data/everyday_reviews.csv``), which may hold words the
    vocabulary never saw (encoded as ``<unk>``); ``negation``: the second hand-written set, built
    around negative polarity (``data/negation_reviews.csv``: *never a dull moment*, *far from perfect*).
    """

    vocab: text.Vocabulary
    maxlen: int
    train: datasets.TextDataset
    broad: datasets.TextDataset
    pairs: datasets.TextDataset
    everyday: datasets.TextDataset
    x_train: np.ndarray
    y_train: np.ndarray
    x_broad: np.ndarray
    y_broad: np.ndarray
    x_pairs: np.ndarray
    y_pairs: np.ndarray
    x_everyday: np.ndarray
    y_everyday: np.ndarray
    negation: datasets.TextDataset
    x_negation: np.ndarray
    y_negation: np.ndarray
    info: dict = field(default_factory=dict)


def lesson_data(n_train: int = 8000, n_broad: int = 1000, *, seed: int = 0, pair_share: float = 0.2,
                polarity_share: float = 0.3, unknown_rate: float = 0.05) -> SentimentData:
    """Training reviews, a broad test set, the frozen minimal pairs and the everyday reviews; no test sentence in training.

    Training: :func:`helpers.sentiment_reviews.everyday_reviews` with ``pair_share`` of
    :func:`helpers.datasets.sentiment_pairs` and ``polarity_share`` of
    :func:`helpers.sentiment_polarity.polarity_reviews` (reviews that turn on a negative word)
    mixed in, minus every sentence of the frozen probe set.
    In ``x_train`` a share ``unknown_rate`` of the tokens is replaced by ``<unk>`` (id 1), so the
    model learns to read past words it does not know. The broad test set is another draw of the
    generator minus every training sentence.
    """
    n_train = check_size("n_train", n_train, what="reviews")
    n_broad = check_size("n_broad", n_broad, what="reviews")
    seed = check_seed("seed", seed)
    pair_share = check_share("pair_share", pair_share)
    polarity_share = check_share("polarity_share", polarity_share)
    if pair_share + polarity_share > 1:
        raise ValueError(f"arguments 'pair_share' and 'polarity_share': expected shares that add up to at most 1, "
                         f"got {pair_share} + {polarity_share} = {pair_share + polarity_share:g}")
    unknown_rate = check_share("unknown_rate", unknown_rate)
    pairs = datasets.load_frozen("sentiment_pairs_test")
    everyday = sentiment_reviews.load_everyday()
    negation = sentiment_reviews.load_everyday(sentiment_reviews.NEGATION_PATH)
    probe = set(pairs.texts)
    n_pairs = int(round(n_train * pair_share / 2))
    n_polarity = int(round(n_train * polarity_share))
    generated = sentiment_reviews.everyday_reviews(max(n_train - 2 * n_pairs - n_polarity, 1), seed=seed)
    mixed = datasets.sentiment_pairs(n_pairs, seed=seed + 10_000) if n_pairs else None
    turned = sentiment_polarity.polarity_reviews(n_polarity, seed=seed + 20_000) if n_polarity else None
    parts = [part for part in (generated, mixed, turned) if part is not None]
    texts = [t for part in parts for t in part.texts]
    labels = np.concatenate([part.labels for part in parts])
    order = np.random.default_rng(seed).permutation(len(texts))
    raw = datasets.TextDataset([texts[i] for i in order], labels[order], ["negative", "positive"],
                               {"generator": "everyday_reviews + sentiment_pairs + polarity_reviews", "seed": seed,
                                "pair_share": pair_share, "polarity_share": polarity_share})
    train = raw[[i for i, t in enumerate(raw.texts) if t not in probe]]
    seen = set(train.texts)
    raw_broad = sentiment_reviews.everyday_reviews(n_broad, seed=seed + 1)
    broad = raw_broad[[i for i, t in enumerate(raw_broad.texts) if t not in seen and t not in probe]]
    vocab = text.Vocabulary.build(train.texts)
    maxlen = max(len(text.tokenize(t)) for t in train.texts + broad.texts + pairs.texts + everyday.texts
                 + negation.texts)
    x_train = encode_texts(train.texts, vocab, maxlen)
    hide = (np.random.default_rng(seed + 1).random(x_train.shape) < unknown_rate) & (x_train != vocab.pad_id)
    x_train[hide] = vocab.unk_id
    info = {"dropped from training (in the probe set)": len(raw) - len(train),
            "dropped from broad test (seen in training)": len(raw_broad) - len(broad),
            "training tokens hidden as <unk>": int(hide.sum())}
    return SentimentData(vocab, maxlen, train, broad, pairs, everyday,
                         x_train, train.labels.copy(),
                         encode_texts(broad.texts, vocab, maxlen), broad.labels.copy(),
                         encode_texts(pairs.texts, vocab, maxlen), pairs.labels.copy(),
                         encode_texts(everyday.texts, vocab, maxlen), everyday.labels.copy(),
                         negation, encode_texts(negation.texts, vocab, maxlen), negation.labels.copy(), info)


def encode_texts(texts, vocab: text.Vocabulary, maxlen: int | None = None, side: str = "pre") -> np.ndarray:
    """Texts → ids ``(batch, maxlen)`` int32, padded with 0 on ``side`` (unknown words → 1).

    ``maxlen=None`` pads to the longest text. Long texts are cut on the padding side, so
    ``"pre"`` keeps the end of a review, next to where the model reads its verdict.
    """
    check_choice("side", side, {"pre", "post"})
    check_type("vocab", vocab, text.Vocabulary, "a helpers.text.Vocabulary")
    texts = check_string_list("texts", texts, what="reviews")
    if maxlen is not None:
        maxlen = check_size("maxlen", maxlen, maximum=MAX_LENGTH, what="tokens")
    ids = []
    for row, review in enumerate(texts):
        if not isinstance(review, str) or not review.strip():
            raise ValueError(f"argument 'texts': row {row} is empty or not a string ({review!r}); "
                             "every review needs at least one word")
        ids.append(vocab.encode(review))
    return text.pad_sequences(ids, maxlen, side=side).astype(np.int32)


def padded_batch(texts, labels, vocab: text.Vocabulary, maxlen: int | None = None):
    """Reference of exercise 08.1: texts and labels → ``(ids, mask, y)`` ready for a many-to-one model.

    * ``ids``: ``(batch, maxlen)`` int32, padded with 0 at the front (the last column is
      every review's last word); longer reviews keep their last ``maxlen`` tokens.
    * ``mask``: ``(batch, maxlen)`` bool, True on real tokens, False on padding.
    * ``y``: ``(batch,)`` float32 labels, row ``i`` belonging to ``texts[i]``.
    """
    ids = encode_texts(texts, vocab, maxlen, side="pre")
    y = check_labels("labels", labels, len(ids))
    return ids, ids != vocab.pad_id, y.astype(np.float32)


def check_labels(name: str, labels, n: int) -> np.ndarray:
    """Labels as an int64 array ``(n,)`` with values in {0, 1}; a clear error otherwise."""
    labels = check_array(name, labels, kind="number", allow_empty=False)
    if labels.shape != (n,):
        raise ValueError(f"argument {name!r}: expected one label per review, shape ({n},), got {labels.shape}")
    bad = np.flatnonzero((labels != 0) & (labels != 1))
    if bad.size:
        raise ValueError(f"argument {name!r}: expected labels 0 (negative) or 1 (positive), got "
                         f"{labels[bad[0]]!r} at row {int(bad[0])}")
    return labels.astype(np.int64)


# ---- models ----------------------------------------------------------------------------------

class WordCounts(keras.layers.Layer):
    """Ids ``(batch, time)`` → word counts ``(batch, vocab_size)``, padding (id 0) not counted. Order is lost."""

    def __init__(self, vocab_size: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = check_size("vocab_size", vocab_size, minimum=2, maximum=MAX_ITEMS, what="words")

    def call(self, ids):
        counts = keras.ops.sum(keras.ops.one_hot(keras.ops.cast(ids, "int32"), self.vocab_size), axis=1)
        not_pad = keras.ops.concatenate([keras.ops.zeros((1,)), keras.ops.ones((self.vocab_size - 1,))])
        return counts * not_pad  # (batch, vocab_size)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.vocab_size)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size}


def build_many_to_one(vocab_size: int, embedding_dim: int = EMBEDDING_DIM, units: int = UNITS) -> keras.Model:
    """Reference of exercise 08.2: ids ``(batch, time)`` → Embedding(mask_zero) → LSTM → Dense(1, sigmoid) ``(batch, 1)``.

    Many-to-one: the LSTM reads every token but only its last hidden state
    (``return_sequences=False``) goes to the classifier; one sigmoid unit gives P(positive).
    """
    vocab_size, embedding_dim, units = _check_sizes(vocab_size, embedding_dim, units)
    inputs = keras.Input((None,), dtype="int32", name="ids")                       # (batch, time)
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)  # (batch, time, E)
    h = keras.layers.LSTM(units)(x)                                                 # (batch, units): last step
    outputs = keras.layers.Dense(1, activation="sigmoid")(h)                         # (batch, 1)
    return keras.Model(inputs, outputs, name="LSTM")


def build_model(kind: str, vocab_size: int, *, embedding_dim: int = EMBEDDING_DIM, units: int = UNITS,
                mask: bool = True) -> keras.Model:
    """One of :data:`MODEL_KINDS`, over ids ``(batch, time)`` → P(positive) ``(batch, 1)``. Not compiled.

    ``"bag of words"`` is logistic regression on word counts; the recurrent ones put an
    ``Embedding(mask_zero=mask)`` in front. The bidirectional LSTM has ``units // 2`` per
    direction so its state has the same size as the others'.
    """
    check_choice("kind", kind, set(MODEL_KINDS))
    vocab_size, embedding_dim, units = _check_sizes(vocab_size, embedding_dim, units)
    mask = check_bool("mask", mask)
    if kind == "bidirectional LSTM" and units < 2:
        raise ValueError(f"argument 'units': expected an integer >= 2 for the bidirectional LSTM (units // 2 per "
                         f"direction), got {units}")
    if kind == "LSTM" and mask:
        return build_many_to_one(vocab_size, embedding_dim, units)
    inputs = keras.Input((None,), dtype="int32", name="ids")
    if kind == "bag of words":
        outputs = keras.layers.Dense(1, activation="sigmoid")(WordCounts(vocab_size)(inputs))
    else:
        x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=mask)(inputs)
        if kind == "SimpleRNN":
            h = keras.layers.SimpleRNN(units)(x)
        elif kind == "LSTM":
            h = keras.layers.LSTM(units)(x)
        else:
            h = keras.layers.Bidirectional(keras.layers.LSTM(units // 2))(x)
        outputs = keras.layers.Dense(1, activation="sigmoid")(h)
    return keras.Model(inputs, outputs, name=kind.replace(" ", "_"))


def _check_sizes(vocab_size, embedding_dim, units):
    return (check_size("vocab_size", vocab_size, minimum=2, maximum=MAX_ITEMS, what="words"),
            check_size("embedding_dim", embedding_dim, maximum=MAX_UNITS, what="numbers per word"),
            check_size("units", units, maximum=MAX_UNITS, what="units"))


def model_vocab_size(model) -> int | None:
    """How many token ids ``model`` reads: its ``Embedding``'s ``input_dim`` or its word counter's size."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return int(layer.input_dim)
        if isinstance(layer, WordCounts):
            return int(layer.vocab_size)
    return None


def _check_model_ids(model, x, name: str = "x") -> np.ndarray:
    """A Keras model and ids ``(batch, time)`` it can read: ints in ``[0, vocab_size)`` (negative ids would wrap)."""
    check_keras_model("model", model)
    return check_ids(name, x, model_vocab_size(model), ndim=2)


def train(model: keras.Model, x, y, *, epochs: int, batch_size: int = BATCH_SIZE,
          learning_rate: float = LEARNING_RATE, seed: int = 0, callbacks=()) -> float:
    """Compile (Adam, binary cross-entropy) and fit on ids ``(batch, time)`` and labels ``(batch,)``; return seconds."""
    x = _check_model_ids(model, x)
    y = check_labels("y", y, len(x))
    epochs = check_size("epochs", epochs, maximum=10_000, what="epochs")
    batch_size = check_size("batch_size", batch_size, maximum=100_000, what="rows")
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
    seed = check_seed("seed", seed)
    if isinstance(callbacks, keras.callbacks.Callback) or not hasattr(callbacks, "__iter__"):
        raise TypeError(f"argument 'callbacks': expected a list of Keras callbacks, got {type(callbacks).__name__}")
    keras.utils.set_random_seed(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x, y.astype(np.float32), epochs=epochs, batch_size=batch_size, verbose=0, callbacks=list(callbacks))
    return time.perf_counter() - start


def predict_proba(model, x) -> np.ndarray:
    """P(positive) for ids ``(batch, time)`` → ``(batch,)`` (direct calls, no retracing per batch size)."""
    x = _check_model_ids(model, x)
    return np.concatenate([np.asarray(model(x[i:i + 1024], training=False)).reshape(-1)
                           for i in range(0, len(x), 1024)])


def accuracy(model, x, y) -> float:
    """Share of rows whose probability is on the right side of 0.5."""
    x = _check_model_ids(model, x)
    y = check_labels("y", y, len(x))
    return float(np.mean((predict_proba(model, x) > 0.5) == (y == 1)))


def compare(builders: dict, data: SentimentData, *, epochs: int, seed: int = 0):
    """Train each ``builders[name](vocab_size)`` on the same split; return ``(rows, models)``.

    Each row: ``{"model", "parameters", "seconds", "broad", "pairs", "everyday", "negation"}`` (accuracies in [0, 1]).
    """
    check_type("builders", builders, dict, "a dict {name: function(vocab_size) -> model}")
    if not builders:
        raise ValueError("argument 'builders': expected at least one {name: builder} entry, got an empty dict")
    for name, build in builders.items():
        if not callable(build):
            raise TypeError(f"argument 'builders': expected a function for {name!r}, got {type(build).__name__}")
    check_type("data", data, SentimentData, "a SentimentData (from lesson_data)")
    epochs = check_size("epochs", epochs, maximum=10_000, what="epochs")
    rows, models = [], {}
    for name, build in builders.items():
        keras.utils.set_random_seed(seed)
        model = build(len(data.vocab))
        seconds = train(model, data.x_train, data.y_train, epochs=epochs, seed=seed)
        rows.append({"model": name, "parameters": int(model.count_params()), "seconds": seconds,
                     "broad": accuracy(model, data.x_broad, data.y_broad),
                     "pairs": accuracy(model, data.x_pairs, data.y_pairs),
                     "everyday": accuracy(model, data.x_everyday, data.y_everyday),
                     "negation": accuracy(model, data.x_negation, data.y_negation)})
        models[name] = model
    return rows, models


def comparison_table(rows) -> str:
    """The comparison as fixed-width text: parameters, training time, both accuracies."""
    if isinstance(rows, (str, dict)) or not hasattr(rows, "__iter__"):
        raise TypeError(f"argument 'rows': expected a list of row dicts (from compare), got {type(rows).__name__}")
    rows = list(rows)
    if not rows:
        raise ValueError("argument 'rows': expected at least one row, got none")
    keys = ("model", "parameters", "seconds", "broad", "pairs")
    for i, r in enumerate(rows):
        if not isinstance(r, dict) or any(k not in r for k in keys):
            raise ValueError(f"argument 'rows': expected dicts with keys {list(keys)} at index {i}, got {r!r:.60}")
    everyday = all("everyday" in r for r in rows)
    negation = all("negation" in r for r in rows)
    header = (f"{'model':<20}{'parameters':>11}{'train (s)':>11}{'broad reviews':>15}{'minimal pairs':>15}"
              + (f"{'everyday (hand)':>17}" if everyday else "") + (f"{'negation (hand)':>17}" if negation else ""))
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(f"{r['model']:<20}{r['parameters']:>11,}{r['seconds']:>11.1f}{r['broad']:>15.1%}{r['pairs']:>15.1%}"
                     + (f"{r['everyday']:>17.1%}" if everyday else "")
                     + (f"{r['negation']:>17.1%}" if negation else ""))
    return "\n".join(lines)


# ---- what goes wrong without the mask --------------------------------------------------------

def padding_sensitivity(model, texts, labels, vocab: text.Vocabulary, *, side: str, lengths=(16, 64)) -> dict:
    """Accuracy of ``model`` on the same reviews padded (on ``side``) to each length in ``lengths``.

    Returns ``{"accuracy": {length: acc}, "max_change": max |P(len_a) - P(len_b)|}``: a
    masked model gives the same probabilities whatever the padding; an unmasked one
    reads the padding as words.
    """
    check_keras_model("model", model)
    texts = check_string_list("texts", texts, what="reviews")
    labels = check_labels("labels", labels, len(texts))
    check_choice("side", side, {"pre", "post"})
    if isinstance(lengths, (str, bytes)) or not hasattr(lengths, "__iter__"):
        raise TypeError(f"argument 'lengths': expected a list of ints, got {type(lengths).__name__} {lengths!r:.40}")
    lengths = [check_size("lengths", n, maximum=MAX_LENGTH, what="tokens") for n in lengths]
    if not lengths:
        raise ValueError("argument 'lengths': expected at least one length, got none")
    probabilities, result = [], {}
    for length in lengths:
        p = predict_proba(model, encode_texts(texts, vocab, length, side=side))
        probabilities.append(p)
        result[length] = float(np.mean((p > 0.5) == (labels == 1)))
    change = max(float(np.max(np.abs(p - probabilities[0]))) for p in probabilities)
    return {"accuracy": result, "max_change": change}


# ---- the prediction as the review unfolds (helpers.sentiment_trace) ---------------------------------

from .sentiment_trace import TokenTrace, TokenTracePanel, plot_token_trace, token_trace  # noqa: E402,F401

# ---- your own data (helpers.sentiment_files) ---------------------------------------------------------

from .sentiment_files import IMDB_CACHE, load_imdb_if_cached, load_reviews_csv, save_imdb_arrays  # noqa: E402,F401

# ---- what the Embedding layer learned (helpers.sentiment_embeddings) -------------------------------

from .sentiment_embeddings import embedding_matrix, embedding_projection, plot_embedding  # noqa: E402,F401
