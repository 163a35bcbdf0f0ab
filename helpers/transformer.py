"""Self-attention models in Keras (lesson 10): positions, one encoder block, classifiers, timing.

The numpy reference is :mod:`helpers.self_attention`; this module builds the models the
lesson trains on the scorecard's data sets and on the long-gap task, and times one training
step of a GRU against a self-attention block.

Models read padded id arrays ``(batch, time)`` (id 0 is padding, masked out of the keys and
of the mean) and return class probabilities ``(batch, n_classes)``.
"""
from __future__ import annotations

import statistics
import time

import keras
import numpy as np
from keras import ops

from .config import profile
from .self_attention import sinusoidal_positions
from .training import build_optimizer
from .validation import check_array, check_bool, check_choice, check_keras_model, check_number, check_positive_int

POSITIONS = ("none", "sinusoidal", "learned")
READOUTS = ("mean", "last")


class PositionEncoding(keras.layers.Layer):
    """Adds position information to ``(batch, time, width)``: ``"none"``, ``"sinusoidal"`` or ``"learned"``.

    ``max_len`` rows in the table; a longer input raises a ``ValueError`` naming the lengths.
    """

    def __init__(self, kind: str, max_len: int, width: int, **kwargs):
        super().__init__(**kwargs)
        self.kind = check_choice("kind", kind, set(POSITIONS))
        self.max_len = check_positive_int("max_len", max_len)
        self.width = check_positive_int("width", width)
        if kind == "sinusoidal":
            self.table = ops.convert_to_tensor(sinusoidal_positions(max_len, width))
        elif kind == "learned":
            self.table = self.add_weight(shape=(max_len, width), initializer=keras.initializers.RandomNormal(0, 0.1),
                                         name="position_table")

    def call(self, x):
        length = x.shape[1]
        if length is not None and length > self.max_len:
            raise ValueError(f"argument 'x': expected a sequence of at most {self.max_len} positions "
                             f"(the length of the position table), got {length}")
        if self.kind == "none":
            return x
        return x + self.table[None, : ops.shape(x)[1]]

    def get_config(self):
        return {**super().get_config(), "kind": self.kind, "max_len": self.max_len, "width": self.width}


def _check_build(vocab_size, n_classes, positions, readout, width, heads, max_len):
    vocab_size = check_positive_int("vocab_size", vocab_size, minimum=2)
    n_classes = check_positive_int("n_classes", n_classes, minimum=2)
    check_choice("positions", positions, set(POSITIONS))
    check_choice("readout", readout, set(READOUTS))
    width = check_positive_int("width", width)
    heads = check_positive_int("heads", heads)
    if width % heads:
        raise ValueError(f"argument 'heads': expected a divisor of the model width {width}, got {heads}")
    return vocab_size, n_classes, width, heads, check_positive_int("max_len", max_len)


def build_classifier(vocab_size: int, n_classes: int, *, positions: str = "none", readout: str = "mean",
                     width: int = 32, heads: int = 4, max_len: int = 64, learning_rate: float = 3e-3,
                     return_attention: bool = False, run_eagerly: bool | None = None):
    """One self-attention encoder block over word ids, then a readout and a softmax (lesson 10).

    ids ``(batch, time)`` → Embedding(width) → + positions → x + MultiHeadAttention(x, x) → LayerNorm →
    x + FeedForward(x) → LayerNorm → readout → Dense(n_classes, softmax). Padding (id 0) is masked out of
    the keys and of the mean. ``readout="mean"`` averages the real positions (order-free);
    ``"last"`` reads the last position, whose query may look at every other position in one step.

    Compiled with Adam. With ``return_attention=True`` also returns a model ids → attention weights
    ``(batch, heads, time, time)`` that shares the layers (for the explorer).

    ``run_eagerly=None`` trains step by step without a TensorFlow graph in the fast profile only, where a
    model sees a handful of batches: tracing its graph took 3.5 s there against 1.1 s for the whole eager
    epoch. The full profile (and ``run_eagerly=False``) traces the graph as usual; the model and its training are the same.
    """
    vocab_size, n_classes, width, heads, max_len = _check_build(vocab_size, n_classes, positions, readout,
                                                                width, heads, max_len)
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True)
    ids = keras.Input((None,), dtype="int32", name="ids")
    real = ops.not_equal(ids, 0)                                               # (batch, time)
    x = keras.layers.Embedding(vocab_size, width, name="embedding")(ids)
    x = PositionEncoding(positions, max_len, width, name="positions")(x)
    attention_mask = ops.logical_and(ops.expand_dims(real, 1), ops.expand_dims(real, 2))   # (batch, time, time)
    attended, scores = keras.layers.MultiHeadAttention(heads, width // heads, name="self_attention")(
        x, x, attention_mask=attention_mask, return_attention_scores=True)
    x = keras.layers.LayerNormalization(name="norm_1")(x + attended)
    hidden = keras.layers.Dense(2 * width, activation="relu", name="feed_forward_1")(x)
    x = keras.layers.LayerNormalization(name="norm_2")(x + keras.layers.Dense(width, name="feed_forward_2")(hidden))
    if readout == "mean":
        weight = ops.expand_dims(ops.cast(real, x.dtype), -1)                  # (batch, time, 1)
        pooled = ops.sum(x * weight, axis=1) / ops.maximum(ops.sum(weight, axis=1), 1.0)
    else:
        pooled = x[:, -1]                                                      # padding is on the left
    probabilities = keras.layers.Dense(n_classes, activation="softmax", name="classes")(pooled)
    model = keras.Model(ids, probabilities, name=f"self_attention_{positions}")
    if run_eagerly is None:
        run_eagerly = profile.is_fast
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], run_eagerly=check_bool("run_eagerly", run_eagerly))
    build_optimizer(model)                                   # the first training step then traces once
    if return_attention:
        return model, keras.Model(ids, scores, name="attention_weights")
    return model


def scorecard_builder(positions: str, **options):
    """A ``build(vocab_size, n_classes)`` for :func:`helpers.scorecard.score_sequence_model`."""
    check_choice("positions", positions, set(POSITIONS))
    return lambda vocab_size, n_classes: build_classifier(vocab_size, n_classes, positions=positions, **options)


def train_long_gap(gap: int, *, positions: str = "none", n_train: int = 2048, epochs: int = 10,
                   seed: int = 0, width: int = 32, heads: int = 4):
    """Lesson 05's long-gap recall task for self-attention: the answer is read at the recall token.

    Returns ``(test accuracy, model)``. The recall token is last; its query looks at all ``gap + 2``
    positions at once, so the key is one step away whatever the gap. Ids are shifted by one so that
    0 stays the padding id.
    """
    from . import long_gap

    gap = check_positive_int("gap", gap, minimum=0)
    train = long_gap.make_long_gap(n_train, gap, seed=seed)
    test = long_gap.make_long_gap(512, gap, seed=seed + 1000)    # the test set of lessons 05-06
    keras.utils.set_random_seed(seed)
    model = build_classifier(train.vocab_size + 1, train.n_classes, positions=positions, readout="last",
                             width=width, heads=heads, max_len=gap + 2)
    model.fit(train.x + 1, train.y, epochs=epochs, batch_size=32, verbose=0,
              callbacks=[long_gap._stop_when_learned()])
    probabilities = np.asarray(model(test.x + 1, training=False))
    return float(np.mean(probabilities.argmax(-1) == test.y)), model


# ---- sequential against parallel ---------------------------------------------------------------

def build_timing_model(kind: str, width: int = 64, heads: int = 4):
    """A model over ``(batch, time, width)`` floats for timing: one GRU(width) layer or one attention block.

    Both return ``(batch, time, width)`` and are trained with a mean squared error, so a training
    step does the same work around the layer being timed.
    """
    check_choice("kind", kind, {"GRU", "self-attention"})
    width = check_positive_int("width", width)
    inputs = keras.Input((None, width))
    if kind == "GRU":
        outputs = keras.layers.GRU(width, return_sequences=True)(inputs)
    else:
        x = inputs + keras.layers.MultiHeadAttention(heads, width // heads)(inputs, inputs)
        x = keras.layers.LayerNormalization()(x)
        outputs = keras.layers.LayerNormalization()(x + keras.layers.Dense(width)(
            keras.layers.Dense(2 * width, activation="relu")(x)))
    model = keras.Model(inputs, outputs, name=kind)
    model.compile(optimizer="adam", loss="mse")
    return build_optimizer(model)


def step_seconds(model, lengths, *, batch: int = 32, repeats: int = 3, seed: int = 0) -> np.ndarray:
    """Median wall time (s) of one ``train_on_batch`` step for each sequence length in ``lengths``.

    One warm-up step per length (tracing) is not timed. Returns ``(len(lengths),)``.
    """
    lengths = [check_positive_int("lengths", int(t)) for t in lengths]
    repeats = check_positive_int("repeats", repeats)
    width = model.input_shape[-1]
    rng = np.random.default_rng(seed)
    result = []
    for length in lengths:
        x = rng.normal(size=(batch, length, width)).astype("float32")
        y = rng.normal(size=(batch, length, width)).astype("float32")
        model.train_on_batch(x, y)                                 # warm-up: traces for this length
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            model.train_on_batch(x, y)
            times.append(time.perf_counter() - start)
        result.append(statistics.median(times))
    return np.asarray(result)


def attention_for(attention_model, ids) -> np.ndarray:
    """Attention weights ``(heads, time, time)`` of one id sequence ``(time,)`` from a ``return_attention`` model."""
    ids = check_array("ids", ids, ndim=1, kind="int")
    return np.asarray(attention_model(ids[None].astype("int32"), training=False))[0]


# ---- a causal character transformer (lesson 10, on lesson 07's tunes) --------------------------

def build_char_transformer(vocab_size: int, *, width: int = 128, heads: int = 4, layers: int = 2,
                           max_len: int = 256, positions: str = "learned", learning_rate: float = 3e-3,
                           clipnorm: float | None = 1.0):
    """A small decoder-only transformer over characters: ids ``(batch, time)`` → logits ``(batch, time, V)``.

    Embedding(width) → + positions → ``layers`` × [x + CausalSelfAttention(LN(x)); x + FeedForward(LN(x))]
    → LN → Dense(V). Pre-LN blocks (normalise before each sub-layer, as in GPT-2); the causal mask
    (``use_causal_mask=True``) lets position ``t`` see positions ``0..t`` only, so the logits at ``t``
    predict character ``t + 1`` exactly like lesson 07's GRU, and :func:`helpers.music.bits_per_char`
    scores it unchanged (layers named ``embedding`` and ``logits``). At most ``max_len`` positions.
    Compiled with Adam (gradients clipped to ``clipnorm``) and the next-character cross-entropy.
    """
    vocab_size = check_positive_int("vocab_size", vocab_size, minimum=2)
    width = check_positive_int("width", width)
    heads = check_positive_int("heads", heads)
    if width % heads:
        raise ValueError(f"argument 'heads': expected a divisor of the model width {width}, got {heads}")
    layers = check_positive_int("layers", layers, maximum=64)
    max_len = check_positive_int("max_len", max_len)
    check_choice("positions", positions, set(POSITIONS))
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
    if clipnorm is not None:
        clipnorm = check_number("clipnorm", clipnorm, low=0, low_open=True)
    ids = keras.Input((None,), dtype="int32", name="ids")                                # (batch, time)
    x = keras.layers.Embedding(vocab_size, width, name="embedding")(ids)                 # (batch, time, width)
    x = PositionEncoding(positions, max_len, width, name="positions")(x)
    for block in range(layers):
        h = keras.layers.LayerNormalization(name=f"block_{block}_norm_1")(x)
        x = x + keras.layers.MultiHeadAttention(heads, width // heads, name=f"block_{block}_attention")(
            h, h, use_causal_mask=True)                                                   # sees 0..t only
        h = keras.layers.LayerNormalization(name=f"block_{block}_norm_2")(x)
        h = keras.layers.Dense(4 * width, activation="gelu", name=f"block_{block}_feed_forward_1")(h)
        x = x + keras.layers.Dense(width, name=f"block_{block}_feed_forward_2")(h)
    x = keras.layers.LayerNormalization(name="final_norm")(x)
    logits = keras.layers.Dense(vocab_size, name="logits")(x)                            # (batch, time, V)
    model = keras.Model(ids, logits, name=f"char_transformer_{layers}x{width}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return build_optimizer(model)                            # the first training step then traces once


def causal_step(model, context: int | None = None):
    """A ``step(ids_t, states) -> (logits, states)`` for :func:`helpers.music.sample_tunes` and a causal model.

    A transformer has no recurrent state: its "state" is the history of ids ``[(batch, t) int32]``
    (start from :func:`empty_history`). Each call appends ``ids_t`` ``(batch,)``, keeps the last
    ``context`` ids (default: the model's position table) and returns the logits of the last
    position ``(batch, V)``: the whole history is read again at every step.
    """
    import tensorflow as tf

    check_keras_model("model", model, layers=("embedding", "logits"))
    if context is None:
        context = model.get_layer("positions").max_len if "positions" in [l.name for l in model.layers] else 256
    context = check_positive_int("context", context)

    @tf.function(reduce_retracing=True)          # one trace for every length, not one per length
    def last_logits(history):
        return model(history, training=False)[:, -1]

    def step(ids_t, states):
        history = np.concatenate([np.asarray(states[0], dtype="int32"),
                                  np.asarray(ids_t, dtype="int32")[:, None]], axis=1)[:, -context:]
        return last_logits(history), [history]

    return step


def empty_history(batch_size: int) -> list[np.ndarray]:
    """The starting "state" of :func:`causal_step`: no ids yet, ``[(batch, 0) int32]``."""
    batch_size = check_positive_int("batch_size", batch_size)
    return [np.zeros((batch_size, 0), dtype="int32")]
