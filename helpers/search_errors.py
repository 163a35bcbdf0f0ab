"""Why was a decoded date wrong: the search, or the model? (lesson 09)

A decoder that outputs ``ŷ`` when the answer is ``y`` failed for one of two reasons:

* **search error**: the model prefers the true answer, ``score(y) > score(ŷ)``, but the search
  (greedy, or a beam too narrow) never reached it. A wider beam can fix this.
* **model error**: the model itself prefers its wrong output, ``score(ŷ) >= score(y)``. No
  search can fix this; only a better model can.

``score`` is the one the search maximises: the log-probability of the characters and of
``<end>``, ``log P(y | x) = Σ_t log p(y_t | y_<t, x)``, divided by ``length ** alpha``
(:func:`helpers.attention.beam_search`; ``alpha=0`` is the raw log-probability). Scores are
computed with teacher forcing, one parallel pass of the training graph, so any string can be
scored, also one the decoder would never have produced.

Shapes: ``batch`` examples; scores are ``(batch,)`` float arrays.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import dates as D
from .validation import check_array, check_number, check_string_list

SEARCH, MODEL = "search", "model"


def encode_outputs(outputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Output strings (any length, :data:`helpers.dates.OUTPUT_CHARS`) → teacher-forcing arrays.

    Returns ``decoder_in`` and ``decoder_out``, each ``(batch, longest + 1)`` int32 (``<start>`` +
    characters, and characters + ``<end>``, padded with 0), and ``steps`` ``(batch,)``: the
    number of scored positions of each row (its characters plus ``<end>``).
    """
    outputs = check_string_list("outputs", outputs, what="output strings", allow_empty=False)
    for row, text in enumerate(outputs):
        bad = [c for c in text if c not in D.OUTPUT_VOCAB.stoi]
        if bad:
            raise ValueError(f"argument 'outputs[{row}]': character {bad[0]!r} of {text!r} is not an output character "
                             f"(allowed: {D.OUTPUT_CHARS!r})")
    steps = np.asarray([len(t) + 1 for t in outputs])
    width = int(steps.max())
    decoder_in = np.zeros((len(outputs), width), dtype=np.int32)
    decoder_out = np.zeros((len(outputs), width), dtype=np.int32)
    for row, text in enumerate(outputs):
        ids = [D.OUTPUT_VOCAB.stoi[c] for c in text]
        decoder_in[row, :len(ids) + 1] = [D.OUTPUT_VOCAB.id(D.START), *ids]
        decoder_out[row, :len(ids) + 1] = [*ids, D.OUTPUT_VOCAB.id(D.END)]
    return decoder_in, decoder_out, steps


def sequence_scores(log_probs, decoder_out, steps, alpha: float = 0.0) -> np.ndarray:
    """Per-step log-probabilities ``(batch, time, V)`` → each row's score ``(batch,)``.

    The score is ``sum over the first steps[b] positions of log_probs[b, t, decoder_out[b, t]]``,
    divided by ``steps[b] ** alpha`` (pure numpy; padding positions are ignored).
    """
    log_probs = check_array("log_probs", log_probs, ndim=3, dims=("batch", "time", "V"), kind="number", finite="no_nan")
    decoder_out = check_array("decoder_out", decoder_out, shape=log_probs.shape[:2], dims=("batch", "time"), kind="int")
    steps = check_array("steps", steps, shape=(len(log_probs),), dims=("batch",), kind="int")
    if steps.min() < 1 or steps.max() > log_probs.shape[1]:
        raise ValueError(f"argument 'steps': expected values in [1, {log_probs.shape[1]}], got {steps.min()}..{steps.max()}")
    alpha = check_number("alpha", alpha, low=0, high=10)
    picked = np.take_along_axis(log_probs, decoder_out[:, :, None], axis=2)[:, :, 0]   # (batch, time)
    scored = np.arange(log_probs.shape[1])[None, :] < steps[:, None]
    return np.where(scored, picked, 0.0).sum(axis=1) / steps.astype(float) ** alpha


def score_outputs(seq2seq, texts, outputs, *, alpha: float = 0.0, chunk: int = 500) -> np.ndarray:
    """The model's score ``(batch,)`` of ``outputs[b]`` (then ``<end>``) as the answer to ``texts[b]``."""
    import keras

    alpha = check_number("alpha", alpha, low=0, high=10)
    texts = check_string_list("texts", texts, what="date strings")
    outputs = check_string_list("outputs", outputs, what="output strings")
    if len(texts) != len(outputs):
        raise ValueError(f"argument 'outputs': expected one output per text ({len(texts)}), got {len(outputs)}")
    scores = []
    for start in range(0, len(texts), chunk):
        ids = D.encode_inputs(texts[start:start + chunk])
        decoder_in, decoder_out, steps = encode_outputs(outputs[start:start + chunk])
        logits = seq2seq.model([ids, decoder_in], training=False)
        log_probs = np.asarray(keras.ops.log_softmax(logits, axis=-1))
        scores.append(sequence_scores(log_probs, decoder_out, steps, alpha))
    return np.concatenate(scores)


def classify_errors(true_scores, output_scores) -> np.ndarray:
    """``'search'`` where the true answer scores higher than the output, else ``'model'`` ``(batch,)``."""
    true_scores = check_array("true_scores", true_scores, ndim=1, kind="number", allow_empty=True, finite="no_nan")
    output_scores = check_array("output_scores", output_scores, shape=true_scores.shape, dims=("batch",),
                                kind="number", allow_empty=True, finite="no_nan")
    return np.where(true_scores > output_scores, SEARCH, MODEL)


@dataclass
class ErrorAnalysis:
    """The wrong outputs of one decoder, each with both scores and its cause."""

    texts: list
    targets: list
    outputs: list
    true_scores: np.ndarray
    output_scores: np.ndarray
    causes: np.ndarray
    n_total: int

    @property
    def n_errors(self) -> int:
        return len(self.texts)

    def share(self, cause: str) -> float:
        """Share of the errors due to ``cause`` (``'search'`` or ``'model'``); NaN without errors."""
        return float(np.mean(self.causes == cause)) if self.n_errors else float("nan")

    def rows(self, limit: int = 8) -> str:
        """A small text table of the first ``limit`` errors."""
        lines = [f"{'input':26} {'true':>10} {'output':>10} {'log P(true)':>11} {'log P(out)':>10}  cause"]
        for i in range(min(limit, self.n_errors)):
            lines.append(f"{self.texts[i][:26]:26} {self.targets[i]:>10} {self.outputs[i]:>10} "
                         f"{self.true_scores[i]:11.2f} {self.output_scores[i]:10.2f}  {self.causes[i]}")
        return "\n".join(lines)

    def summary(self) -> str:
        if not self.n_errors:
            return f"no errors in {self.n_total} dates"
        return (f"{self.n_errors} errors in {self.n_total} dates: {self.share(SEARCH):.0%} due to the search, "
                f"{self.share(MODEL):.0%} due to the model")


def analyse_errors(seq2seq, texts, targets, outputs, *, alpha: float = 0.0) -> ErrorAnalysis:
    """Score the true answer and the decoder's output for every wrong output; say which failed."""
    alpha = check_number("alpha", alpha, low=0, high=10)
    texts = check_string_list("texts", texts, what="date strings")
    targets = check_string_list("targets", targets, what="ISO dates")
    outputs = check_string_list("outputs", outputs, what="output strings")
    if not len(texts) == len(targets) == len(outputs):
        raise ValueError(f"argument 'outputs': expected as many texts, targets and outputs, got {len(texts)}, "
                         f"{len(targets)} and {len(outputs)}")
    wrong = [i for i, (t, o) in enumerate(zip(targets, outputs)) if t != o]
    pick = lambda seq: [seq[i] for i in wrong]          # noqa: E731
    if wrong:
        true_scores = score_outputs(seq2seq, pick(texts), pick(targets), alpha=alpha)
        output_scores = score_outputs(seq2seq, pick(texts), pick(outputs), alpha=alpha)
    else:
        true_scores = output_scores = np.zeros(0)
    return ErrorAnalysis(pick(texts), pick(targets), pick(outputs), true_scores, output_scores,
                         classify_errors(true_scores, output_scores), len(texts))
