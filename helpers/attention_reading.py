"""Lesson 09, measuring a trained encoder–decoder and looking inside it: exact match, accuracy by input
length, and the attention weights as a heat map.

Part of :mod:`helpers.attention` (which re-exports these names).
"""
from __future__ import annotations

import numpy as np

from . import dates as D
from .validation import check_array, check_string_list, check_type


def exact_match(predictions, targets) -> float:
    """Share of outputs exactly equal to their target (the whole date right, or wrong)."""
    predictions = check_string_list("predictions", predictions, what="output strings")
    targets = check_string_list("targets", targets, what="target strings")
    if len(predictions) != len(targets):
        raise ValueError(f"argument 'predictions': expected equal lengths, one prediction per target ({len(targets)}), got "
                         f"{len(predictions)}")
    return float(np.mean([p == t for p, t in zip(predictions, targets)]))


def accuracy_by_length(lengths, correct, edges) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact-match accuracy per input-length bin.

    ``lengths`` ``(batch,)`` input lengths, ``correct`` ``(batch,)`` bools, ``edges`` bin
    edges ``(bins + 1,)``. Returns ``(centres, accuracy, counts)``, each ``(bins,)``;
    empty bins get accuracy NaN.
    """
    lengths = check_array("lengths", lengths, ndim=1, kind="number")
    correct = check_array("correct", correct, shape=(len(lengths),), dims=("batch",))
    if correct.dtype != bool and not np.isin(correct, (0, 1)).all():
        raise ValueError(f"argument 'correct': expected booleans (or 0/1), got values {np.unique(correct)[:5].tolist()}")
    correct = correct.astype(float)
    edges = check_array("edges", edges, ndim=1, kind="number")
    if len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"argument 'edges': expected at least 2 increasing values, got {edges.tolist()}")
    which = np.digitize(lengths, edges) - 1
    counts = np.array([(which == b).sum() for b in range(len(edges) - 1)])
    acc = np.array([correct[which == b].mean() if c else np.nan for b, c in enumerate(counts)])
    return (edges[:-1] + edges[1:]) / 2, acc, counts


def plot_accuracy_by_length(curves: dict, *, ax=None, title: str = "Exact match against input length"):
    """``{label: (centres, accuracy)}`` → one line per model. Returns the Figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.5))
    fig = ax.figure
    for label, (centres, acc) in curves.items():
        ax.plot(centres, acc, marker="o", label=label)
    ax.set_xlabel("input length (characters)")
    ax.set_ylabel("exact match")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title)
    ax.legend()
    return fig


def attention_for(seq2seq: "Seq2Seq", text: str, output: str) -> np.ndarray:
    """Attention weights ``(len(output) + 1, len(text))`` while the decoder writes ``output`` then ``<end>``.

    The decoder is fed ``output`` (teacher forcing), so this works for any output, e.g. the
    one a beam search chose.
    """
    from .attention import _check_seq2seq

    _check_seq2seq(seq2seq)
    if not seq2seq.attention:
        raise ValueError("argument 'seq2seq': expected a model with attention, got one built with attention=False (no attention)")
    ids = D.encode_inputs([text])
    if not isinstance(output, str):
        raise TypeError(f"argument 'output': expected a string, got {type(output).__name__}")
    decoder_in = np.asarray([[D.OUTPUT_VOCAB.id(D.START)] + ([*D.OUTPUT_VOCAB.encode(output)] if output else [])],
                            dtype=np.int32)
    from .inference import graph_call

    weights = graph_call(seq2seq.attention_model, inputs=2)([ids, decoder_in])[0]   # traced once: the explorer's typed dates
    return weights[:, :len(D.INPUT_VOCAB.check(text))]


def plot_attention(text: str, output: str, weights, *, ax=None, title: str | None = None):
    """Heat-map: one row per output character (and ``<end>``, unless the decoder stopped at its step
    limit without writing it), one column per input character."""
    from .plots import heatmap

    rows, cols, weights = attention_labels(text, output, weights)
    fig = heatmap(weights, rows[: len(rows)], cols, ax=ax, title=title or f"{text!r} → {output!r}", cmap="Blues")
    fig.axes[0].tick_params(axis="x", rotation=0)
    from .figures import describe

    describe(fig.axes[0], attention_description(text, output, weights, rows, cols))
    return fig


def attention_labels(text: str, output: str, weights):
    """``(rows, cols, weights)`` of :func:`plot_attention`: the output characters (and ``<end>``), the input
    characters (a space shown as ␣), and ``weights`` checked against them."""
    check_type("text", text, str, "the input string")
    check_type("output", output, str, "the output string")
    weights = check_array("weights", weights, ndim=2, kind="number")
    rows = list(output) + ["<end>"]
    if weights.shape == (len(output), len(text)):      # the decoder hit its step limit without writing <end>
        rows = rows[:-1]
    if weights.shape != (len(rows), len(text)):
        raise ValueError(f"argument 'weights': expected shape ({len(rows)}, {len(text)}) for output {output!r} "
                         f"and text {text!r}, got {weights.shape}")
    return rows, [c if c != " " else "␣" for c in text], weights


def attention_description(text: str, output: str, weights, rows, cols) -> str:
    """The heat map's description: where each output character looks most."""
    from .figures import listing

    focus = [f"{row!r} on {cols[int(np.argmax(weights[i]))]!r}" for i, row in enumerate(rows)]
    return (f"Attention while decoding {text!r} into {output!r}: a heat map, one row per output character, one "
            f"column per input character. Where each output character looks most: {listing(focus, 24)}.")
