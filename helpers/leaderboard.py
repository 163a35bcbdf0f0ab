"""Every model of the course on one task: next character of the O'Neill tunes (lesson 10).

A leaderboard in the spirit of makemore: count models and networks, each trained on the same
training text within one equal wall-clock budget and scored on the same held-out text by the same
measure, bits per character (:func:`helpers.music.bits_per_char` for the networks,
:meth:`helpers.ngram.NGramModel.bits_per_char` for the counts)::

    rows = count_rows(train_ids, valid_ids, len(vocab), orders=range(2, 8))   # unigram, best n-gram
    for kind in NETWORKS:
        model = build_char_model(kind, len(vocab))                  # ids (batch, time) -> logits (batch, time, V)
        rows.append(train_and_score(kind, model, train_ids, valid_ids, seconds=15))
    print(table(rows)); plot(rows)

Every network is causal (the logits at position ``t`` see characters ``0..t`` only) and has layers
named ``embedding`` and ``logits``, so the same scoring function reads them all. Shapes: ``batch``
windows, ``time`` characters, ``V`` the vocabulary size.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import keras
from keras import ops

from .music_model import CAUSAL_LAYERS, check_char_model
from .ngram import MAX_ORDER, NGramModel
from .training import build_optimizer
from .validation import check_choice, check_ids, check_number, check_positive_int, check_seed, check_size
from .figures import FONT_PT

NETWORKS = ("fixed window", "bag of characters", "SimpleRNN", "LSTM", "GRU", "transformer")

# The design criterion (lessons 01-02) that explains each row's gap to the next better model.
CRITERIA = {
    "unigram counts": "order and context: no context at all, only how often each character occurs",
    "n-gram counts": "parameter sharing: every context of n-1 characters is its own table row, "
                     "so a longer context is seen too rarely to count (variable length: fixed n)",
    "fixed window": "long-range dependencies: sees the last k characters only (a weight block per slot)",
    "bag of characters": "order: the whole prefix as an average, the last character weighs as much as the first",
    "SimpleRNN": "long-range dependencies: the gradient through many tanh steps vanishes (lesson 05)",
    "LSTM": "gated memory meets all four criteria; four weight blocks buy fewer steps in the budget",
    "GRU": "gated memory, three weight blocks: more steps in the same budget than the LSTM",
    "transformer": "every position one step from every other, order from position vectors; "
                   "pays T^2 per layer on a CPU",
}


@dataclass
class Row:
    """One leaderboard entry: held-out bits per character and what the budget bought."""
    name: str
    bits: float
    params: int            # learned numbers (count models: table entries)
    steps: int             # training steps in the budget (0 for count models)
    seconds: float         # training (or counting) time
    criterion: str = ""

    def as_tuple(self):
        return (self.name, self.bits, self.params, self.steps, self.seconds)


class CausalMean(keras.layers.Layer):
    """The mean of the vectors at positions ``0..t`` for every ``t``: ``(batch, time, E)`` → the same shape.

    An order-free summary of the prefix (lesson 02's bag of words, as a running average).
    """

    def call(self, x):
        counts = ops.cast(ops.arange(1, ops.shape(x)[1] + 1), x.dtype)[None, :, None]   # (1, time, 1)
        return ops.cumsum(x, axis=1) / counts


def build_char_model(kind: str, vocab_size: int, *, embedding_dim: int = 32, units: int = 128,
                     window: int = 8, width: int = 64, heads: int = 4, layers: int = 2, max_len: int = 256,
                     learning_rate: float = 1e-2):
    """A causal next-character model of ``kind`` (one of :data:`NETWORKS`), compiled.

    ids ``(batch, time)`` → Embedding(``embedding_dim``) → body → Dense(V) ``logits`` ``(batch, time, V)``:

    * ``"fixed window"``: an MLP on the previous ``window`` characters (a causal ``Conv1D`` with kernel
      ``window`` is exactly that: one weight block per slot of the window), ``units`` ReLU units;
    * ``"bag of characters"``: the running mean of the embeddings of the whole prefix, then ``units`` ReLU units;
    * ``"SimpleRNN"``, ``"LSTM"``, ``"GRU"``: one recurrent layer of ``units``;
    * ``"transformer"``: :func:`helpers.transformer.build_char_transformer` (``width``, ``heads``,
      ``layers``, learned positions, at most ``max_len`` positions).

    Adam at ``learning_rate``, gradients clipped to norm 1; the transformer at a third of it (the lesson's
    3e-3, a usual rate for small transformers; neither rate was tuned for this board).
    """
    check_choice("kind", kind, set(NETWORKS))
    vocab_size = check_size("vocab_size", vocab_size, minimum=2, maximum=8192, what="characters")
    embedding_dim = check_positive_int("embedding_dim", embedding_dim, maximum=8192)
    units = check_positive_int("units", units, maximum=8192)
    window = check_positive_int("window", window, maximum=1024)
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
    if kind == "transformer":
        from .transformer import build_char_transformer

        return build_char_transformer(vocab_size, width=width, heads=heads, layers=layers, max_len=max_len,
                                      learning_rate=learning_rate / 3)
    ids = keras.Input((None,), dtype="int32", name="ids")                                # (batch, time)
    x = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")(ids)         # (batch, time, E)
    if kind == "fixed window":
        h = keras.layers.Conv1D(units, window, padding="causal", activation="relu", name="window")(x)
    elif kind == "bag of characters":
        h = keras.layers.Dense(units, activation="relu", name="hidden")(CausalMean(name="bag")(x))
    else:
        layer = {"SimpleRNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}[kind]
        h = layer(units, return_sequences=True, name="rnn")(x)                           # (batch, time, units)
    logits = keras.layers.Dense(vocab_size, name="logits")(h)                            # (batch, time, V)
    model = keras.Model(ids, logits, name=kind.replace(" ", "_"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return build_optimizer(model)                            # the first training step then traces once


def train_for(model, train_ids, seconds: float, *, batch_size: int = 32, seq_len: int = 128,
              steps_per_epoch: int = 10, seed: int = 0, hold: float = 0.5, floor: float = 0.1) -> dict:
    """Train ``model`` on random windows of ``train_ids`` for ``seconds`` of wall clock (lesson 07's recipe).

    Fresh random batches ``(batch_size, seq_len)``; :class:`helpers.training.TimeBudget` stops at the end of
    the first batch after ``seconds``; :class:`helpers.training.DecayByTime` keeps the learning rate for the
    first ``hold`` share of the budget, then lowers it to ``floor`` times. One step before the clock starts
    builds (traces) the training graph, which can take seconds on a busy CPU and says nothing about the
    model: it is counted in ``steps`` and its time reported as ``setup_seconds``.
    Returns ``{"steps", "seconds", "setup_seconds"}``.
    """
    from .music import batch_dataset
    from .training import DecayByTime, TimeBudget

    check_char_model("model", model, layers=CAUSAL_LAYERS)
    train_ids = check_ids("train_ids", train_ids, model.get_layer("embedding").input_dim, ndim=1)
    seconds = check_number("seconds", seconds, low=0, low_open=True, high=7 * 24 * 3600)
    steps_per_epoch = check_positive_int("steps_per_epoch", steps_per_epoch)

    budget = TimeBudget(seconds)
    decay = DecayByTime(seconds, hold=hold, floor=floor)
    data = batch_dataset(train_ids, batch_size, seq_len, steps_per_epoch, seed=check_seed("seed", seed))
    start = time.perf_counter()
    model.fit(data, epochs=1, steps_per_epoch=1, verbose=0)    # one step outside the budget: builds the graph
    setup = time.perf_counter() - start
    count = _StepCount()
    model.fit(data, epochs=10**6, callbacks=[budget, decay, count], verbose=0)
    return {"steps": count.steps + 1, "seconds": budget.elapsed, "setup_seconds": setup}


class _StepCount(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1


def train_and_score(name: str, model, train_ids, valid_ids, seconds: float, *, window: int = 128,
                    burn_in: int = 64, **train_options) -> Row:
    """Train ``model`` for ``seconds`` (:func:`train_for`), then score ``valid_ids`` with
    :func:`helpers.music.bits_per_char` (windows of ``window`` characters, the first ``burn_in`` of each
    only warm up, except in the first window). Returns a :class:`Row`."""
    from .music import bits_per_char

    check_char_model("model", model, layers=CAUSAL_LAYERS)
    done = train_for(model, train_ids, seconds, **train_options)
    bits = bits_per_char(model, valid_ids, window=window, burn_in=burn_in)
    return Row(name, bits, int(model.count_params()), done["steps"], done["seconds"], CRITERIA.get(name, ""))


def best_ngram_order(train_ids, vocab_size: int, orders=range(2, 8), dev_share: float = 0.1) -> tuple[int, dict]:
    """The n-gram order with the lowest bits per character on the last ``dev_share`` of ``train_ids``,
    counted on the rest (the held-out text is not used to choose). Returns ``(order, {order: bits})``."""
    train_ids = check_ids("train_ids", train_ids, vocab_size, ndim=1)
    orders = [check_positive_int("orders", int(n), minimum=1, maximum=MAX_ORDER) for n in orders]
    if not orders:
        raise ValueError("argument 'orders': expected at least one order, got none")
    dev_share = check_number("dev_share", dev_share, low=0, high=0.5, low_open=True)
    cut = int(len(train_ids) * (1 - dev_share))
    if cut < max(orders) or len(train_ids) - cut < 2:
        raise ValueError(f"argument 'train_ids': expected enough characters to hold out {dev_share:g} of them "
                         f"for orders up to {max(orders)}, got {len(train_ids)}")
    scores = {n: NGramModel(n, vocab_size).fit(train_ids[:cut]).bits_per_char(train_ids[cut:]) for n in orders}
    return min(scores, key=scores.get), scores


def count_rows(train_ids, valid_ids, vocab_size: int, orders=range(2, 8)) -> list[Row]:
    """The two count models: unigram counts (add-one) and the n-gram whose order :func:`best_ngram_order`
    picks, each counted on all of ``train_ids`` and scored on ``valid_ids``."""
    valid_ids = check_ids("valid_ids", valid_ids, vocab_size, ndim=1)
    rows = []
    order, _ = best_ngram_order(train_ids, vocab_size, orders)
    for name, n in (("unigram counts", 1), ("n-gram counts", order)):
        start = time.perf_counter()
        model = NGramModel(n, vocab_size).fit(train_ids)
        entries = vocab_size + sum(len(table[0]) for table in model.tables)
        label = name if n == 1 else f"{n}-gram counts"
        rows.append(Row(label, model.bits_per_char(valid_ids), entries, 0, time.perf_counter() - start,
                        CRITERIA[name]))
    return rows


def table(rows) -> str:
    """A Markdown-style table of ``rows``, best first, with each row's gap to the one above it."""
    rows = sorted(_check_rows(rows), key=lambda r: r.bits)
    lines = [f"{'model':<20}{'bits/char':>10}{'gap':>7}{'params':>10}{'steps':>7}{'train s':>9}",
             "-" * 63]
    for i, row in enumerate(rows):
        gap = "" if i == 0 else f"+{row.bits - rows[i - 1].bits:.2f}"
        lines.append(f"{row.name:<20}{row.bits:>10.3f}{gap:>7}{row.params:>10,}{row.steps:>7}{row.seconds:>9.1f}")
    return "\n".join(lines)


def plot(rows, *, title: str = "", reference: dict | None = None, ax=None):
    """Horizontal bars of held-out bits per character, best at the top; ``reference`` adds labelled lines
    (e.g. ``{"lesson 07 GRU, 140 s": 1.78}``). Returns the figure."""
    import matplotlib.pyplot as plt

    rows = sorted(_check_rows(rows), key=lambda r: r.bits, reverse=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.42 * len(rows) + 1.2))
    names = [r.name for r in rows]
    bars = ax.barh(names, [r.bits for r in rows],
                   color=["#999999" if r.steps == 0 else "#3b75af" for r in rows])
    for bar, row in zip(bars, rows):
        ax.text(bar.get_width() + 0.03, bar.get_y() + bar.get_height() / 2, f"{row.bits:.2f}", va="center")
    for label, value in (reference or {}).items():
        value = check_number("reference", value, low=0)
        ax.axvline(value, color="#c44e52", linestyle="--", linewidth=1)
        ax.text(value, len(rows) - 0.4, f" {label}", color="#c44e52", va="top", fontsize=FONT_PT)
    ax.set(xlabel="held-out bits per character (lower is better)", title=title)
    ax.set_xlim(0, max(r.bits for r in rows) * 1.12)
    ax.grid(False)
    from .figures import describe, listing

    best_first = [f"{r.name} {r.bits:.2f} ({r.steps} steps)" for r in reversed(rows)]
    lines = "".join(f"; reference line: {label} {value:.2f}" for label, value in (reference or {}).items())
    describe(ax, f"{title or 'Leaderboard'}: held-out bits per character, lower is better, best first: "
                 f"{listing(best_first, 12)}{lines}.")
    return ax.figure


def _check_rows(rows) -> list[Row]:
    rows = list(rows) if not isinstance(rows, (str, bytes)) else None
    if not rows or not all(isinstance(r, Row) for r in rows):
        raise TypeError(f"argument 'rows': expected a non-empty list of leaderboard Rows, got {rows!r:.80}")
    return rows
