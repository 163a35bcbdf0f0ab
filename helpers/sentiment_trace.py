"""Lesson 08, the prediction as a review unfolds: P(positive) after each token, and the figure of it.

Part of :mod:`helpers.sentiment` (which re-exports these names). The explorer's figure is a
:class:`TokenTracePanel`, kept from one review to the next.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from . import text
from .figures import FONT_PT, describe, drawable, listing, margins, pin_labels, text_height, text_width
from .validation import check_keras_model, check_size, check_text, check_type, check_vocab_size


@dataclass
class TokenTrace:
    """The prediction after each token. ``probabilities[t]`` is P(positive) having read ``tokens[:t+1]``."""

    tokens: list
    known: np.ndarray          # (time,) bool: False for words mapped to <unk>
    start: float               # P(positive) before any word (the empty review)
    probabilities: np.ndarray  # (time,)
    left_out: int = 0          # tokens after the first ``max_tokens`` that were not read

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
    raises ValueError (there is nothing the model knows to read). A review longer than ``max_tokens``
    is read up to its first ``max_tokens`` tokens; ``left_out`` says how many were not read.
    """
    check_keras_model("model", model)
    check_type("vocab", vocab, text.Vocabulary, "a helpers.text.Vocabulary")
    from .sentiment import model_vocab_size

    size = model_vocab_size(model)
    if size is not None:
        check_vocab_size("vocab", len(vocab), model, size)
    max_tokens = check_size("max_tokens", max_tokens, maximum=10_000, what="tokens")
    check_text("review", review)
    tokens = text.tokenize(review)
    if not tokens:
        raise ValueError(f"argument 'review': found no words in {review!r}")
    left_out = max(0, len(tokens) - max_tokens)
    tokens = tokens[:max_tokens]
    ids = vocab.encode(tokens)
    known = ids != vocab.unk_id
    if not known.any():
        raise ValueError(f"argument 'review': none of its words is in the vocabulary ({tokens[:8]}); "
                         f"try words such as {vocab.itos[2:10]}")
    prefixes = text.pad_sequences([ids[:t] for t in range(len(ids) + 1)], len(ids), side="pre")
    from .inference import graph_call

    p = graph_call(model)(prefixes).reshape(-1)   # row 0 is all padding: the empty review; a graph traced once
    return TokenTrace(tokens, known, float(p[0]), p[1:], left_out)


def plot_token_trace(trace: TokenTrace, *, title: str = ""):
    """P(positive) after each token (line) over bars of how much each token moved it."""
    return TokenTracePanel().update(trace, title=title)


UP, DOWN, UNKNOWN = "#0072B2", "#D55E00", "#d1495b"     # a token moved it up / down; a word never seen


class TokenTracePanel:
    """The figure of :func:`plot_token_trace`, kept from one review to the next (lesson 08's explorer): a new
    review or model changes the line's data, the bars, the bands and the ticks, not the Axes. Margins come
    from the labels' lengths, not from ``tight_layout``."""

    def __init__(self):
        self.fig, self.drawn = None, []

    def _build(self) -> None:
        self.fig, (self.ax, self.bx) = plt.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
        self.ax.axhline(0.5, color="#999", lw=1, ls="--")
        (self.line,) = self.ax.plot([], [], marker="o", color="#3a6ea5")
        self.ax.set_ylim(-0.05, 1.05)
        self.ax.set_ylabel("P(positive)")
        self.bx.axhline(0, color="#999", lw=1)
        self.bx.set_ylabel("change")

    def update(self, trace: TokenTrace, *, title: str = ""):
        """Draw ``trace`` (from :func:`token_trace`); returns the Figure."""
        check_type("trace", trace, TokenTrace, "a TokenTrace (from token_trace)")
        if self.fig is None:
            self._build()
        for artist in self.drawn:                       # the last review's bars and bands
            artist.remove()
        n = len(trace.tokens)
        positions = np.arange(n)
        self.fig.set_size_inches(max(6, 0.55 * n + 2), 3.3)
        self.line.set_data(np.concatenate([[-1], positions]), np.concatenate([[trace.start], trace.probabilities]))
        verdict = "positive" if trace.probabilities[-1] > 0.5 else "negative"
        self.ax.set_title(title or f"read token by token: {verdict} ({trace.probabilities[-1]:.0%} positive)")
        deltas = trace.deltas
        bars = self.bx.bar(positions, deltas, color=np.where(deltas >= 0, UP, DOWN))   # up or down, blue or orange
        self.drawn = list(bars)
        for position in positions[~trace.known]:
            for axis in (self.ax, self.bx):
                self.drawn.append(axis.axvspan(position - 0.4, position + 0.4, color=UNKNOWN, alpha=0.08, lw=0))
        self.bx.set_xlim(-1.6, n - 0.4)
        low, high = min(0.0, float(deltas.min())), max(0.0, float(deltas.max()))
        pad = 0.05 * max(high - low, 1e-3)
        self.bx.set_ylim(low - pad, high + pad)
        labels = [drawable(t) if k else f"{drawable(t)}\n(unknown)" for t, k in zip(trace.tokens, trace.known)]
        rotation = 45 if n > 8 else 0
        self.bx.set_xticks(np.concatenate([[-1], positions]), ["(start)"] + labels, rotation=rotation, fontsize=FONT_PT)
        for tick, known in zip(self.bx.get_xticklabels()[1:], trace.known):
            tick.set_color("black" if known else UNKNOWN)      # words never seen in training: red italics, grey band
            tick.set_fontstyle("normal" if known else "italic")
        lines = [line for label in ["(start)"] + labels for line in label.split("\n")]
        below = text_height(lines, FONT_PT, rotation) + (0.17 if not trace.known.all() else 0)   # a second line: (unknown)
        margins(self.fig, left=max(0.8, text_width(["(start)"], FONT_PT) * 0.71 + 0.1), right=0.2, top=0.35,
                bottom=below + 0.12, hspace=0.08)
        for axis in (self.ax, self.bx):
            pin_labels(axis, below=below, left=0.55)
        steps = [f"{t} {p:.2f}" + ("" if k else " (unknown word)")
                 for t, p, k in zip(trace.tokens, trace.probabilities, trace.known)]
        moves = sorted(range(n), key=lambda i: -abs(deltas[i]))[:3]
        describe(self.fig, f"{title or 'A review read token by token'}: P(positive) after each word, from "
                           f"{trace.start:.2f} before the first: {listing(steps, 30)}. Largest changes: "
                           + ", ".join(f"{trace.tokens[i]!r} {deltas[i]:+.2f}" for i in moves) + f". Verdict: {verdict}.")
        return self.fig
