"""Pure plotting functions: data in, a matplotlib Figure out (no widgets, no training).

Every lesson's figures live here so widgets can redraw them and tests can call them.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .figures import (FONT_PT, describe, drawable, fixed_layout, listing, margins, number, percent, pin_labels, text_height,
                      text_width)
from .validation import check_array, check_number, check_positive_int, check_share, check_string_list, check_type

__all__ = ["loss_curve", "bar_scores", "scorecard_plot", "heatmap", "WindowPanel", "window_panel",
           "bag_comparison", "activation_curve", "attention_heads", "AttentionHeadsPanel"]


def loss_curve(history: dict, ax=None, title: str = "training"):
    """Plot ``{"loss": [...], "val_loss": [...], ...}`` against epoch. Returns the Figure."""
    check_type("history", history, dict, 'a dict {"loss": [...], ...} (e.g. model.fit(...).history)')
    history = {k: check_array(f"history[{k!r}]", v, ndim=1, kind="number", allow_empty=True, finite="no_nan")
               for k, v in history.items()}
    fig, ax = _axes(ax)
    for key, values in history.items():
        if len(values):
            ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=key)
    ax.set_xlabel("epoch")
    ax.set_title(title)
    if history:
        ax.legend()
    return fig


def bar_scores(names, scores, *, chance: float | None = None, ax=None, title: str = "",
               ylabel: str = "accuracy"):
    """Horizontal bars of one score per name, with an optional chance line."""
    scores = check_array("scores", scores, ndim=1, kind="number")
    names = check_string_list("names", names, what="names")
    if len(names) != len(scores):
        raise ValueError(f"argument 'names': expected one name per score ({len(scores)}), got {len(names)}")
    if chance is not None:
        chance = check_share("chance", chance)
    fig, ax = _axes(ax)
    y = np.arange(len(scores))
    ax.barh(y, scores, color=plt.cm.viridis(np.clip(scores, 0, 1) * 0.8))
    ax.set_yticks(y, list(names))
    ax.set_xlim(0, 1.05 if scores.max() <= 1 else scores.max() * 1.1)
    for yi, s in zip(y, scores):
        ax.text(s + 0.01, yi, f"{s:.0%}" if s <= 1 else f"{s:.3g}", va="center")
    if chance is not None:
        ax.axvline(chance, color="crimson", ls="--", lw=1, label=f"chance {chance:.0%}")
        ax.set_ylim(-1.0, len(scores) - 0.5)     # a strip under the bars, where the line is named (no legend over a bar)
        ax.text(chance, -0.72, f" chance {chance:.0%}", color="crimson", va="center", ha="left")
    ax.set_xlabel(ylabel)
    ax.set_title(title)
    shown = [f"{n} {percent(v) if v <= 1 else number(v)}" for n, v in zip(names, scores)]
    describe(ax, f"{title or 'Scores'}: {ylabel} per model, {listing(shown, 12)}"
                 + (f"; chance {percent(chance)}." if chance is not None else "."))
    return fig


def scorecard_plot(table: dict, ax=None, title: str = "Design criteria scorecard", chance: dict | None = None):
    """Heat-map of ``{model: {criterion: accuracy}}`` with the numbers written in.

    The colour of a cell is its accuracy *above chance*, ``(accuracy - chance) / (1 - chance)``
    clipped to [0, 1], with ``chance`` a dict ``{criterion: chance accuracy}`` (a criterion
    missing from it counts as chance 0): dark blue is at or below chance, yellow is perfect
    (cividis: readable with any colour vision, and the number is written in every cell). So 54 %
    on a two-class column (chance 50 %) is as red as 12 % on a ten-class one (chance 10 %).
    The chance level is written under each column's name.
    """
    check_type("table", table, dict, "a dict {model: {criterion: accuracy}}")
    if not table:
        raise ValueError("argument 'table': expected at least one model, got an empty dict")
    for model, row in table.items():
        check_type("table", row, dict, f"a dict {{criterion: accuracy}} for {model!r}")
        for criterion, value in row.items():
            check_share(f"table[{model!r}][{criterion!r}]", value)
    chance = {} if chance is None else check_type("chance", chance, dict, "a dict {criterion: chance accuracy}")
    for criterion, value in chance.items():
        if check_share(f"chance[{criterion!r}]", value) >= 1:
            raise ValueError(f"argument 'chance[{criterion!r}]': expected a chance level below 1, got {value!r}")
    models = list(table)
    criteria = list(dict.fromkeys(c for row in table.values() for c in row))
    values = np.array([[table[m].get(c, np.nan) for c in criteria] for m in models], dtype=float)
    floor = np.array([float(chance.get(c, 0.0)) for c in criteria])
    skill = np.clip((values - floor) / (1.0 - floor), 0.0, 1.0)             # 0 = chance, 1 = perfect
    fig, ax = _axes(ax, figsize=(1.9 * len(criteria) + 2, 0.55 * len(models) + 1.4))
    ax.imshow(skill, cmap=SCORE_MAP, vmin=0.0, vmax=1.0, aspect="auto")
    labels = [f"{c}\n(chance {chance[c]:.0%})" if c in chance else c for c in criteria]
    ax.set_xticks(range(len(criteria)), labels, rotation=0 if chance else 15)
    ax.set_yticks(range(len(models)), models)
    ax.grid(False)
    for i in range(len(models)):
        for j in range(len(criteria)):
            text = "—" if np.isnan(values[i, j]) else f"{values[i, j]:.0%}"
            dark = not np.isnan(skill[i, j]) and skill[i, j] < 0.55          # cividis is dark blue at 0
            ax.text(j, i, text, ha="center", va="center", fontsize=FONT_PT, color="white" if dark else "black")
    ax.set_title(title + (": colour = accuracy above chance" if chance else ""))
    rows = [f"{m}: " + ", ".join(f"{c} {'no result' if np.isnan(values[i, j]) else percent(values[i, j])}"
                                 for j, c in enumerate(criteria)) for i, m in enumerate(models)]
    floors = f" Chance: {', '.join(f'{c} {percent(chance[c])}' for c in criteria if c in chance)}." if chance else ""
    describe(ax, f"{title}: test accuracy of each model on each criterion. {'. '.join(rows)}.{floors}")
    return fig


SCORE_MAP = "cividis"     # the scorecards' colours: ordered by lightness, distinguishable with any colour vision


def heatmap(matrix, row_labels=None, col_labels=None, *, ax=None, title: str = "", cmap: str = "viridis"):
    """A labelled heat-map of a 2-D array ``(rows, cols)``."""
    matrix = check_array("matrix", matrix, ndim=2, kind="number")
    for name, labels, n in (("row_labels", row_labels, matrix.shape[0]), ("col_labels", col_labels, matrix.shape[1])):
        if labels is not None and (isinstance(labels, str) or len(labels) != n):
            raise ValueError(f"argument {name!r}: expected a list of {n} labels, got {labels!r:.60}")
    fig, ax = _axes(ax, figsize=(max(4, 0.35 * matrix.shape[1] + 2), max(2.5, 0.35 * matrix.shape[0] + 1)))
    image = ax.imshow(matrix, cmap=cmap, aspect="auto")
    if col_labels is not None:
        ax.set_xticks(range(matrix.shape[1]), col_labels, rotation=90 if max(len(str(c)) for c in col_labels) > 2 else 0)
    if row_labels is not None:
        ax.set_yticks(range(matrix.shape[0]), row_labels)
    ax.grid(False)
    fig.colorbar(image, ax=ax, fraction=0.04)
    ax.set_title(title)
    return fig


def _axes(ax, figsize=None):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


class WindowPanel:
    """Lesson 01's explorer figure, built once and updated in place (a redraw then costs one render).

    Top: the sentence as boxes, the last ``window`` highlighted (what a fixed window sees).
    Bottom: measured accuracy for each window size, the current one marked.
    """

    def __init__(self, tokens, accuracies: dict, *, chance: float | None = None):
        check_type("accuracies", accuracies, dict, "a dict {window: accuracy}")
        if not accuracies:
            raise ValueError("argument 'accuracies': expected at least one {window: accuracy} entry, got none")
        for window, value in accuracies.items():
            check_share(f"accuracies[{window!r}]", value)
        tokens = check_string_list("tokens", tokens, what="tokens")
        if chance is not None:
            chance = check_share("chance", chance)
        self.tokens, self.accuracies = list(tokens), dict(accuracies)
        n = len(self.tokens)
        # words on two alternating lines, so a long word may reach past its box without meeting its neighbour
        self.fig, (top, bottom) = plt.subplots(2, 1, figsize=(max(7, 0.6 * (n + 1.2) + 1.05), 4.0),
                                               gridspec_kw={"height_ratios": [1, 2.2]})
        self.boxes = top.bar(np.arange(n) + 0.5, 0.8, width=0.9, bottom=0.1, color="#e6e6e6")
        self.labels = [top.text(i + 0.5, 0.7 if i % 2 else 0.3, token, ha="center", va="center", fontsize=FONT_PT)
                       for i, token in enumerate(self.tokens)]
        top.text(n + 0.1, 0.5, "→ ?", va="center", fontsize=FONT_PT, weight="bold")
        top.set_xlim(0, n + 1.2)
        top.set_ylim(0, 1)
        top.axis("off")
        self.title = top.set_title("", fontsize=FONT_PT)
        sizes = sorted(self.accuracies)
        bottom.plot(sizes, [self.accuracies[k] for k in sizes], marker="o", color="#4c9be8")
        (self.marker,) = bottom.plot([], [], marker="o", ms=12, color="crimson", ls="")
        self.note = bottom.annotate("", (0, 0), xytext=(8, -14), textcoords="offset points",
                                    color="crimson", weight="bold")
        if chance is not None:
            bottom.axhline(chance, color="grey", ls="--", lw=1, label=f"chance {chance:.0%}")
            bottom.legend(loc="lower right")
        bottom.set_xlabel("window size (words)")
        bottom.set_ylabel("test accuracy")
        bottom.set_ylim(0, 1.05)
        margins(self.fig, left=0.9, right=0.15, top=0.35, bottom=0.6, hspace=0.45)

    def update(self, window: int):
        """Highlight the last ``window`` tokens and mark that window's accuracy; returns the Figure."""
        # a window longer than the sentence sees all of it (lesson 01 measures windows up to 16)
        window = check_positive_int("window", window, minimum=1, maximum=max(len(self.tokens), *self.accuracies))
        n = len(self.tokens)
        for i, (box, label) in enumerate(zip(self.boxes, self.labels)):
            seen = i >= n - window
            box.set_color("#8fc1ef" if seen else "#e6e6e6")      # light blue: dark words read on both
            label.set_color("black" if seen else "#4d4d4d")
        self.title.set_text(f"a window of {window} word{'s' * (window > 1)} sees only the blue boxes")
        if window in self.accuracies:
            value = self.accuracies[window]
            self.marker.set_data([window], [value])
            self.note.xy = (window, value)
            self.note.set_text(f"{value:.0%}")
        return fixed_layout(self.fig)


def window_panel(tokens, window: int, accuracies: dict, *, chance: float | None = None):
    """Lesson 01: what a window of ``window`` words sees (top) and the accuracy of each window size (bottom)."""
    return WindowPanel(tokens, accuracies, chance=chance).update(window)


def bag_comparison(tokens_a, tokens_b, *, probabilities=None):
    """Lesson 02: the word counts of two texts side by side, with an optional model probability each.

    ``tokens_a`` and ``tokens_b`` are token lists (``helpers.text.tokenize(text)``), not strings.
    """
    tokens_a = check_string_list("tokens_a", tokens_a, what="tokens")
    tokens_b = check_string_list("tokens_b", tokens_b, what="tokens")
    if probabilities is not None:
        if isinstance(probabilities, str) or len(probabilities) != 2:
            raise ValueError(f"argument 'probabilities': expected two probabilities (text A, text B), got "
                             f"{probabilities!r:.40}")
        probabilities = [check_share("probabilities", p) for p in probabilities]
    words = sorted(set(tokens_a) | set(tokens_b))
    count_a = np.array([tokens_a.count(w) for w in words])
    count_b = np.array([tokens_b.count(w) for w in words])
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(words) + 2), 3))
    x = np.arange(len(words))
    label_a, label_b = "text A", "text B"
    if probabilities is not None:
        label_a += f"  (P(positive) = {probabilities[0]:.2f})"
        label_b += f"  (P(positive) = {probabilities[1]:.2f})"
    ax.bar(x - 0.2, count_a, width=0.4, label=label_a, color="#4c9be8")
    ax.bar(x + 0.2, count_b, width=0.4, label=label_b, color="#f0a04b")
    ax.set_xticks(x, [drawable(w) for w in words], rotation=45, ha="right")
    ax.set_ylabel("count")
    same = np.array_equal(count_a, count_b)
    ax.set_title("identical bags of words: the model cannot tell them apart" if same
                 else "different bags of words", color="crimson" if same else "black")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)   # beside the bars, not over them
    legend = text_width([label_a, label_b], FONT_PT) + 0.6                    # its width: the label and its patch
    fig.set_size_inches(fig.get_size_inches()[0] + legend, 3)
    margins(fig, left=0.8, right=legend + 0.1, top=0.4, bottom=text_height([drawable(w) for w in words], FONT_PT, 45) + 0.15)
    return fig                                           # fixed layout (margins): tight_layout costs a draw


def activation_curve(weight: float, bias: float = 0.0, activation: str = "tanh"):
    """Lesson 00: ``activation(weight * x + bias)`` for x in [-3, 3] (a first widget)."""
    weight = check_number("weight", weight, low=-100, high=100)
    bias = check_number("bias", bias, low=-100, high=100)
    x = np.linspace(-3, 3, 200)
    functions = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "relu": lambda z: np.maximum(z, 0)}
    if activation not in functions:
        raise ValueError(f"argument 'activation': expected one of {sorted(functions)}, got {activation!r}")
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(x, functions[activation](weight * x + bias), lw=2)
    ax.set_title(f"{activation}({weight:g} · x + {bias:g})")
    ax.set_xlabel("x")
    ax.set_ylim(-1.2, 3.2 if activation == "relu" else 1.2)
    fig.subplots_adjust(left=0.12, right=0.97, top=0.88, bottom=0.17)
    return fixed_layout(fig)


def attention_heads(tokens, weights, *, heads=None, title: str = ""):
    """Self-attention weights per head over one sentence (lesson 10): one heat-map per head.

    ``tokens``: the ``T`` words; ``weights`` ``(H, T, T)``, row = query (the word that looks),
    column = key (the word looked at), each row summing to 1. ``heads``: which heads to draw
    (default all). Returns the Figure.
    """
    return AttentionHeadsPanel().update(tokens, weights, heads=heads, title=title)


class AttentionHeadsPanel:
    """Lesson 10's explorer figure, kept between redraws: a new sentence or head changes the heat maps'
    data, ticks and the figure's size, not its Axes (building them again is most of a redraw's time)."""

    def __init__(self):
        self.fig, self.axes, self.images = None, [], []

    def _build(self, count: int) -> None:
        self.fig, axes = plt.subplots(1, count, squeeze=False)
        self.axes = list(axes[0])
        self.images = [ax.imshow(np.zeros((1, 1)), cmap="viridis", vmin=0, vmax=1) for ax in self.axes]
        for ax in self.axes:
            ax.grid(False)
        self.axes[0].set_ylabel("query (looks)")
        self.axes[0].set_xlabel("key (looked at)")
        self.suptitle = self.fig.suptitle("", fontsize=FONT_PT)

    def update(self, tokens, weights, *, heads=None, title: str = ""):
        """Draw ``weights (H, T, T)`` over ``tokens`` for ``heads`` (default all); returns the Figure."""
        tokens = [drawable(str(t)) for t in tokens]
        weights = check_array("weights", weights, shape=(None, len(tokens), len(tokens)),
                              dims=("heads", len(tokens), len(tokens)), kind="number")
        heads = list(range(weights.shape[0])) if heads is None else [int(h) for h in np.atleast_1d(heads)]
        bad = [h for h in heads if not 0 <= h < weights.shape[0]]
        if bad or not heads:
            raise ValueError(f"argument 'heads': expected head numbers in [0, {weights.shape[0] - 1}], got {heads}")
        if self.fig is None or len(self.axes) != len(heads):
            self._build(len(heads))
        count = len(tokens)
        words = text_width(tokens, FONT_PT) + 0.22                         # the longest word and its tick, inches
        room = words + 0.3                                           # and the axis label beyond it
        top = 0.75 if title else 0.45                               # the heads' titles (and the figure's)
        side = min(0.32 * count, (12.5 - room - 0.2) / len(heads) - 0.15)   # each square heat map, inches
        self.fig.set_size_inches(room + len(heads) * (side + 0.15) + 0.05, side + room + top)
        for ax, image, head in zip(self.axes, self.images, heads):
            image.set_data(weights[head])
            image.set_extent((-0.5, count - 0.5, count - 0.5, -0.5))
            ax.set_xlim(-0.5, count - 0.5)
            ax.set_ylim(count - 0.5, -0.5)
            ax.set_xticks(range(count), tokens, rotation=90, fontsize=FONT_PT)
            if ax is self.axes[0]:                               # the other heads share its rows: no ticks to draw
                ax.set_yticks(range(count), tokens, fontsize=FONT_PT)
            else:
                ax.set_yticks([])
            ax.set_title(f"head {head}", fontsize=FONT_PT)
        self.suptitle.set_text(title)
        margins(self.fig, left=room, right=0.2, top=top, bottom=room, wspace=0.15 / side)   # fixed: no tight box
        for ax in self.axes:                                         # labels just beyond the words, placed once
            pin_labels(ax, below=words, left=words)
        looks = [f"head {h}: " + ", ".join(f"{q} → {tokens[int(np.argmax(weights[h, i]))]}"
                                           for i, q in enumerate(tokens)) for h in heads]
        describe(self.fig, f"{title + ': ' if title else ''}self-attention weights of {len(heads)} head"
                           f"{'s' * (len(heads) > 1)} over {len(tokens)} words, one heat map per head (rows: the "
                           f"word that looks, columns: the word looked at). The word each word looks at most, "
                           + "; ".join(looks) + ".")
        return fixed_layout(self.fig)
