"""Encoder–decoder models, additive (Bahdanau) attention, greedy and beam-search decoding (lesson 09).

Shapes: ``batch`` examples, ``Tv`` input characters (the encoder's time axis), ``Tq``
output steps (the decoder's time axis), ``units`` hidden size, ``V`` output vocabulary.

* :class:`AdditiveAttention`: ``score(s, h) = v · tanh(W_query s + W_key h)``, softmax over
  the input positions (padding masked out), context = weighted sum of the encoder outputs.
* :class:`Seq2Seq`: a GRU encoder and a GRU decoder, with or without attention. Training
  uses teacher forcing in one parallel pass; inference runs the decoder one step at a time
  and hands its state from step to step explicitly (:meth:`Seq2Seq.decoder_step`).
* :func:`greedy_decode`, :func:`beam_search` (length-normalised); :func:`exact_match`,
  :func:`accuracy_by_length`, :func:`attention_for` and :func:`plot_attention` live in
  :mod:`helpers.attention_reading` and are re-exported here.

Where attention sits: the score is Bahdanau's additive one, but the query is the decoder
state *after* its GRU step (Luong et al.'s placement, also used by the TensorFlow NMT
tutorial), and the context is mixed into the output through ``tanh(W_c [s; c])`` rather
than fed back into the GRU. That keeps teacher-forced training one parallel pass over the
target, which matters on a 2-core CPU; Bahdanau's original feeds the context into the
recurrence and so needs a custom cell stepped in time.
"""
from __future__ import annotations

import numpy as np

import keras
from keras import ops

from . import dates as D
from .attention_numpy import MASKED_SCORE, additive_weights, beam_step, context_vector, softmax
from .training import build_optimizer
from .validation import (MAX_UNITS, check_array, check_bool, check_number, check_seed,
                         check_size, check_string_list, check_type)

__all__ = ["additive_weights", "context_vector", "AdditiveAttention", "compare_with_keras", "Seq2Seq", "greedy_decode", "beam_step",
           "beam_search", "exact_match", "accuracy_by_length", "plot_accuracy_by_length",
           "attention_for", "plot_attention", "softmax"]

LENGTH_BUCKETS = (12, 16, 20, 24, 32, 40, 48, 56)   # training batches group inputs by length


class AdditiveAttention(keras.layers.Layer):
    """Additive (Bahdanau) attention written with ``keras.ops`` (lesson 09).

    ``call(query, values, values_mask=None)`` with ``query`` ``(batch, Tq, dq)`` (decoder
    states), ``values`` ``(batch, Tv, dv)`` (encoder outputs, used as keys too) and
    ``values_mask`` ``(batch, Tv)`` (True where there is a real input character) returns

    * ``context`` ``(batch, Tq, dv)``: for each query, the weighted sum of the values;
    * ``weights`` ``(batch, Tq, Tv)``: softmax over the input positions (each row sums to 1,
      padded positions get exactly 0).

    ``scores[b, i, j] = v · tanh(W_query q[b, i] + W_key h[b, j])`` with ``W_query``
    ``(dq, units)``, ``W_key`` ``(dv, units)`` and ``v`` ``(units,)``.
    """

    def __init__(self, units: int, **kwargs):
        super().__init__(**kwargs)
        self.units = check_size("units", units, maximum=MAX_UNITS, what="units")

    def build(self, query_shape, values_shape):
        self.W_query = self.add_weight(name="W_query", shape=(query_shape[-1], self.units),
                                       initializer="glorot_uniform")
        self.W_key = self.add_weight(name="W_key", shape=(values_shape[-1], self.units),
                                     initializer="glorot_uniform")
        self.v = self.add_weight(name="v", shape=(self.units,), initializer="glorot_uniform")

    def scores(self, query, values, values_mask=None):
        """Masked scores ``(batch, Tq, Tv)``, before the softmax."""
        q = ops.matmul(query, self.W_query)                       # (batch, Tq, units)
        k = ops.matmul(values, self.W_key)                        # (batch, Tv, units)
        # broadcast to (batch, Tq, Tv, units), squash, project on v
        e = ops.sum(self.v * ops.tanh(ops.expand_dims(q, 2) + ops.expand_dims(k, 1)), axis=-1)
        if values_mask is not None:
            keep = ops.expand_dims(ops.cast(values_mask, "bool"), 1)     # (batch, 1, Tv)
            e = ops.where(keep, e, MASKED_SCORE)
        return e

    def call(self, query, values, values_mask=None):
        weights = ops.softmax(self.scores(query, values, values_mask), axis=-1)   # over input positions
        if values_mask is not None:   # a row with no real input at all gets weights 0, not uniform ones
            weights = weights * ops.cast(ops.expand_dims(ops.cast(values_mask, "bool"), 1), weights.dtype)
        context = ops.matmul(weights, values)                                     # (batch, Tq, dv)
        return context, weights

    def compute_output_shape(self, query_shape, values_shape):
        return (*query_shape[:-1], values_shape[-1]), (*query_shape[:-1], values_shape[1])

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def compare_with_keras(seed: int = 0, batch: int = 3, Tq: int = 4, Tv: int = 6, dq: int = 5, dv: int = 7,
                       units: int = 8) -> dict:
    """Check :class:`AdditiveAttention` against ``keras.layers.AdditiveAttention``; max abs differences.

    Keras' layer has no projections: it scores ``sum(scale * tanh(query + key))`` and needs
    query and key of the same size. So we give it the *projected* query ``query @ W_query``
    and key ``values @ W_key``, the raw ``values``, and our ``v`` as its ``scale`` vector
    (``use_scale=True``). That is exactly the part the two layers share: scoring, masking,
    softmax over the input positions, weighted sum. Returns ``{"context": d, "weights": d}``.
    """
    for name, value in (("batch", batch), ("Tq", Tq), ("Tv", Tv), ("dq", dq), ("dv", dv), ("units", units)):
        check_size(name, value, maximum=256, what="(a small comparison)")
    rng = np.random.default_rng(check_seed("seed", seed))
    query = rng.normal(size=(batch, Tq, dq)).astype("float32")
    values = rng.normal(size=(batch, Tv, dv)).astype("float32")
    lengths = rng.integers(1, Tv + 1, size=batch)
    lengths[0] = Tv
    mask = np.arange(Tv)[None, :] < lengths[:, None]              # (batch, Tv) True = real input
    ours = AdditiveAttention(units)
    context, weights = ours(query, values, values_mask=mask)
    theirs = keras.layers.AdditiveAttention(use_scale=True)
    q_proj = ops.matmul(query, ours.W_query)
    k_proj = ops.matmul(values, ours.W_key)
    theirs.build([q_proj.shape, values.shape, k_proj.shape])
    theirs.scale.assign(ours.v)
    # Masks as every Keras 3 release reads them: a full query mask (Keras 3.3 refuses [None, tensor]) and
    # the value mask as (batch, 1, Tv) (Keras before 3.11 does not broadcast a (batch, Tv) one over queries).
    every_query = np.ones((batch, Tq), dtype=bool)
    k_context, k_weights = theirs([q_proj, values, k_proj], mask=[every_query, mask[:, None, :]],
                                  return_attention_scores=True)
    return {"context": float(np.max(np.abs(np.asarray(context) - np.asarray(k_context)))),
            "weights": float(np.max(np.abs(np.asarray(weights) - np.asarray(k_weights))))}


# ---- the encoder–decoder -------------------------------------------------------------------

class Seq2Seq:
    """A character-level GRU encoder–decoder, with or without additive attention (lesson 09).

    * ``model``: training graph, ``[input_ids (batch, Tv), decoder_in (batch, Tq)]`` →
      logits ``(batch, Tq, V)``; the decoder reads the true previous character (teacher forcing).
    * ``encoder``: ``input_ids`` → ``[outputs (batch, Tv, units), state (batch, units)]``.
    * :meth:`decoder_step`: one decoding step, the state passed in and out by hand.
    * ``attention_model`` (attention only): ``[input_ids, decoder_in]`` → weights ``(batch, Tq, Tv)``.

    Without attention the decoder sees the input only through the encoder's final state:
    one vector of ``units`` numbers must carry the whole date (the bottleneck).
    """

    def __init__(self, *, attention: bool = True, units: int = 64, embed_dim: int = 16,
                 attention_units: int | None = None, learning_rate: float = 0.005):
        self.attention = check_bool("attention", attention)
        self.learning_rate = check_number("learning_rate", learning_rate, low=0, low_open=True, high=10)
        self.units = check_size("units", units, maximum=MAX_UNITS, what="units")
        embed_dim = check_size("embed_dim", embed_dim, maximum=MAX_UNITS, what="numbers per character")
        if attention_units is not None:
            attention_units = check_size("attention_units", attention_units, maximum=MAX_UNITS, what="units")
        n_in, n_out = len(D.INPUT_VOCAB), len(D.OUTPUT_VOCAB)
        self.input_embedding = keras.layers.Embedding(n_in, embed_dim, mask_zero=True, name="input_embedding")
        self.encoder_gru = keras.layers.GRU(units, return_sequences=True, return_state=True, name="encoder_gru")
        self.output_embedding = keras.layers.Embedding(n_out, embed_dim, name="output_embedding")
        self.decoder_gru = keras.layers.GRU(units, return_sequences=True, return_state=True, name="decoder_gru")
        self.readout = keras.layers.Dense(n_out, name="readout")      # logits over the output characters
        if self.attention:
            self.attend = AdditiveAttention(attention_units or units, name="additive_attention")
        self.combine = keras.layers.Dense(units, activation="tanh", name="combine")   # tanh(W_c [s; c])

        input_ids = keras.Input((None,), dtype="int32", name="input_ids")
        decoder_in = keras.Input((None,), dtype="int32", name="decoder_in")
        enc_outputs, enc_state = self._encode(input_ids)
        dec_states, _ = self.decoder_gru(self.output_embedding(decoder_in), initial_state=enc_state)
        logits, weights = self._read(dec_states, enc_outputs, ops.not_equal(input_ids, 0), enc_state)
        self.model = keras.Model([input_ids, decoder_in], logits, name="seq2seq_attention" if attention else "seq2seq")
        self.model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                           loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        build_optimizer(self.model)                          # the first training step then traces once
        self.encoder = keras.Model(input_ids, [enc_outputs, enc_state], name="encoder")
        if self.attention:
            self.attention_model = keras.Model([input_ids, decoder_in], weights, name="attention_weights")

        # one decoder step, for inference: everything it needs comes in, the new state goes out
        token = keras.Input((1,), dtype="int32", name="previous_char")
        state = keras.Input((units,), name="state")
        outputs = keras.Input((None, units), name="encoder_outputs")
        mask = keras.Input((None,), dtype="bool", name="input_mask")
        summary = keras.Input((units,), name="encoder_summary")
        step_states, new_state = self.decoder_gru(self.output_embedding(token), initial_state=state)
        step_logits, step_weights = self._read(step_states, outputs, mask, summary)
        log_probs = ops.log_softmax(step_logits[:, 0, :], axis=-1)
        step_outputs = [log_probs, new_state] + ([step_weights[:, 0, :]] if self.attention else [])
        # Only the inputs the step reads (Keras before 3.13 refuses an input not connected to the outputs).
        self._step = keras.Model(self._step_inputs(token, state, outputs, mask, summary), step_outputs,
                                 name="decoder_step")
        self._compile_inference()

    def _compile_inference(self):
        """Trace the encoder and the decoder step once each as TensorFlow graphs (a fixed
        signature with free batch and time axes): eager Keras calls are ~100x slower per step."""
        import tensorflow as tf

        ids = tf.TensorSpec((None, None), tf.int32)
        vec, seq = tf.TensorSpec((None, self.units), tf.float32), tf.TensorSpec((None, None, self.units), tf.float32)
        self._encode_graph = tf.function(lambda x: self.encoder(x, training=False), input_signature=[ids])
        self._step_graph = tf.function(
            lambda token, state, outputs, mask, summary: self._step(
                self._step_inputs(token, state, outputs, mask, summary), training=False),
            input_signature=[tf.TensorSpec((None, 1), tf.int32), vec, seq, tf.TensorSpec((None, None), tf.bool), vec])

    def _step_inputs(self, token, state, outputs, mask, summary):
        """With attention a step reads the encoder's outputs and mask; without, its final state."""
        return [token, state, outputs, mask] if self.attention else [token, state, summary]

    def _encode(self, input_ids):
        return self.encoder_gru(self.input_embedding(input_ids))

    def _read(self, dec_states, enc_outputs, mask, summary):
        """Decoder states ``(batch, Tq, units)`` → logits ``(batch, Tq, V)`` (and attention weights).

        The output at each step mixes the decoder state with a context vector. Without
        attention the context is the encoder's final state, the same ``summary`` at every
        step (as in Cho et al. 2014); with attention it is recomputed for every output step.
        """
        if self.attention:
            context, weights = self.attend(dec_states, enc_outputs, values_mask=mask)
        else:
            context = ops.zeros_like(dec_states) + ops.expand_dims(summary, 1)       # (batch, Tq, units)
            weights = None
        return self.readout(self.combine(ops.concatenate([dec_states, context], axis=-1))), weights

    def decoder_step(self, previous_ids, state, memory):
        """One step: previous characters ``(batch,)``, state ``(batch, units)`` →
        ``(log_probs (batch, V), new_state (batch, units), weights (batch, Tv) or None)``.

        ``memory`` is what the encoder left, from :meth:`encode`: ``(ids, enc_outputs,
        summary)``; it does not change while decoding. The state does, and the caller
        hands each step's new state to the next step.
        """
        if not isinstance(memory, tuple) or len(memory) != 3:
            raise TypeError(f"argument 'memory': expected the tuple (ids, enc_outputs, summary) from encode(), got "
                            f"{type(memory).__name__}")
        ids, enc_outputs, summary = memory
        previous_ids = check_array("previous_ids", previous_ids, shape=(len(ids),), dims=("batch",), kind="int")
        state = check_array("state", state, shape=(len(ids), self.units), dims=("batch", "units"), kind="number")
        out = self._step_graph(np.asarray(previous_ids, dtype="int32")[:, None], np.asarray(state, dtype="float32"),
                               np.asarray(enc_outputs, dtype="float32"), ids != 0, np.asarray(summary, dtype="float32"))
        log_probs, new_state = np.array(out[0]), np.array(out[1])
        return log_probs, new_state, (np.asarray(out[2]) if self.attention else None)

    def encode(self, texts):
        """Strings → memory ``(input_ids (batch, Tv), enc_outputs (batch, Tv, units), final state (batch, units))``.

        The final state is also the decoder's initial state.
        """
        ids = D.encode_inputs(texts)
        enc_outputs, state = self._encode_graph(ids)
        return ids, np.asarray(enc_outputs), np.asarray(state)

    def fit(self, data: "D.DateSet", *, epochs: int = 1, batch_size: int = 64, callbacks=(), verbose=0,
            validation_data: "D.DateSet | None" = None, seed: int = 0, final_lr_fraction: float = 1.0):
        """Teacher-forced training on a :class:`~helpers.dates.DateSet`; returns the Keras History.

        ``final_lr_fraction < 1`` lets the learning rate fall linearly to that fraction of the
        compiled one over the run; the default keeps it constant (with only 3 epochs the
        model is still learning at the end, and decaying measurably hurt exact match).

        Batches hold inputs of similar length, each padded only to its own longest string
        (length buckets): a GRU steps through every padded position, so padding short dates
        to the longest noisy one would roughly double the work. Batches are shuffled anew
        every epoch (seeded).
        """
        import tensorflow as tf

        _check_dateset("data", data)
        if validation_data is not None:
            _check_dateset("validation_data", validation_data)
        epochs = check_size("epochs", epochs, maximum=10_000, what="epochs")
        batch_size = check_size("batch_size", batch_size, maximum=100_000, what="rows")
        rng = np.random.default_rng(check_seed("seed", seed))
        encoded = [D.INPUT_VOCAB.encode(t, D.MAX_INPUT_LEN) for t in data.inputs]
        decoder_in, decoder_out = D.encode_targets(data.targets)
        lengths = np.asarray([len(e) for e in encoded])
        bucket = np.digitize(lengths, LENGTH_BUCKETS)

        def batches():
            order = rng.permutation(len(encoded))
            chunks = []
            for b in np.unique(bucket):
                rows = order[bucket[order] == b]
                chunks += [rows[i:i + batch_size] for i in range(0, len(rows), batch_size)]
            for c in rng.permutation(len(chunks)):
                rows = chunks[c]
                ids = np.zeros((len(rows), lengths[rows].max()), dtype=np.int32)
                for r, row in enumerate(rows):
                    ids[r, :lengths[row]] = encoded[row]
                yield (ids, decoder_in[rows]), decoder_out[rows]

        n_batches = sum(-(-int((bucket == b).sum()) // batch_size) for b in np.unique(bucket))
        spec = tf.TensorSpec((None, None), tf.int32)
        dataset = tf.data.Dataset.from_generator(batches, output_signature=((spec, spec), spec))
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(n_batches))   # Keras knows the epoch size
        kwargs = {}
        if validation_data is not None:
            kwargs["validation_data"] = _arrays(validation_data)
        decay = _LinearDecay(self.learning_rate, check_number("final_lr_fraction", final_lr_fraction, low=0, high=1),
                             epochs * n_batches)
        return self.model.fit(dataset, epochs=epochs, callbacks=[decay, *callbacks], verbose=verbose, shuffle=False,
                              **kwargs)

    def count_params(self) -> int:
        return self.model.count_params()


class _LinearDecay(keras.callbacks.Callback):
    """Set the optimizer's learning rate before each batch: linear from ``lr`` to ``lr * fraction``."""

    def __init__(self, lr: float, fraction: float, total_steps: int):
        super().__init__()
        self.lr, self.fraction, self.total, self.step = lr, fraction, max(total_steps, 1), 0

    def on_train_batch_begin(self, batch, logs=None):
        progress = min(self.step / self.total, 1.0)
        self.model.optimizer.learning_rate.assign(self.lr * (1 - (1 - self.fraction) * progress))
        self.step += 1


def _arrays(data):
    decoder_in, decoder_out = D.encode_targets(data.targets)
    return (D.encode_inputs(data.inputs), decoder_in), decoder_out


def _check_dateset(name: str, data) -> None:
    """A non-empty :class:`~helpers.dates.DateSet`."""
    check_type(name, data, D.DateSet, "a DateSet (from helpers.dates.generate_dates)")
    if len(data) == 0:
        raise ValueError(f"argument {name!r}: expected a DateSet with at least one date, got an empty one")


def _check_seq2seq(seq2seq) -> None:
    """A :class:`Seq2Seq`, or anything with its decoding interface (``encode``, ``decoder_step``, ``attention``)."""
    if not all(hasattr(seq2seq, a) for a in ("encode", "decoder_step", "attention")):
        raise TypeError(f"argument 'seq2seq': expected a Seq2Seq model (helpers.attention.Seq2Seq), got "
                        f"{type(seq2seq).__name__} {seq2seq!r:.60}")


def _texts(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, D.DateSet):
        _check_dateset("texts", data)
        return list(data.inputs)
    return check_string_list("texts", data, what="date strings")


# ---- decoding -------------------------------------------------------------------------------

def greedy_decode(seq2seq: Seq2Seq, texts, *, max_steps: int = D.OUTPUT_LEN + 1, chunk: int = 1000):
    """Pick the most likely character at every step (lesson 09).

    ``texts``: strings or a DateSet. Returns ``(outputs, weights)``: a list of strings and,
    with attention, a list of arrays ``(steps, len(text))`` (the attention of each output
    step, ``<end>`` included, over the input characters); ``None`` without attention.
    """
    _check_seq2seq(seq2seq)
    texts = _texts(texts)
    max_steps = check_size("max_steps", max_steps, maximum=1_000, what="output characters")
    chunk = check_size("chunk", chunk, maximum=100_000, what="texts per batch")
    outputs, weights = [], []
    for start in range(0, len(texts), chunk):
        out, w = _greedy(seq2seq, texts[start:start + chunk], max_steps)
        outputs += out
        weights += w
    return outputs, (weights if seq2seq.attention else None)


def _greedy(seq2seq, texts, max_steps):
    memory = seq2seq.encode(texts)
    state = memory[2]                                       # the decoder starts from the encoder's final state
    token = np.full(len(texts), D.OUTPUT_VOCAB.id(D.START), dtype=np.int32)
    end = D.OUTPUT_VOCAB.id(D.END)
    chosen, attn = [], []
    done = np.zeros(len(texts), dtype=bool)
    for _ in range(max_steps):
        log_probs, state, w = seq2seq.decoder_step(token, state, memory)   # state threaded by hand
        token = log_probs.argmax(axis=-1).astype(np.int32)
        chosen.append(token)
        if w is not None:
            attn.append(w)
        done |= token == end
        if done.all():
            break
    chosen = np.stack(chosen, axis=1)
    strings = D.decode_outputs(chosen)
    weights = []
    if attn:
        attn = np.stack(attn, axis=1)                       # (batch, steps, Tv)
        for row, text in enumerate(texts):
            ends = np.flatnonzero(chosen[row] == end)
            steps = ends[0] + 1 if ends.size else chosen.shape[1]
            weights.append(attn[row, :steps, :len(text)])
    return strings, weights


def beam_search(seq2seq: Seq2Seq, texts, *, beam_width: int = 3, alpha: float = 0.7,
                max_steps: int = D.OUTPUT_LEN + 1, chunk: int = 500):
    """Keep the ``beam_width`` most likely partial outputs at each step (lesson 09).

    All examples and their beams are decoded together as one batch of
    ``len(texts) * beam_width`` rows. A beam that has produced ``<end>`` is finished: it
    keeps its score and competes with the live ones. At the end each finished output is
    ranked by its length-normalised score ``log P / length ** alpha`` (``alpha=0``: raw
    log-probability, which favours short outputs; ``alpha=1``: mean per character).
    Returns ``(outputs, scores)``: a list of strings and an array ``(batch,)`` of
    normalised scores. ``beam_width=1`` is greedy decoding.
    """
    _check_seq2seq(seq2seq)
    beam_width = check_size("beam_width", beam_width, maximum=100, what="beams")
    alpha = check_number("alpha", alpha, low=0, high=10)
    texts = _texts(texts)
    max_steps = check_size("max_steps", max_steps, maximum=1_000, what="output characters")
    chunk = check_size("chunk", chunk, maximum=100_000, what="texts per batch")
    outputs, scores = [], []
    for start in range(0, len(texts), chunk):
        out, sc = _beam(seq2seq, texts[start:start + chunk], beam_width, alpha, max_steps)
        outputs += out
        scores.append(sc)
    return outputs, np.concatenate(scores)


def _beam(seq2seq, texts, k, alpha, max_steps):
    n = len(texts)
    # every example's encoding, repeated for each of its k beams: rows n*k
    memory = tuple(np.repeat(m, k, axis=0) for m in seq2seq.encode(texts))
    state = memory[2]
    start, end = D.OUTPUT_VOCAB.id(D.START), D.OUTPUT_VOCAB.id(D.END)
    tokens = np.full(n * k, start, dtype=np.int32)
    scores = np.full((n, k), -np.inf)
    scores[:, 0] = 0.0                       # at first all beams are the same: expand only one
    history = np.zeros((n, k, 0), dtype=np.int32)
    lengths = np.zeros((n, k))
    finished = np.zeros((n, k), dtype=bool)
    for _ in range(max_steps):
        log_probs, state, _ = seq2seq.decoder_step(tokens, state, memory)
        V = log_probs.shape[-1]
        log_probs = log_probs.reshape(n, k, V)
        # a finished beam has one continuation, <end> again, at no cost: it carries over unchanged
        log_probs[finished] = -np.inf
        log_probs[finished, end] = 0.0
        candidates = (scores[:, :, None] + log_probs).reshape(n, k * V)
        best = np.argsort(-candidates, axis=1, kind="stable")[:, :k]      # (n, k): top k per example
        scores = np.take_along_axis(candidates, best, axis=1)
        parents, tokens2d = best // V, best % V
        rows = (np.arange(n)[:, None] * k + parents).ravel()
        state = state[rows]
        history = np.concatenate([np.take_along_axis(history, parents[:, :, None], axis=1),
                                  tokens2d[:, :, None]], axis=2)
        was_finished = np.take_along_axis(finished, parents, axis=1)
        lengths = np.take_along_axis(lengths, parents, axis=1) + ~was_finished
        finished = was_finished | (tokens2d == end)
        tokens = tokens2d.ravel().astype(np.int32)
        if finished.all():
            break
    normalised = scores / np.maximum(lengths, 1) ** alpha
    normalised = np.where(finished, normalised, normalised - 1e6)     # unfinished outputs rank last
    pick = normalised.argmax(axis=1)
    chosen = history[np.arange(n), pick]
    return D.decode_outputs(chosen), normalised[np.arange(n), pick]


# ---- measuring and looking inside (helpers.attention_reading) -------------------------------

from .attention_reading import (accuracy_by_length, attention_description, attention_for,  # noqa: E402,F401
                                attention_labels, exact_match, plot_accuracy_by_length, plot_attention)
