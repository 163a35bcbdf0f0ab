"""Explorers for lessons 03-04: step through an unrolled RNN; see which steps feed the last gradient.

Each explorer is a thin ipywidgets shell. The work is done by pure functions in this
module (``unrolled_trace``, ``unrolled_figure``, ``contribution_figure``, ``graph_figure``)
and in :mod:`helpers.numpy_rnn`; those are what the tests call.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .figures import FONT_PT, describe, fixed_layout, listing, live, percent
from . import numpy_rnn, text
from .explorer import explorer
from .validation import check_array, check_number, check_positive_int


# ---- lesson 03: the unrolled computation ------------------------------------------------------

def unrolled_trace(sentence: str, vocab: "text.Vocabulary", embedding, params: dict) -> dict:
    """Run a sentence through an (embedding → RNN → softmax) model in numpy, keeping every step.

    ``embedding (V, features)``; ``params`` as in :func:`helpers.numpy_rnn.rnn_forward` with
    ``W_hy``/``b_y``. Returns ``{"tokens": [...], "x": (time, features), "h": (time, hidden),
    "p": (time, outputs)}`` (softmax probabilities), for one sentence (batch of one).
    """
    tokens = text.tokenize(sentence) if isinstance(sentence, str) and sentence.strip() else []
    if not tokens:
        raise ValueError(f"argument 'sentence': expected at least one word, got {sentence!r}")
    embedding = check_array("embedding", embedding, ndim=2, kind="float")
    ids = vocab.encode(tokens)
    x = embedding[ids][None]  # (1, time, features)
    hs, ys = numpy_rnn.rnn_forward(x.astype(np.float64), params)
    return {"tokens": tokens, "x": x[0], "h": hs[0], "p": numpy_rnn.softmax(ys[0])}


def unrolled_figure(trace: dict, step: int, labels=None):
    """Three heat-maps over time (x_t, h_t, p(y_t)) filled up to ``step``; the current column outlined."""
    return UnrolledPanel().update(trace, step, labels)


_ROWS = (("x_t (input)", "x", "coolwarm", True), ("h_t (state)", "h", "coolwarm", True),
         ("p(y_t) (output)", "p", "viridis", False))


class UnrolledPanel:
    """The lesson 03 stepper's figure, kept from one move to the next: a move of the step slider fills the
    heat maps one more column and moves the frame; a new sentence changes their data, sizes, ticks and
    the figure's width, not the Axes. Margins come from the labels' lengths, not from ``tight_layout``."""

    def __init__(self):
        self.fig, self.trace, self.labels = None, None, None

    def _build(self) -> None:
        self.fig, self.axes = plt.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [0.8, 1.1, 1.6]})   # a row per class
        self.images, self.frames = [], []
        for ax, (name, _, cmap, _) in zip(self.axes, _ROWS):
            self.images.append(ax.imshow(np.zeros((1, 1)), aspect="auto", cmap=cmap, interpolation="nearest"))
            self.frames.append(ax.add_patch(plt.Rectangle((-0.5, -0.5), 1, 1, fill=False, lw=2, color="black")))
            ax.set_ylabel(name, fontsize=FONT_PT)
            ax.grid(False)
            ax.set_yticks([])
        self.title = self.axes[0].set_title("", fontsize=FONT_PT)

    def _retarget(self, trace: dict, labels) -> None:
        """A new sentence: the heat maps' sizes and scales, the word ticks, the figure's width and margins."""
        from .figures import margins, pin_labels, text_height, text_width

        if self.fig is None:
            self._build()
        tokens = trace["tokens"]
        time = len(tokens)
        self.fig.set_size_inches(max(6.5, 0.5 * time + 2.5), 5.1)     # a slide shows 460 px of height
        for ax, image, frame, (_, key, _, signed) in zip(self.axes, self.images, self.frames, _ROWS):
            values = trace[key]
            limit = max(float(np.max(np.abs(values))), 1e-9) if signed else 1   # signed rows: own scale
            image.set_data(np.full(values.T.shape, np.nan))
            image.set_extent((-0.5, time - 0.5, values.shape[1] - 0.5, -0.5))
            image.set_clim(-limit if signed else 0, limit)
            frame.set_height(values.shape[1])
            ax.set_ylim(values.shape[1] - 0.5, -0.5)
        self.axes[2].set_yticks(range(len(labels)) if labels is not None else [], labels, fontsize=FONT_PT)
        self.axes[2].set_xticks(range(time), tokens, rotation=60, fontsize=FONT_PT)
        self.axes[2].set_xlim(-0.5, time - 0.5)
        left = 0.35 + (text_width(labels, FONT_PT) + 0.05 if labels is not None else 0)
        margins(self.fig, left=max(left, text_width(tokens[:1], FONT_PT) * 0.5 + 0.1), right=0.15, top=0.35,
                bottom=text_height(tokens, FONT_PT, rotation=60) + 0.12, hspace=0.08)
        for ax in self.axes:                                  # labels and title placed once, not measured per draw
            pin_labels(ax, left=left - 0.3)
        self.trace, self.labels = trace, labels

    def update(self, trace: dict, step: int, labels=None):
        """Show ``trace`` (from :func:`unrolled_trace`) filled up to ``step``; returns the Figure."""
        tokens = trace["tokens"]
        time = len(tokens)
        step = check_positive_int("step", step, minimum=0, maximum=time - 1)
        if self.fig is None or trace is not self.trace or labels is not self.labels:
            self._retarget(trace, labels)
        for image, frame, (_, key, _, _) in zip(self.images, self.frames, _ROWS):
            shown = np.full(trace[key].shape, np.nan)
            shown[: step + 1] = trace[key][: step + 1]
            image.set_data(shown.T)
            frame.set_x(step - 0.5)
        best = int(np.argmax(trace["p"][step]))
        guess = labels[best] if labels is not None else best
        self.title.set_text(f"step {step}: read {tokens[step]!r}; best guess so far: {guess} "
                            f"({trace['p'][step, best]:.0%})")
        top = np.argsort(trace["p"][step])[::-1][:3]
        names = [f"{labels[i] if labels is not None else i} {percent(trace['p'][step, i])}" for i in top]
        describe(self.fig, f"The RNN unrolled over {time} words, filled up to step {step} ({tokens[step]!r}): "
                           f"heat maps of the input x_t ({trace['x'].shape[1]} numbers), the state h_t "
                           f"({trace['h'].shape[1]}) and the output p(y_t) per word read. Words: "
                           f"{listing(tokens, 20)}. After {tokens[step]!r} the most likely: {', '.join(names)}.")
        return self.fig


def unrolled_stepper(vocab, embedding, params: dict, labels=None,
                     sentence: str = "she grew up in lisbon . the train to work is often late . she speaks fluent"):
    """Type a sentence, move the slider, watch x_t, h_t and y_t fill in step by step (lesson 03)."""
    import ipywidgets as widgets
    from IPython.display import display

    box = widgets.Text(value=sentence, description="sentence", layout=widgets.Layout(width="95%"),
                       continuous_update=False)
    slider = widgets.IntSlider(value=0, min=0, max=max(len(text.tokenize(sentence)) - 1, 0),
                               description="step t", continuous_update=False)
    out = widgets.Output()
    panel, traces = UnrolledPanel(), {}        # the figure kept while the sentence stays; the sentence's trace

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            try:
                if box.value not in traces:
                    traces.clear()
                    traces[box.value] = unrolled_trace(box.value, vocab, embedding, params)
                trace = traces[box.value]
            except ValueError as error:
                print(error)
                return
            moved = slider.value > len(trace["tokens"]) - 1
            slider.max = len(trace["tokens"]) - 1
            if moved:  # a shorter sentence pulled the slider back, and its callback has drawn: draw once
                return
            fig = panel.update(trace, slider.value, labels)
            display(live(fig))
            plt.close(fig)

    box.observe(redraw, "value")
    slider.observe(redraw, "value")
    redraw()
    return widgets.VBox([box, slider, out])


# ---- lesson 04: the graph across time and the gradient's reach --------------------------------

def graph_figure(time: int = 4, highlight_loss: int | None = None):
    """The unrolled graph x_t → h_t → y_t → L_t, h_{t-1} → h_t, summed into L; dashed arrows go back.

    With ``highlight_loss=t`` the paths the gradient of ``L_t`` takes are drawn in red.
    """
    time = check_positive_int("time", time, maximum=12)
    fig, ax = plt.subplots(figsize=(1.6 * time + 2, 3.6))
    for t in range(time):
        for y, name in ((0, f"$x_{t}$"), (1, f"$h_{t}$"), (2, f"$y_{t}$"), (3, f"$L_{t}$")):
            ax.text(t, y, name, ha="center", va="center", fontsize=12,
                    bbox={"boxstyle": "round", "fc": "#e8f0fb" if y != 3 else "#fde8e8", "ec": "#777"})
        for y0 in (0, 1, 2):
            ax.annotate("", (t, y0 + 0.72), (t, y0 + 0.28), arrowprops={"arrowstyle": "->", "color": "#555"})
        if t > 0:
            ax.annotate("", (t - 0.3, 1), (t - 0.7, 1), arrowprops={"arrowstyle": "->", "color": "#555"})
        ax.annotate("", (time - 0.3 + 0.6, 3.9), (t + 0.2, 3.25),
                    arrowprops={"arrowstyle": "->", "color": "#bbb", "lw": 0.8})
        if highlight_loss is not None and t <= highlight_loss:
            ax.annotate("", (t, 1.3), (highlight_loss, 2.7) if t == highlight_loss else (t + 0.7, 1.05),
                        arrowprops={"arrowstyle": "->", "color": "crimson", "ls": "--", "lw": 1.5})
    ax.text(time + 0.3, 4.0, "$L = \\sum_t L_t$", fontsize=12, ha="left", va="center")
    ax.text(-0.9, 1, "$h_{init}$", ha="center", va="center", fontsize=FONT_PT)
    ax.annotate("", (-0.3, 1), (-0.7, 1), arrowprops={"arrowstyle": "->", "color": "#555"})
    ax.set_xlim(-1.2, time + 1.3)
    ax.set_ylim(-0.5, 4.4)
    ax.axis("off")
    ax.set_title("one set of weights (W_xh, W_hh, W_hy) used at every step", fontsize=FONT_PT)
    text = (f"The RNN's graph unrolled over {time} steps: at each step t, the input x_t feeds the state h_t, "
            f"which gives the output y_t and its loss L_t; each state h_t also feeds the next one, starting "
            f"from h_init; the losses add up to L. One set of weights (W_xh, W_hh, W_hy) at every step.")
    if highlight_loss is not None:
        text += (f" Highlighted: the gradient of L_{highlight_loss} goes back from y_{highlight_loss} through "
                 f"h_{highlight_loss} and every earlier state down to h_0.")
    describe(fig, text)
    return fig


def contribution_figure(values, truncate: int | None = None, ax=None, title: str = ""):
    """Bars of each step's share of the last loss's gradient (``values (time,)``), truncation window shaded."""
    values = check_array("values", values, ndim=1, kind="number")
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(7.5, 3.2))
    time = len(values)
    total = values.sum()
    share = values / total if total > 0 else values
    ax.bar(range(time), share, color="#4c72b0")
    if truncate is not None and truncate < time:
        ax.axvspan(-0.5, time - truncate - 0.5, color="#dddddd", alpha=0.6, label=f"cut off by truncation (k={truncate})")
        ax.legend(loc="upper left")
    ax.set_xlabel("time step t (the loss is at the last step)")
    ax.set_ylabel("share of ||dL_T/dW_hh||")
    ax.set_xlim(-0.5, time - 0.5)
    ax.set_title(title, fontsize=FONT_PT)
    last = max(1, min(5, time // 4))
    text = (f"{title or 'Gradient reach'}: each of {time} time steps' share of the last loss's gradient on "
            f"W_hh: the last {last} steps hold {percent(share[-last:].sum())}, the first half "
            f"{percent(share[: time // 2].sum())}")
    if truncate is not None and truncate < time:
        text += f"; steps before the last {truncate} are cut off by truncation"
    describe(ax, text + ".")
    return fig


def contribution_values(time: int, radius: float, truncate: int | None = None, *, n_hidden: int = 16,
                        seed: int = 0) -> np.ndarray:
    """Per-step contributions to ``dL_T/dW_hh`` for a random RNN with ``W_hh`` of spectral ``radius`` (pure)."""
    time = check_positive_int("time", time, minimum=2)
    rng = np.random.default_rng(seed)
    params = numpy_rnn.init_params(4, n_hidden, 4, seed=seed, radius=radius)
    x = rng.normal(size=(8, time, 4))
    targets = rng.integers(4, size=(8, time))
    return numpy_rnn.contributions(x, targets, params, truncate=truncate)


def contribution_panel(time: int, radius: float, window: int):
    """What the lesson 04 explorer draws: each step's share for ``radius``, truncated to ``window`` steps."""
    radius = check_number("radius", radius, low=0, low_open=True)
    k = None if window >= time else window
    values = contribution_values(time, radius, k)
    far = values[: time // 2].sum() / max(values.sum(), 1e-300)
    fig = contribution_figure(values, k, title=f"radius {radius:.1f}: the first half of the "
                                               f"sequence gives {far:.1%} of the gradient")
    fig.subplots_adjust(left=0.1, right=0.98, top=0.88, bottom=0.16)   # fixed: a tight box costs a second layout
    return fixed_layout(fig)


def contribution_explorer(time: int = 30):
    """Sliders for the spectral radius of W_hh and the truncation window k (lesson 04)."""
    import ipywidgets as widgets
    from IPython.display import display

    radius = widgets.FloatSlider(value=0.9, min=0.3, max=1.6, step=0.1, description="radius of W_hh",
                                 continuous_update=False, style={"description_width": "initial"})
    window = widgets.IntSlider(value=time, min=1, max=time, description="window k", continuous_update=False)
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            fig = contribution_panel(time, radius.value, window.value)
            display(live(fig))
            plt.close(fig)

    radius.observe(redraw, "value")
    window.observe(redraw, "value")
    redraw()
    return explorer([widgets.HBox([radius, window]), out], "contribution", time=time)
