"""The long-gap recall task and the tricks scorecard (lessons 05 and 06).

The task isolates one long-term dependency: the first token of a sequence is one of
``n_classes`` *keys*; ``gap`` distractor tokens follow, then a *recall* token. The model
must answer with the key it saw ``gap + 1`` steps earlier. Nothing in between helps, so
a model can only succeed if information (and, during training, gradient) survives the
whole gap. Chance is ``1 / n_classes`` (12.5 % for 8 keys).

Token ids: keys ``0 .. n_classes - 1``, distractors ``n_classes .. n_classes + n_distractors - 1``,
and the recall token last. Sequences have ``time = gap + 2`` steps.

The tricks scorecard (lesson 05) trains one small recurrent model per trick and gap and
reports its test accuracy: a tanh RNN with a small random recurrent matrix, ReLU, an
orthogonal or identity recurrent matrix, and gated cells (GRU, LSTM in lesson 06).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .training import build_optimizer
from .validation import (MAX_ITEMS, MAX_UNITS, check_alloc, check_choice, check_choices, check_keras_model,
                         check_number, check_positive_int, check_seed, check_size, check_type)
from .figures import FONT_PT

N_CLASSES = 8
N_DISTRACTORS = 8


@dataclass
class LongGapData:
    """One long-gap data set: ids ``x`` ``(batch, time)``, labels ``y`` ``(batch,)``."""

    x: np.ndarray
    y: np.ndarray
    gap: int
    n_classes: int
    n_distractors: int

    @property
    def vocab_size(self) -> int:
        return self.n_classes + self.n_distractors + 1

    @property
    def recall_id(self) -> int:
        return self.n_classes + self.n_distractors

    def one_hot(self) -> np.ndarray:
        """The inputs as float32 one-hot vectors ``(batch, time, vocab_size)``."""
        return np.eye(self.vocab_size, dtype=np.float32)[self.x]

    def __len__(self) -> int:
        return len(self.y)

    def describe(self, row: int = 0) -> str:
        """One sequence as text, e.g. ``"K3 d2 d7 ... d0 ?  → 3"``."""
        names = [self.token_name(int(i)) for i in self.x[row]]
        return " ".join(names) + f"  → {int(self.y[row])}"

    def token_name(self, token: int) -> str:
        if token < self.n_classes:
            return f"K{token}"
        if token < self.recall_id:
            return f"d{token - self.n_classes}"
        return "?"


def make_long_gap(n: int, gap: int, *, n_classes: int = N_CLASSES, n_distractors: int = N_DISTRACTORS,
                  seed: int = 0) -> LongGapData:
    """``n`` sequences ``key, gap distractors, recall`` (ids ``(n, gap + 2)``) and their keys ``(n,)``.

    Keys are balanced (each class appears ``n // n_classes`` or one more times, in random
    order). Deterministic given ``seed``. Introduced in lesson 05.
    """
    n = check_size("n", n, maximum=MAX_ITEMS, what="sequences")
    gap = check_size("gap", gap, minimum=0, maximum=10_000, what="distractors")
    n_classes = check_size("n_classes", n_classes, minimum=2, maximum=1_000, what="keys")
    n_distractors = check_size("n_distractors", n_distractors, maximum=1_000, what="distractor tokens")
    check_alloc("n", (n, gap + 2, n_classes + n_distractors + 1), np.float32, what="one-hot inputs")
    rng = np.random.default_rng(check_seed("seed", seed))
    keys = rng.permutation(np.arange(n) % n_classes).astype(np.int64)
    x = np.empty((n, gap + 2), dtype=np.int64)
    x[:, 0] = keys
    x[:, 1:gap + 1] = n_classes + rng.integers(n_distractors, size=(n, gap))
    x[:, gap + 1] = n_classes + n_distractors
    return LongGapData(x, keys, gap, n_classes, n_distractors)


# ---- models: one per trick ----------------------------------------------------------------------

TRICKS = {
    "tanh, small random init": "the baseline: W_hh ~ N(0, (0.3/sqrt(units))^2), spectral radius about 0.3",
    "ReLU, small random init": "change the activation only",
    "tanh, orthogonal init": "change the init only: every singular value of W_hh is 1",
    "ReLU, identity init": "IRNN (Le et al., 2015): W_hh = I, so h is copied forward",
    "GRU (gated)": "a gated cell: the update gate lets h pass through unchanged",
    "LSTM (gated)": "a gated cell with a separate cell state, forget-gate bias 3 (lesson 06)",
}
SMALL_INIT_SCALE = 0.3


def build_model(trick: str, vocab_size: int, n_classes: int, *, units: int = 32,
                learning_rate: float = 3e-3, clipnorm: float | None = 1.0, forget_bias: float = 3.0):
    """A compiled Keras model for one trick: one-hot ``(batch, time, vocab_size)`` → class probabilities ``(batch, n_classes)``.

    ``trick`` is a key of :data:`TRICKS`. Adam with gradient clipping by norm (lesson 05).
    ``forget_bias`` is the LSTM's initial forget-gate bias. Keras' default is 1 (``f`` starts near 0.73,
    so a memory fades to 0.73^50 ≈ 1e-7 over 50 steps); 3 starts ``f`` near 0.95, nearer "keep everything",
    which makes long gaps learnable in a few epochs (lesson 06 discusses it).
    """
    import keras

    check_choice("trick", trick, set(TRICKS))
    vocab_size = check_size("vocab_size", vocab_size, maximum=MAX_UNITS, what="tokens")
    n_classes = check_size("n_classes", n_classes, minimum=2, maximum=MAX_UNITS, what="classes")
    units = check_size("units", units, maximum=MAX_UNITS, what="units")
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
    if clipnorm is not None:
        clipnorm = check_number("clipnorm", clipnorm, low=0, low_open=True)
    forget_bias = check_number("forget_bias", forget_bias, low=-100, high=100)
    small = keras.initializers.RandomNormal(stddev=SMALL_INIT_SCALE / np.sqrt(units))
    if trick == "tanh, small random init":
        layer = keras.layers.SimpleRNN(units, activation="tanh", recurrent_initializer=small)
    elif trick == "ReLU, small random init":
        layer = keras.layers.SimpleRNN(units, activation="relu", recurrent_initializer=small)
    elif trick == "tanh, orthogonal init":
        layer = keras.layers.SimpleRNN(units, activation="tanh", recurrent_initializer="orthogonal")
    elif trick == "ReLU, identity init":
        layer = keras.layers.SimpleRNN(units, activation="relu", recurrent_initializer="identity")
    elif trick == "GRU (gated)":
        layer = keras.layers.GRU(units)
    else:
        bias = np.zeros(4 * units, dtype="float32")
        bias[units:2 * units] = forget_bias                      # blocks i, f, c, o: the f block
        layer = keras.layers.LSTM(units, unit_forget_bias=False,
                                  bias_initializer=keras.initializers.Constant(bias))
    model = keras.Sequential([keras.Input((None, vocab_size)), layer,
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return build_optimizer(model)                            # the first training step then traces once


def _stop_when_learned(threshold: float = 0.995):
    """A callback that ends training once the training accuracy reaches ``threshold`` (saves CPU time)."""
    import keras

    class StopWhenLearned(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if (logs or {}).get("accuracy", 0.0) >= threshold:
                self.model.stop_training = True

    return StopWhenLearned()


def accuracy(model, data: LongGapData) -> float:
    """Share of ``data`` whose arg-max prediction is the key."""
    check_keras_model("model", model)
    check_type("data", data, LongGapData, "a LongGapData (from make_long_gap)")
    probabilities = np.asarray(model(data.one_hot(), training=False))
    return float(np.mean(np.argmax(probabilities, axis=-1) == data.y))


def train_and_score(trick: str, gap: int, *, n_train: int = 2048, n_test: int = 512, epochs: int = 8,
                    units: int = 32, batch_size: int = 32, seed: int = 0, return_model: bool = False,
                    **model_options):
    """Train ``build_model(trick)`` on the long-gap task at ``gap``; return test accuracy (and the model).

    Training stops early once the training set is learned (accuracy >= 99.5 %). ``model_options``
    (``learning_rate``, ``clipnorm``, ``forget_bias``) go to :func:`build_model`.
    """
    import keras

    epochs = check_size("epochs", epochs, maximum=10_000, what="epochs")
    batch_size = check_size("batch_size", batch_size, maximum=100_000, what="rows")
    check_seed("seed", seed)
    train = make_long_gap(n_train, gap, seed=seed)
    test = make_long_gap(n_test, gap, seed=seed + 1000)
    keras.utils.set_random_seed(seed)
    model = build_model(trick, train.vocab_size, train.n_classes, units=units, **model_options)
    model.fit(train.one_hot(), train.y, epochs=epochs, batch_size=batch_size, verbose=0,
              callbacks=[_stop_when_learned()])
    score = accuracy(model, test)
    return (score, model) if return_model else score


def tricks_scorecard(tricks=None, gaps=(10, 25, 50), *, verbose: bool = True, **kwargs) -> dict:
    """``{trick: {gap: test accuracy}}``: one model trained per trick and gap (``kwargs`` go to :func:`train_and_score`)."""
    tricks = list(TRICKS) if tricks is None else check_choices("tricks", tricks, set(TRICKS))
    if isinstance(gaps, (str, bytes)) or not hasattr(gaps, "__iter__"):
        raise TypeError(f"argument 'gaps': expected a list of ints, got {type(gaps).__name__} {gaps!r:.40}")
    gaps = [check_size("gaps", g, minimum=0, maximum=10_000, what="distractors") for g in gaps]
    if not gaps:
        raise ValueError("argument 'gaps': expected at least one gap, got none")
    card = {}
    for trick in tricks:
        card[trick] = {}
        for gap in gaps:
            card[trick][gap] = train_and_score(trick, gap, **kwargs)
        if verbose:
            print(f"{trick:<26}" + "  ".join(f"gap {g}: {a:4.0%}" for g, a in card[trick].items()))
    return card


def scorecard_table(card: dict) -> str:
    """The tricks scorecard as a fixed-width text table (whole percent)."""
    _check_card(card)
    if not card:
        raise ValueError("argument 'card': expected at least one row, got an empty dict")
    gaps = list(dict.fromkeys(g for row in card.values() for g in row))
    header = f"{'trick':<26}" + "".join(f"{'gap ' + str(g):>10}" for g in gaps)
    lines = [header, "-" * len(header)]
    for trick, row in card.items():
        lines.append(f"{trick:<26}" + "".join(f"{row[g]:>10.0%}" if g in row else f"{'—':>10}" for g in gaps))
    return "\n".join(lines)


def plot_scorecard(card: dict, *, n_classes: int = N_CLASSES, title: str = "Long-gap recall: accuracy against gap"):
    """Accuracy against gap, one line per trick, with the chance level (pure: data in, Figure out)."""
    import matplotlib.pyplot as plt

    _check_card(card)
    n_classes = check_size("n_classes", n_classes, minimum=2, maximum=MAX_UNITS, what="classes")
    if not card:
        raise ValueError("argument 'card': expected at least one row, got an empty dict")
    fig, ax = plt.subplots(figsize=(7, 3.6))
    markers, styles = "osD^v*", ["-", "--", "-.", ":"]
    spread = max(card[next(iter(card))]) * 0.008 if card[next(iter(card))] else 0.0
    for k, (trick, row) in enumerate(card.items()):
        gaps = sorted(row)
        shift = (k - (len(card) - 1) / 2) * spread                     # nudge sideways so equal lines stay visible
        ax.plot([g + shift for g in gaps], [row[g] for g in gaps], marker=markers[k % len(markers)],
                ls=styles[k % len(styles)], label=trick)
    ax.axhline(1 / n_classes, color="crimson", ls="--", lw=1, label=f"chance ({1 / n_classes:.1%})")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("gap (distractors between the key and the question)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)   # beside: the lines meet at gap 10
    from .figures import describe, percent

    rows = [f"{trick}: " + ", ".join(f"gap {g} {percent(row[g])}" for g in sorted(row)) for trick, row in card.items()]
    describe(ax, f"{title}: test accuracy against the gap, one line per trick, chance {1 / n_classes:.1%}. "
                 + ". ".join(rows) + ".")
    return fig


def _check_card(card) -> None:
    """``{trick: {gap: accuracy}}`` with accuracies in [0, 1] (from :func:`tricks_scorecard`)."""
    check_type("card", card, dict, "a dict {trick: {gap: accuracy}} (from tricks_scorecard)")
    for trick, row in card.items():
        check_type("card", row, dict, f"a dict {{gap: accuracy}} for {trick!r}")
        for gap, value in row.items():
            check_number(f"card[{trick!r}][{gap!r}]", value, low=0, high=1)
