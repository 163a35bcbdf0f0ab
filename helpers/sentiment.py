"""Many-to-one sentiment classification: padding, masks, embeddings, model comparison (lesson 08).

Every model here reads a batch of token ids ``(batch, time)`` (``0`` = ``<pad>``,
``1`` = ``<unk>``, see :class:`helpers.text.Vocabulary`) and returns the probability
that each review is positive, ``(batch, 1)``. Reviews are padded at the front
(``side="pre"``), so the last time step of every row is a real token, and the
``Embedding`` layer has ``mask_zero=True`` so recurrent layers skip the padding.

Main entry points:

* :func:`lesson_data`: the broad reviews and the order-sensitive minimal pairs, encoded.
* :func:`padded_batch`: texts → ids, mask and labels (reference of exercise 08.1).
* :func:`build_many_to_one`: Embedding → LSTM → one sigmoid unit (reference of exercise 08.2).
* :func:`build_model`: the four models compared in the lesson, :func:`compare` and
  :func:`comparison_table` for the table.
* :func:`padding_sensitivity`: what goes wrong without the mask, measured.
* :func:`embedding_projection`: the learned word vectors in 2-D (PCA with numpy's SVD).
* :func:`token_trace`: the prediction after each token (the type-a-review widget).
* :func:`load_reviews_csv`, :func:`load_imdb_if_cached`: your own data, never downloaded.
"""
from __future__ import annotations

import csv
import io
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np

from . import datasets, text
from .validation import (MAX_ITEMS, MAX_LENGTH, MAX_UNITS, check_array, check_bool, check_choice, check_ids,
                         check_keras_model, check_number, check_positive_int, check_seed, check_size,
                         check_string_list, check_text, check_type, check_vocab_size)
from .validation_files import read_user_text

MODEL_KINDS = ("bag of words", "SimpleRNN", "LSTM", "bidirectional LSTM")
EMBEDDING_DIM = 16  # small vocabulary (about 50 words): 16 numbers per word are plenty
UNITS = 32          # hidden state size of the recurrent layers
LEARNING_RATE = 0.01
BATCH_SIZE = 64


# ---- data ------------------------------------------------------------------------------------

@dataclass
class SentimentData:
    """The lesson's split, encoded. ``x_*`` are ``(batch, maxlen)`` int32 ids padded at the front; ``y_*`` are ``(batch,)`` 0/1."""

    vocab: text.Vocabulary
    maxlen: int
    train: datasets.TextDataset
    broad: datasets.TextDataset
    pairs: datasets.TextDataset
    x_train: np.ndarray
    y_train: np.ndarray
    x_broad: np.ndarray
    y_broad: np.ndarray
    x_pairs: np.ndarray
    y_pairs: np.ndarray
    info: dict = field(default_factory=dict)


def lesson_data(n_train: int = 2000, n_broad: int = 600, *, seed: int = 0) -> SentimentData:
    """Training reviews, a broad test set and the frozen minimal pairs, with no test sentence seen in training.

    The training set is :func:`helpers.datasets.reviews` (broad reviews with minimal pairs
    mixed in) minus every sentence of the frozen probe set ``sentiment_pairs_test``; the
    broad test set is another draw of the same generator minus every training sentence.
    """
    n_train = check_size("n_train", n_train, what="reviews")
    n_broad = check_size("n_broad", n_broad, what="reviews")
    seed = check_seed("seed", seed)
    pairs = datasets.load_frozen("sentiment_pairs_test")
    probe = set(pairs.texts)
    raw = datasets.reviews(n_train, seed=seed)
    train = raw[[i for i, t in enumerate(raw.texts) if t not in probe]]
    seen = set(train.texts)
    raw_broad = datasets.reviews(n_broad, seed=seed + 1)
    broad = raw_broad[[i for i, t in enumerate(raw_broad.texts) if t not in seen and t not in probe]]
    vocab = text.Vocabulary.build(train.texts)
    maxlen = max(len(text.tokenize(t)) for t in train.texts + broad.texts + pairs.texts)
    info = {"dropped from training (in the probe set)": len(raw) - len(train),
            "dropped from broad test (seen in training)": len(raw_broad) - len(broad)}
    return SentimentData(vocab, maxlen, train, broad, pairs,
                         encode_texts(train.texts, vocab, maxlen), train.labels.copy(),
                         encode_texts(broad.texts, vocab, maxlen), broad.labels.copy(),
                         encode_texts(pairs.texts, vocab, maxlen), pairs.labels.copy(), info)


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

    Each row: ``{"model", "parameters", "seconds", "broad", "pairs"}`` (accuracies in [0, 1]).
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
                     "pairs": accuracy(model, data.x_pairs, data.y_pairs)})
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
    header = f"{'model':<20}{'parameters':>11}{'train (s)':>11}{'broad reviews':>15}{'minimal pairs':>15}"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(f"{r['model']:<20}{r['parameters']:>11,}{r['seconds']:>11.1f}{r['broad']:>15.1%}{r['pairs']:>15.1%}")
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


# ---- embeddings --------------------------------------------------------------------------------

def embedding_matrix(model: keras.Model) -> np.ndarray:
    """The first ``Embedding`` layer's weights ``(vocab_size, embedding_dim)``."""
    check_keras_model("model", model)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            return np.asarray(layer.get_weights()[0])
    raise ValueError(f"argument 'model': expected a model with an Embedding layer, got layers "
                     f"{[type(layer).__name__ for layer in model.layers]}")


def embedding_projection(weights, vocab: text.Vocabulary, words):
    """Project the vectors of ``words`` onto their first two principal components (numpy SVD).

    ``weights`` is ``(vocab_size, embedding_dim)``. Returns ``(coords (n_words, 2),
    explained)``, ``explained`` being the share of variance each component keeps.
    """
    weights = check_array("weights", weights, ndim=2, kind="float")
    check_type("vocab", vocab, text.Vocabulary, "a helpers.text.Vocabulary")
    words = check_string_list("words", words, what="words")
    if len(words) < 2:
        raise ValueError(f"argument 'words': expected at least 2 words to project, got {len(words)}")
    if weights.shape[0] != len(vocab):
        raise ValueError(f"argument 'weights': expected {len(vocab)} rows (one per vocabulary entry), "
                         f"got {weights.shape[0]}")
    missing = [w for w in words if w not in vocab]
    if missing:
        raise ValueError(f"argument 'words': not in the vocabulary: {missing}")
    vectors = weights[[vocab.stoi[w] for w in words]]
    centred = vectors - vectors.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    explained = s**2 / max(float(np.sum(s**2)), 1e-12)
    return centred @ vt[:2].T, explained[:2]


def plot_embedding(coords, words, groups, *, title: str = "Learned word vectors (PCA)", explained=None):
    """Scatter of 2-D word vectors ``(n_words, 2)``, coloured by ``groups`` (e.g. "positive"/"negative"/"other")."""
    words = check_string_list("words", words, what="words")
    groups = check_string_list("groups", groups, what="group names")
    if len(groups) != len(words):
        raise ValueError(f"argument 'groups': expected one group per word ({len(words)}), got {len(groups)}")
    coords = check_array("coords", coords, shape=(len(words), 2), kind="number")
    colours = {"positive": "#2a9d4b", "negative": "#d1495b"}
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for (x, y), word, group in zip(coords, words, groups):
        colour = colours.get(group, "#888888")
        ax.scatter(x, y, color=colour, s=18)
        ax.annotate(word, (x, y), fontsize=8 if group in colours else 7, color=colour,
                    xytext=(3, 2), textcoords="offset points")
    for group, colour in colours.items():
        ax.scatter([], [], color=colour, label=group)
    ax.scatter([], [], color="#888888", label="other words")
    ax.legend(loc="best", fontsize=8)
    if explained is not None:
        ax.set_xlabel(f"component 1 ({explained[0]:.0%} of variance)")
        ax.set_ylabel(f"component 2 ({explained[1]:.0%})")
    ax.set_title(title)
    return fig


# ---- the prediction as the review unfolds ----------------------------------------------------

@dataclass
class TokenTrace:
    """The prediction after each token. ``probabilities[t]`` is P(positive) having read ``tokens[:t+1]``."""

    tokens: list
    known: np.ndarray          # (time,) bool: False for words mapped to <unk>
    start: float               # P(positive) before any word (the empty review)
    probabilities: np.ndarray  # (time,)

    @property
    def deltas(self) -> np.ndarray:
        """How much each token moved the probability ``(time,)``."""
        return np.diff(np.concatenate([[self.start], self.probabilities]))

    def movers(self, k: int = 3):
        """The ``k`` tokens that moved the prediction most, as ``[(token, change), ...]``."""
        order = np.argsort(-np.abs(self.deltas), kind="stable")[:k]
        return [(self.tokens[i], float(self.deltas[i])) for i in order]


def token_trace(model, vocab: text.Vocabulary, review: str, *, max_tokens: int = 60) -> TokenTrace:
    """Read ``review`` one token at a time: P(positive) after each prefix, in one batch of prefixes.

    Unknown words become ``<unk>``; an empty review or one made only of unknown words
    raises ValueError (there is nothing the model knows to read).
    """
    check_keras_model("model", model)
    check_type("vocab", vocab, text.Vocabulary, "a helpers.text.Vocabulary")
    size = model_vocab_size(model)
    if size is not None:
        check_vocab_size("vocab", len(vocab), model, size)
    max_tokens = check_size("max_tokens", max_tokens, maximum=10_000, what="tokens")
    check_text("review", review)
    tokens = text.tokenize(review)
    if not tokens:
        raise ValueError(f"argument 'review': found no words in {review!r}")
    if len(tokens) > max_tokens:
        raise ValueError(f"argument 'review': expected at most {max_tokens} tokens, got {len(tokens)}")
    ids = vocab.encode(tokens)
    known = ids != vocab.unk_id
    if not known.any():
        raise ValueError(f"argument 'review': none of its words is in the vocabulary ({tokens[:8]}); "
                         f"try words such as {vocab.itos[2:10]}")
    prefixes = text.pad_sequences([ids[:t] for t in range(len(ids) + 1)], len(ids), side="pre")
    p = predict_proba(model, prefixes.astype(np.int32))  # row 0 is all padding: the empty review
    return TokenTrace(tokens, known, float(p[0]), p[1:])


def plot_token_trace(trace: TokenTrace, *, title: str = ""):
    """P(positive) after each token (line) over bars of how much each token moved it."""
    n = len(trace.tokens)
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(max(6, 0.55 * n + 2), 4.2), sharex=True,
                                 gridspec_kw={"height_ratios": [2, 1]})
    positions = np.arange(n)
    ax.axhline(0.5, color="#999", lw=1, ls="--")
    ax.plot(np.concatenate([[-1], positions]), np.concatenate([[trace.start], trace.probabilities]),
            marker="o", color="#3a6ea5")
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("P(positive)")
    verdict = "positive" if trace.probabilities[-1] > 0.5 else "negative"
    ax.set_title(title or f"read token by token: {verdict} ({trace.probabilities[-1]:.0%} positive)")
    deltas = trace.deltas
    bx.bar(positions, deltas, color=np.where(deltas >= 0, "#2a9d4b", "#d1495b"))
    bx.axhline(0, color="#999", lw=1)
    bx.set_ylabel("change")
    labels = [t if k else f"{t}\n(unknown)" for t, k in zip(trace.tokens, trace.known)]
    bx.set_xticks(np.concatenate([[-1], positions]), ["(start)"] + labels,
                  rotation=45 if n > 8 else 0, fontsize=8)
    fig.tight_layout()
    return fig


# ---- your own data ----------------------------------------------------------------------------

def load_reviews_csv(path, *, text_column: str = "text", label_column: str = "label") -> datasets.TextDataset:
    """Read a CSV with a header and one review per row: ``text`` (a string) and ``label`` (0 or 1).

    Errors name the file line and the column: a missing column, an empty text, or a label
    other than 0/1 (``"1"``, ``"1.0"`` and ``"positive"``/``"negative"`` are accepted).
    The encoding is detected: UTF-8 (with the byte-order mark spreadsheets write, or without),
    UTF-16, else Latin-1 with a printed note; a NUL byte is refused with its line.
    """
    if path is None or not isinstance(path, (str, Path)):
        raise TypeError(f"argument 'path': expected a path to a CSV file, got {type(path).__name__} {path!r:.40}")
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"argument 'path': expected a CSV file, got {str(path)!r} (no file there)")
    check_text("text_column", text_column)
    check_text("label_column", label_column)
    read = read_user_text(path)
    if read.note:
        print(f"note: {read.note}")
    named = {"0": 0, "1": 1, "0.0": 0, "1.0": 1, "negative": 0, "positive": 1, "neg": 0, "pos": 1}
    texts, labels = [], []
    reader = csv.DictReader(io.StringIO(read.text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise ValueError(f"{path.name} line 1: expected a CSV header line, got unreadable CSV ({error})") from None
    if not header:
        raise ValueError(f"{path.name}: the file is empty; expected a header line with columns "
                         f"{text_column!r} and {label_column!r}")
    reader.fieldnames = header
    for column in (text_column, label_column):
        if column not in header:
            raise ValueError(f"{path.name} line 1: column {column!r} not found; expected it in the header, got "
                             f"{header} (pass text_column=... / label_column=... to use other names)")
    try:
        for row in reader:
            line = reader.line_num
            review = (row.get(text_column) or "").strip()
            if not review:
                raise ValueError(f"{path.name} line {line}, column {text_column!r}: expected a review text, got "
                                 f"an empty one")
            raw = (row.get(label_column) or "").strip().lower()
            if raw not in named:
                raise ValueError(f"{path.name} line {line}, column {label_column!r}: expected a label 0 or 1, "
                                 f"got {row.get(label_column)!r}")
            texts.append(review)
            labels.append(named[raw])
            if len(texts) > MAX_ITEMS:
                raise ValueError(f"{path.name}: expected at most {MAX_ITEMS:,} reviews on a 2-core, 24 GiB "
                                 f"machine, got more")
    except csv.Error as error:
        raise ValueError(f"{path.name} line {reader.line_num}: expected CSV, got unreadable CSV ({error})") from None
    if not texts:
        raise ValueError(f"{path.name}: the header is there but there are no rows of reviews")
    info = {"source": str(path), "encoding": read.encoding}
    if read.note:
        info["note"] = read.note
    return datasets.TextDataset(texts, np.asarray(labels, dtype=np.int64), ["negative", "positive"], info)


IMDB_CACHE = Path("~/.keras/datasets/imdb.npz")
IMDB_SPLITS = ("train", "test")


def save_imdb_arrays(path, splits: dict) -> Path:
    """Write reviews as word ranks to an ``.npz`` that loads without pickle.

    ``splits`` is ``{"train": (x, y), "test": (x, y)}`` with ``x`` a list of rank lists. Each ``x``
    is stored flat (``x_train_ranks``) with the length of every review (``x_train_lengths``).
    """
    arrays = {}
    for split in IMDB_SPLITS:
        x, y = splits[split]
        rows = [np.asarray(r, dtype=np.int64).ravel() for r in x]
        arrays[f"x_{split}_ranks"] = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        arrays[f"x_{split}_lengths"] = np.asarray([len(r) for r in rows], dtype=np.int64)
        arrays[f"y_{split}"] = np.asarray(y, dtype=np.int64)
    path = Path(path).expanduser()
    np.savez(path, **arrays)
    return path


def _read_imdb(path: Path) -> dict:
    """``{split: (list of rank arrays, labels)}`` from an archive of :func:`save_imdb_arrays`; never unpickles."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValueError(f"argument 'path': expected a NumPy .npz archive, got {str(path)!r} that cannot be read "
                         f"({type(error).__name__})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"argument 'path': expected a NumPy .npz archive, got a single array in {str(path)!r}")
    with archive:
        names = set(archive.files)
        if {"x_train", "x_test"} <= names and "x_train_ranks" not in names:
            raise ValueError(f"argument 'path': expected arrays x_train_ranks, x_train_lengths, y_train (and the "
                             f"same for test) as written by helpers.sentiment.save_imdb_arrays, got Keras' own IMDB "
                             f"format in {str(path)!r}: pickled Python lists, which can run code when loaded, so "
                             "they are not read")
        parts = {}
        for split in IMDB_SPLITS:
            wanted = [f"x_{split}_ranks", f"x_{split}_lengths", f"y_{split}"]
            missing = [k for k in wanted if k not in names]
            if missing:
                raise ValueError(f"argument 'path': expected arrays {wanted} in {str(path)!r}, got {sorted(names)}")
            try:
                ranks, lengths, y = (archive[k] for k in wanted)
            except ValueError as error:   # an object array: numpy refuses it without pickle
                raise ValueError(f"argument 'path': expected plain integer arrays in {str(path)!r}, got {error}") from None
            ranks = check_ids(f"{split} ranks", ranks, ndim=1, allow_empty=True)
            lengths = check_ids(f"{split} lengths", lengths, ndim=1)
            if int(lengths.sum()) != len(ranks):
                raise ValueError(f"argument 'path': expected {split} lengths summing to {len(ranks)} ranks, got "
                                 f"{int(lengths.sum())}")
            y = check_labels(f"y_{split}", y, len(lengths))
            parts[split] = (np.split(ranks, np.cumsum(lengths)[:-1]), y)
    return parts


def load_imdb_if_cached(path=None, *, n_train: int = 2000, n_test: int = 1000, num_words: int = 5000,
                        maxlen: int = 120, seed: int = 0):
    """IMDB reviews as word ranks, only if the archive is already on disk; never downloads, never unpickles.

    Returns ``None`` (after printing why) when the file is missing, else a dict with
    ``x_train, y_train, x_test, y_test`` (ids ``(batch, maxlen)`` padded at the front,
    0 = pad, 1 = unknown or rarer than the ``num_words`` most frequent words) and
    ``vocab_size``. A random subset of ``n_train``/``n_test`` reviews keeps it CPU-sized.

    The archive holds flat integer arrays (:func:`save_imdb_arrays`). Keras' own ``imdb.npz``
    stores pickled lists, and unpickling a file can run code: it is refused (with the default
    path, a note is printed and ``None`` returned, so a lesson goes on with the built-in reviews).
    """
    default = path is None
    if not default and not isinstance(path, (str, Path)):
        raise TypeError(f"argument 'path': expected a path to an .npz file or None, got {type(path).__name__}")
    path = Path(path if path is not None else IMDB_CACHE).expanduser()
    n_train = check_size("n_train", n_train, what="reviews")
    n_test = check_size("n_test", n_test, what="reviews")
    num_words = check_size("num_words", num_words, minimum=3, maximum=MAX_ITEMS, what="words")
    maxlen = check_size("maxlen", maxlen, maximum=MAX_LENGTH, what="tokens")
    seed = check_seed("seed", seed)
    if not path.is_file():
        print(f"IMDB is not cached at {path}: going on with the built-in reviews "
              "(nothing is downloaded; copy imdb.npz there to use it).")
        return None
    try:
        splits = _read_imdb(path)
    except ValueError as error:
        if not default:
            raise
        print(f"IMDB at {path} is not used: {str(error).split(': ', 1)[-1]}. Going on with the built-in reviews.")
        return None
    rng = np.random.default_rng(seed)
    parts = {}
    for split, n in (("train", n_train), ("test", n_test)):
        xs, ys = splits[split]
        pick = rng.permutation(len(xs))[:n]
        sequences = []
        for i in pick:
            ids = xs[i] + 1                      # rank 1 (most frequent) → id 2; 0 and 1 stay free
            ids[ids >= num_words] = 1            # rare words → <unk>
            sequences.append(ids[-maxlen:])
        parts[f"x_{split}"] = text.pad_sequences(sequences, maxlen, side="pre").astype(np.int32)
        parts[f"y_{split}"] = ys[pick]
    parts["vocab_size"] = num_words
    print(f"IMDB found at {path}: {len(parts['x_train'])} training and {len(parts['x_test'])} test reviews "
          f"(last {maxlen} tokens, {num_words} words).")
    return parts
