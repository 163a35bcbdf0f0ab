"""The design-criteria scorecard: which model handles which property of sequences (lessons 01-03, 06).

Rows are models, columns the four criteria of :data:`helpers.datasets.CRITERIA`, cells the
accuracy measured on that criterion's held-out set. Lessons 01-02 fill the baseline rows
(small window, big window, bag of words); lesson 03 adds the RNN, lesson 06 the LSTM.
"""
from __future__ import annotations

import numpy as np

from . import datasets, text
from .config import profile
from .validation import (check_alloc, check_array, check_callable, check_choice, check_choices, check_ids,
                         check_number, check_share, check_size, check_text, check_type)

SMALL_WINDOW, BIG_WINDOW = 2, 24


class Scorecard:
    """``{model: {criterion: accuracy}}`` with a text table and a plot."""

    def __init__(self):
        self.rows: dict[str, dict[str, float]] = {}

    def add(self, model: str, criterion: str, accuracy: float) -> None:
        check_text("model", model)
        check_choice("criterion", criterion, set(datasets.CRITERIA))
        self.rows.setdefault(model, {})[criterion] = check_share("accuracy", accuracy)

    def table(self) -> str:
        """A fixed-width text table (rounded to whole percent)."""
        header = f"{'model':<22}" + "".join(f"{c:>22}" for c in datasets.CRITERIA)
        lines = [header, "-" * len(header)]
        for model, row in self.rows.items():
            cells = "".join(f"{row[c]:>22.0%}" if c in row else f"{'—':>22}" for c in datasets.CRITERIA)
            lines.append(f"{model:<22}{cells}")
        return "\n".join(lines)

    def plot(self, title: str = "Design criteria scorecard"):
        """The heat-map of :func:`helpers.plots.scorecard_plot`, coloured by accuracy above each column's chance."""
        from .plots import scorecard_plot

        return scorecard_plot(self.rows, title=title, chance=datasets.CHANCE)

    def __repr__(self) -> str:
        return self.table()


# ---- features and a linear classifier ----------------------------------------------------------

def encode(train: datasets.TextDataset, test: datasets.TextDataset):
    """Vocabulary from the training texts; both sets as lists of id arrays ``(time,)``."""
    check_type("train", train, datasets.TextDataset, "a TextDataset (from helpers.datasets)")
    check_type("test", test, datasets.TextDataset, "a TextDataset (from helpers.datasets)")
    vocab = text.Vocabulary.build(train.texts)
    return vocab, [vocab.encode(t) for t in train.texts], [vocab.encode(t) for t in test.texts]


def features(kind: str, sequences, vocab_size: int, window: int | None = None) -> np.ndarray:
    """``"window"``: one-hots of the last ``window`` tokens, concatenated ``(batch, window * V)``;
    ``"bag"``: word counts ``(batch, V)``."""
    check_choice("kind", kind, {"window", "bag"})
    if kind == "bag":
        return text.bag_of_words(sequences, vocab_size)
    if kind == "window":
        window = check_size("window", window, maximum=10_000, what="tokens")
        if isinstance(sequences, (str, bytes)) or not sequences:
            raise TypeError(f"argument 'sequences': expected a non-empty list of id arrays, got {sequences!r:.40}")
        padded = text.pad_sequences(sequences, maxlen=max(window, max(len(s) for s in sequences)), side="pre")
        return text.window_features(text.last_window(padded, window), vocab_size)
    raise ValueError(f"argument 'kind': expected 'window' or 'bag', got {kind!r}")


class LinearSoftmax:
    """Softmax regression (one Dense layer with softmax) trained full-batch with Adam, in numpy.

    The same model as ``keras.Sequential([keras.layers.Dense(n_classes, activation="softmax")])``;
    on a few thousand one-hot rows numpy trains it in well under a second, which keeps the
    baselines of lessons 01-02 cheap enough to train a dozen of them. ``kernel`` is
    ``(features, n_classes)``; calling the model returns probabilities ``(batch, n_classes)``.
    """

    def __init__(self, n_features: int, n_classes: int):
        n_features = check_size("n_features", n_features, maximum=10_000_000, what="features")
        n_classes = check_size("n_classes", n_classes, minimum=2, maximum=100_000, what="classes")
        check_alloc("n_features", (n_features, n_classes), np.float32, what="kernel")
        self.kernel = np.zeros((n_features, n_classes), dtype=np.float32)
        self.bias = np.zeros(n_classes, dtype=np.float32)

    def __call__(self, x, training: bool = False) -> np.ndarray:
        logits = np.asarray(x, dtype=np.float32) @ self.kernel + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def fit(self, x, y, *, steps: int, learning_rate: float = 0.1, l2: float = 1e-4):
        x = check_array("x", x, shape=(None, self.kernel.shape[0]), dims=("batch", "features"), kind="number")
        x = x.astype(np.float32)
        y = check_ids("y", y, self.kernel.shape[1], ndim=1)
        steps = check_size("steps", steps, maximum=100_000, what="steps")
        learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
        l2 = check_number("l2", l2, low=0, high=10)
        targets = np.eye(self.kernel.shape[1], dtype=np.float32)[y]
        params = [self.kernel, self.bias]
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        for t in range(1, steps + 1):
            error = (self(x) - targets) / len(x)  # d(mean cross-entropy)/d(logits)
            grads = [x.T @ error + l2 * self.kernel, error.sum(axis=0)]
            for p, g, mi, vi in zip(params, grads, m, v):  # Adam, updated in place
                mi *= 0.9
                mi += 0.1 * g
                vi *= 0.999
                vi += 0.001 * g * g
                p -= learning_rate * (mi / (1 - 0.9 ** t)) / (np.sqrt(vi / (1 - 0.999 ** t)) + 1e-8)
        return self


def train_linear(x, y, n_classes: int, *, steps: int | None = None) -> LinearSoftmax:
    """Softmax regression on fixed-size features ``(batch, features)``, ``steps`` full-batch Adam steps.

    Deterministic: zero initialisation and full batches, so no seed is needed.
    """
    x = check_array("x", x, ndim=2, kind="number")
    n_classes = check_size("n_classes", n_classes, minimum=2, maximum=100_000, what="classes")
    y = check_ids("y", y, n_classes, ndim=1, what="labels")
    if len(y) != len(x):
        raise ValueError(f"argument 'y': expected one label per row of x, shape ({len(x)},), got ({len(y)},)")
    steps = profile.pick(full=200, fast=60) if steps is None else check_size("steps", steps, maximum=100_000,
                                                                             what="steps")
    return LinearSoftmax(x.shape[1], n_classes).fit(x, y, steps=steps)


def accuracy(model, x, y) -> float:
    """Share of rows of ``x`` whose arg-max prediction equals ``y`` (any callable model: numpy or Keras)."""
    check_callable("model", model, "a model (a LinearSoftmax or a Keras model)")
    x = check_array("x", x, ndim=2, kind="number")
    y = check_ids("y", y, ndim=1)
    if len(y) != len(x):
        raise ValueError(f"argument 'y': expected one label per row of x ({len(x)}), got {len(y)}")
    probabilities = np.concatenate([np.asarray(model(x[i:i + 1024], training=False))
                                    for i in range(0, len(x), 1024)])  # eager calls: no retracing per model
    return float(np.mean(np.argmax(probabilities, axis=-1) == np.asarray(y)))


BASELINES = {
    f"window of {SMALL_WINDOW} words": ("window", SMALL_WINDOW),
    f"window of {BIG_WINDOW} words": ("window", BIG_WINDOW),
    "bag of words": ("bag", None),
}


def score_baseline(name: str, criterion: str, *, n_train: int | None = None, steps: int | None = None,
                   seed: int = 0) -> float:
    """Train baseline ``name`` (a key of :data:`BASELINES`) on ``criterion``; return test accuracy."""
    if name not in BASELINES:
        raise ValueError(f"argument 'name': expected one of {list(BASELINES)}, got {name!r}")
    kind, window = BASELINES[name]
    n_train = profile.pick(full=2000, fast=400) if n_train is None else check_size("n_train", n_train,
                                                                                    what="examples")
    train, test = datasets.criterion_data(criterion, n_train=n_train, seed=seed)
    vocab, train_ids, test_ids = encode(train, test)
    model = train_linear(features(kind, train_ids, len(vocab), window), train.labels,
                         len(train.label_names), steps=steps)
    return accuracy(model, features(kind, test_ids, len(vocab), window), test.labels)


def baseline_scorecard(models=None, criteria=None, **kwargs) -> Scorecard:
    """A :class:`Scorecard` with every baseline measured on every criterion."""
    models = list(BASELINES) if models is None else check_choices("models", models, set(BASELINES))
    criteria = list(datasets.CRITERIA) if criteria is None else check_choices("criteria", criteria,
                                                                                 set(datasets.CRITERIA))
    card = Scorecard()
    for name in models:
        for criterion in criteria:
            card.add(name, criterion, score_baseline(name, criterion, **kwargs))
    return card


# ---- sequence models (lesson 03 on) ------------------------------------------------------------

def sequence_arrays(criterion: str, n_train: int | None = None, seed: int = 0):
    """Padded id arrays for a recurrent model: ``(x_train (batch, time), y_train, x_test, y_test, vocab, n_classes)``.

    Padding is on the left (``side="pre"``) with id 0, so the last step of every row is
    a real token; use ``mask_zero=True`` in the Embedding layer to skip the padding.
    """
    n_train = profile.pick(full=2000, fast=400) if n_train is None else check_size("n_train", n_train,
                                                                                    what="examples")
    train, test = datasets.criterion_data(criterion, n_train=n_train, seed=seed)
    vocab, train_ids, test_ids = encode(train, test)
    maxlen = max(len(s) for s in train_ids + test_ids)
    return (text.pad_sequences(train_ids, maxlen), train.labels, text.pad_sequences(test_ids, maxlen),
            test.labels, vocab, len(train.label_names))


def score_sequence_model(build, criterion: str, *, epochs: int | None = None, n_train: int | None = None,
                         seed: int = 0) -> float:
    """Train ``build(vocab_size, n_classes)`` (a compiled Keras model over ids) on ``criterion``; return test accuracy."""
    import keras

    check_callable("build", build, "a function (vocab_size, n_classes) -> compiled Keras model")
    if epochs is not None:
        epochs = check_size("epochs", epochs, maximum=10_000, what="epochs")
    x_train, y_train, x_test, y_test, vocab, n_classes = sequence_arrays(criterion, n_train, seed)
    keras.utils.set_random_seed(seed)
    model = build(len(vocab), n_classes)
    model.fit(x_train, y_train, epochs=epochs or profile.pick(full=15, fast=2), batch_size=64, verbose=0)
    return accuracy(model, x_test, y_test)


def window_accuracies(sizes, train: datasets.TextDataset, test: datasets.TextDataset, *,
                      steps: int | None = None) -> dict[int, float]:
    """Lesson 01: test accuracy of a fixed-window linear model for each window size in ``sizes``."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise TypeError(f"argument 'sizes': expected a list of window sizes, got {type(sizes).__name__} {sizes!r:.40}")
    sizes = [check_size("sizes", s, maximum=10_000, what="tokens") for s in sizes]
    if not sizes:
        raise ValueError("argument 'sizes': expected at least one window size, got none")
    vocab, train_ids, test_ids = encode(train, test)
    result = {}
    for size in sizes:
        model = train_linear(features("window", train_ids, len(vocab), size), train.labels,
                             len(train.label_names), steps=steps)
        result[int(size)] = accuracy(model, features("window", test_ids, len(vocab), size), test.labels)
    return result
