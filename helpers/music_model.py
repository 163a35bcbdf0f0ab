"""Lesson 07, the model: a character-level LSTM/GRU over ABC text, sampling, bits per character.

Part of :mod:`helpers.music` (which re-exports every public name here)::

    model = build_model(len(vocab))              # Embedding -> LSTM/GRU -> Dense, logits (batch, time, V)
    tunes, _ = sample_tunes(model, vocab, n=64, temperature=0.8, seed=0)   # many tunes in one batch

Shapes: ``batch`` examples, ``time`` characters, ``V`` the vocabulary size, ``units`` the
recurrent state size.
"""
from __future__ import annotations

import time

import numpy as np

from .music_corpus import START, check_vocabulary, unvectorize, vectorize
from .validation import (MAX_LENGTH, MAX_UNITS, check_alloc, check_callable, check_choice, check_ids,
                         check_keras_model, check_number, check_positive_int, check_seed, check_size,
                         check_text, check_vocab_size)

MAX_TEMPERATURE = 10.0
MAX_TUNES = 10_000        # tunes sampled in one batch
MODEL_LAYERS = ("embedding", "rnn", "logits")
CAUSAL_LAYERS = ("embedding", "logits")   # any causal model: ids (batch, time) -> logits (batch, time, V)


def check_char_model(name: str, model, vocab=None, layers=MODEL_LAYERS):
    """A model from :func:`build_model` (layers ``embedding``, ``rnn``, ``logits``), matching ``vocab`` if given.

    ``layers=CAUSAL_LAYERS`` accepts any causal character model with an ``embedding`` and a ``logits``
    layer, such as lesson 10's transformer (:func:`helpers.transformer.build_char_transformer`).
    """
    check_keras_model(name, model, layers=layers)
    if vocab is not None:
        vocab = check_vocabulary("vocab", vocab)
        check_vocab_size("vocab", len(vocab), model, model.get_layer("embedding").input_dim, model_name=name)
    return model


# ---- the model -------------------------------------------------------------------------------------

def build_model(vocab_size: int, embedding_dim: int = 64, units: int = 256, cell: str = "lstm",
                learning_rate: float = 3e-3, clipnorm: float | None = 1.0):
    """Embedding → LSTM (or GRU) → Dense: ids ``(batch, time)`` → logits ``(batch, time, V)``, compiled.

    The loss is the cross-entropy of the next character (natural log; divide by ln 2 for bits).
    No ``batch_input_shape``, no stateful layers: generation threads the state itself (:func:`make_step`).
    """
    import keras

    vocab_size = check_size("vocab_size", vocab_size, minimum=2, maximum=MAX_UNITS, what="characters")
    embedding_dim = check_size("embedding_dim", embedding_dim, maximum=MAX_UNITS, what="numbers per character")
    units = check_size("units", units, maximum=MAX_UNITS, what="units")
    check_choice("cell", cell, {"lstm", "gru"})
    learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
    if clipnorm is not None:
        clipnorm = check_number("clipnorm", clipnorm, low=0, low_open=True)
    layer = keras.layers.LSTM if cell == "lstm" else keras.layers.GRU
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")                       # (batch, time)
    x = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")(ids)      # (batch, time, E)
    h = layer(units, return_sequences=True, name="rnn")(x)                            # (batch, time, units)
    logits = keras.layers.Dense(vocab_size, name="logits")(h)                         # (batch, time, V)
    model = keras.Model(ids, logits, name=f"char_{cell}_{units}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),   # clip: tame rare spikes
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def initial_states(model, batch_size: int) -> list[np.ndarray]:
    """Zero recurrent states for ``batch_size`` sequences: ``[h, c]`` (LSTM) or ``[h]`` (GRU), each ``(batch, units)``."""
    check_char_model("model", model)
    batch_size = check_size("batch_size", batch_size, maximum=MAX_TUNES, what="sequences")
    cell = model.get_layer("rnn").cell
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    return [np.zeros((batch_size, s), dtype="float32") for s in sizes]


def make_step(model):
    """One character per call, the recurrent state passed in and out explicitly.

    ``step(ids_t, states) -> (logits, states)`` with ``ids_t`` ``(batch,)`` int, ``states`` as
    from :func:`initial_states`, ``logits`` ``(batch, V)``. It reuses the trained layers (the
    embedding, the RNN layer's own cell and the dense layer), so it computes exactly what the
    model computes one position at a time.
    """
    import tensorflow as tf

    check_char_model("model", model)
    embedding, cell, dense = model.get_layer("embedding"), model.get_layer("rnn").cell, model.get_layer("logits")

    @tf.function(reduce_retracing=True)   # compiled once: a Python-level loop would be ~10x slower
    def step(ids_t, states):
        x_t = embedding(ids_t)                     # (batch, E)
        h_t, new_states = cell(x_t, list(states))  # (batch, units)
        if not isinstance(new_states, (list, tuple)):
            new_states = [new_states]
        return dense(h_t), list(new_states)        # (batch, V)

    return step


def check_temperature(temperature) -> float:
    """A temperature must lie in (0, 10]: 1 samples the model's own distribution, lower is safer, higher wilder."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating, np.integer)):
        raise TypeError(f"argument 'temperature': expected a number in (0, {MAX_TEMPERATURE:g}], "
                        f"got {type(temperature).__name__} {temperature!r}")
    temperature = float(temperature)
    if not 0 < temperature <= MAX_TEMPERATURE:   # False for NaN too
        raise ValueError(f"argument 'temperature': expected a value in (0, {MAX_TEMPERATURE:g}] (1 = the model's "
                         f"own distribution, lower = safer, higher = wilder), got {temperature:g}")
    return temperature


def sample_tunes(model, vocab, n: int = 1, temperature: float = 1.0, seed: int = 0, prefix: str = START,
                 max_chars: int = 800, min_chars: int = 0, step=None, states=None):
    """Generate ``n`` tunes at once (one batch), each from ``prefix`` until a blank line or ``max_chars``.

    ``min_chars`` forbids ending a tune (a blank line) within its first ``min_chars`` generated
    characters, like ``min_length`` in text generation: the blank line's probability is set to 0
    there and the others renormalised.

    Sampling uses the Gumbel-max trick with one ``np.random.default_rng([seed, row])`` per row: the
    same model, seed and temperature give the same tunes (tune ``b`` does not depend on ``n``);
    the same seed at another temperature uses the same random numbers, so the tunes differ
    only by the temperature. Returns ``(tunes, stats)`` with
    ``stats = {"chars": generated characters, "seconds": ..., "chars_per_second": ...}``.

    A model without a recurrent layer (lesson 10's transformer) passes its own ``step`` and starting
    ``states`` (:func:`helpers.transformer.causal_step` and :func:`helpers.transformer.empty_history`).
    """
    check_char_model("model", model, vocab, layers=MODEL_LAYERS if states is None else CAUSAL_LAYERS)
    if states is not None and step is None:
        raise ValueError("argument 'step': expected a step function to go with argument 'states', got None")
    n = check_size("n", n, maximum=MAX_TUNES, what="tunes in one batch")
    temperature = check_temperature(temperature)
    max_chars = check_size("max_chars", max_chars, maximum=MAX_LENGTH, what="characters")
    min_chars = check_positive_int("min_chars", min_chars, minimum=0, maximum=MAX_LENGTH)   # > max_chars: never ends early
    check_text("prefix", prefix)
    missing = sorted(set(prefix) - set(vocab))
    if missing:
        raise ValueError(f"argument 'prefix': expected characters of the vocabulary, got {missing[0]!r} "
                         f"in {prefix[:40]!r}")
    check_seed("seed", seed)
    check_alloc("n", (n, max_chars), np.int64, what="sampled ids")
    step = make_step(model) if step is None else check_callable("step", step, "a step function from make_step")
    if states is not None:
        states = list(states)
        if not states or any(np.ndim(s) < 1 or np.shape(s)[0] != n for s in states):
            raise ValueError(f"argument 'states': expected a list of arrays with n={n} rows (one per tune), "
                             f"got shapes {[np.shape(s) for s in states]}")
    rngs = [np.random.default_rng([seed, row]) for row in range(n)]   # one stream per row: tune b does not
    index = {c: i for i, c in enumerate(vocab)}                        # depend on how many tunes are drawn
    newline = index.get("\n")
    prefix_ids = vectorize(prefix, vocab)
    start = time.perf_counter()
    states = initial_states(model, n) if states is None else list(states)
    for char_id in prefix_ids[:-1]:                          # read the prefix, threading the state
        _, states = step(np.full(n, char_id, dtype="int32"), states)
    current = np.full(n, prefix_ids[-1], dtype="int32")
    out = np.zeros((n, max_chars), dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    lengths = np.full(n, max_chars)
    previous = current.copy()
    for t in range(max_chars):
        logits, states = step(current, states)
        logits = np.asarray(logits, dtype=np.float64) / temperature       # (batch, V)
        if t < min_chars and newline is not None:
            logits[previous == newline, newline] = -np.inf                  # no blank line yet: too early to end
        uniform = np.stack([r.uniform(1e-12, 1.0, size=logits.shape[1]) for r in rngs])
        gumbel = -np.log(-np.log(uniform))
        chosen = np.argmax(logits + gumbel, axis=1)                       # a sample from softmax(logits / T)
        out[:, t] = chosen
        ended = (~done) & (newline is not None) & (chosen == newline) & (previous == newline)
        lengths[ended] = t + 1
        done |= ended
        if done.all():
            break
        previous, current = chosen, chosen.astype("int32")
    seconds = time.perf_counter() - start
    tunes = [prefix + unvectorize(out[b, :lengths[b]], vocab).rstrip("\n") + "\n" for b in range(n)]
    chars = int(np.minimum(lengths, t + 1).sum())
    return tunes, {"chars": chars, "seconds": seconds, "chars_per_second": chars / max(seconds, 1e-9)}


def bits_per_char(model, ids, window: int = 256, burn_in: int = 64, batch_size: int = 32) -> float:
    """Average cross-entropy of the next character in bits, over a whole held-out text ``ids`` ``(time,)``.

    The text is cut into overlapping windows; each window's first ``burn_in`` predictions only
    warm up the state (except in the first window), so almost every character is scored with
    ``burn_in`` or more characters of context, and each exactly once. Any causal model with layers
    ``embedding`` and ``logits`` works (lesson 07's GRU, lesson 10's transformer and leaderboard models).
    """
    check_char_model("model", model, layers=CAUSAL_LAYERS)
    ids = check_ids("ids", ids, model.get_layer("embedding").input_dim, ndim=1)
    window = check_size("window", window, minimum=2, maximum=MAX_LENGTH, what="characters")
    burn_in = check_positive_int("burn_in", burn_in, minimum=0, maximum=window - 1)
    batch_size = check_size("batch_size", batch_size, maximum=4096, what="windows per batch")
    check_alloc("window", (len(ids) // max(window - burn_in, 1) + 1, window), np.int64, what="windows")
    if len(ids) < 2:
        raise ValueError(f"argument 'ids': expected at least 2 characters, got {len(ids)}")
    hop = window - burn_in
    xs, ys, masks = [], [], []
    begin = 0
    while True:
        x = ids[begin:begin + window]
        y = ids[begin + 1:begin + window + 1]
        x = x[:len(y)]
        if len(y) == 0:
            break
        mask = np.zeros(window, dtype="float32")
        mask[(0 if begin == 0 else burn_in):len(y)] = 1.0
        pad = window - len(y)
        xs.append(np.pad(x, (0, pad)))
        ys.append(np.pad(y, (0, pad)))
        masks.append(mask)
        if begin + window + 1 >= len(ids):
            break
        begin += hop
    x, y, mask = np.stack(xs), np.stack(ys), np.stack(masks)
    total = 0.0
    for b in range(0, len(x), batch_size):
        logits = np.asarray(model.predict_on_batch(x[b:b + batch_size].astype("int32")), dtype=np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        picked = np.take_along_axis(log_probs, y[b:b + batch_size, :, None], axis=-1)[..., 0]
        total -= float((picked * mask[b:b + batch_size]).sum())
    return total / float(mask.sum()) / np.log(2.0)

