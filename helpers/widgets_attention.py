"""The attention heat-map explorer of lesson 09: pick or type a date, see the output and where it looked.

A thin ipywidgets shell: the callback calls :func:`explain` (pure, tested) and
:func:`~helpers.attention.plot_attention`; no training happens here.
"""
from __future__ import annotations

from .figures import FONT_PT, live
from . import attention as A
from . import dates as D
from .explorer import explorer
from .validation import check_number, check_positive_int


def explain(seq2seq: "A.Seq2Seq", text: str, beam_width: int = 1, alpha: float = 0.7) -> dict:
    """Decode one string and say how (lesson 09).

    Returns ``{"text", "output", "weights" (len(output) + 1, len(text)) or None, "score",
    "error"}``. ``beam_width=1`` is greedy decoding. A string the encoder cannot take
    (empty, too long, a character outside the vocabulary) gives ``"error"`` (the message)
    instead of raising, so the widget can show it.
    """
    beam_width = check_positive_int("beam_width", beam_width)
    result = {"text": text, "output": None, "weights": None, "score": None, "error": None}
    try:
        clean = D.INPUT_VOCAB.check(text, D.MAX_INPUT_LEN)
    except (ValueError, TypeError) as error:
        result["error"] = str(error)
        return result
    outputs, scores = A.beam_search(seq2seq, [clean], beam_width=beam_width, alpha=alpha)
    result["output"], result["score"] = outputs[0], float(scores[0])
    result["text"] = clean
    if seq2seq.attention:
        result["weights"] = A.attention_for(seq2seq, clean, outputs[0])
    return result


class AttentionPanel:
    """The explorer's heat map, kept from one move to the next: another date changes the image's data,
    the ticks, the title and the figure's size, not the Axes; margins come from the labels' lengths.
    The heat map of :func:`helpers.attention.plot_attention` (same cells, labels and description) in a
    figure sized for the explorer."""

    def __init__(self):
        self.fig = None

    def update(self, text: str, output: str, weights):
        """Show ``weights`` for ``text`` → ``output``; returns the Figure."""
        import matplotlib.pyplot as plt
        import numpy as np

        from .figures import describe, margins, pin_labels, text_width

        rows, cols, weights = A.attention_labels(text, output, weights)
        if self.fig is None:
            self.fig = plt.figure()
            grid = self.fig.add_gridspec(1, 2, width_ratios=[25, 1], wspace=0.05)
            self.ax = self.fig.add_subplot(grid[0, 0])
            self.image = self.ax.imshow(np.zeros((1, 1)), cmap="Blues", aspect="auto")
            self.ax.grid(False)
            self.fig.colorbar(self.image, cax=self.fig.add_subplot(grid[0, 1]))
            self.title = self.ax.set_title("")
        width, height = max(4, 0.26 * len(cols) + 1.8), max(2.5, 0.26 * len(rows) + 1)
        self.fig.set_size_inches(width, height)
        self.image.set_data(weights)
        self.image.set_extent((-0.5, len(cols) - 0.5, len(rows) - 0.5, -0.5))
        self.image.set_clim(float(weights.min()), float(weights.max()))
        self.ax.set_xticks(range(len(cols)), cols)
        self.ax.set_yticks(range(len(rows)), rows)
        self.ax.set_xlim(-0.5, len(cols) - 0.5)
        self.ax.set_ylim(len(rows) - 0.5, -0.5)
        self.title.set_text(f"{text!r} → {output!r}")
        margins(self.fig, left=text_width(rows, FONT_PT) + 0.25, right=0.55, top=0.35, bottom=0.35)
        pin_labels(self.ax)                                  # the title's place set once: no labels to measure
        describe(self.fig, A.attention_description(text, output, weights, rows, cols))
        return self.fig


def attention_explorer(seq2seq: "A.Seq2Seq", examples, *, max_beam: int = 8):
    """A dropdown of ``examples`` (strings), a text box, a beam-width slider and the heat-map.

    Returns the ipywidgets container (display it as the last line of a cell).
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    import numpy as np
    from IPython.display import display

    examples = list(examples)
    if not examples:
        raise ValueError("argument 'examples': expected at least one date string, got none")
    max_beam = check_positive_int("max_beam", max_beam)
    pick = w.Dropdown(options=examples, value=examples[0], description="example")
    typed = w.Text(value=examples[0], description="or type", continuous_update=False,
                   layout=w.Layout(width="420px"))
    beam = w.IntSlider(value=1, min=1, max=max_beam, description="beam width", continuous_update=False)
    status = w.HTML()
    out = w.Output()
    panel = AttentionPanel()                                    # the heat map kept from one move to the next
    results = deck_results(seq2seq, examples, range(1, max_beam + 1))   # every example at every width, decoded once
    known = {}
    for i, example in enumerate(results["examples"]):
        for width, output, score, index in ([] if isinstance(results["decoded"][i], dict) else results["decoded"][i]):
            known[(example, width)] = {"text": results["clean"][i], "output": output, "score": score, "error": None,
                                       "weights": None if index is None else np.asarray(results["weights"][index])}

    def redraw(*_):
        result = known.get((typed.value, beam.value)) or explain(seq2seq, typed.value, beam.value)
        out.clear_output(wait=True)
        with out:
            if result["error"]:
                status.value = f"<b style='color:#b00'>cannot read this date:</b> {result['error']}"
                return
            status.value = status_line(result["text"], result["output"], result["score"], beam.value)
            if result["weights"] is not None:
                fig = panel.update(result["text"], result["output"], result["weights"])
                display(live(fig))
                plt.close(fig)

    def on_pick(change):
        typed.value = change["new"]          # triggers redraw through `typed`

    pick.observe(on_pick, names="value")
    typed.observe(redraw, names="value")
    beam.observe(redraw, names="value")
    redraw()
    return explorer([w.HBox([pick, beam]), typed, status, out], "attention", **results)


def deck_results(seq2seq: "A.Seq2Seq", examples, beam_widths, alpha: float = 0.7) -> dict:
    """What the explorer shows for every example and beam width, kept for the offline deck (lesson 09).

    Returns ``{"examples": [...], "clean": [...], "decoded": [...], "weights": [...]}``:
    ``clean[i]`` is example ``i`` as the encoder reads it (``None`` when it cannot), and
    ``decoded[i]`` is ``[[width, output, score, w], ...]`` (``w`` indexes ``weights``, one
    ``(len(output) + 1, len(text))`` matrix per distinct output, or ``None`` without attention)
    or ``{"error": message}``. The examples are decoded together, one batch per width.
    """
    examples, widths = list(examples), [check_positive_int("beam_widths", b) for b in beam_widths]
    alpha = check_number("alpha", alpha, low=0)
    clean, decoded = [], []
    for text in examples:
        try:
            clean.append(D.INPUT_VOCAB.check(text, D.MAX_INPUT_LEN))
            decoded.append([])
        except (ValueError, TypeError) as error:
            clean.append(None)
            decoded.append({"error": str(error)})
    readable = [i for i, text in enumerate(clean) if text is not None]
    matrices, where = [], {}
    for width in widths if readable else []:
        outputs, scores = A.beam_search(seq2seq, [clean[i] for i in readable], beam_width=width, alpha=alpha)
        for i, output, score in zip(readable, outputs, scores):
            key = (clean[i], output)
            if key not in where and seq2seq.attention:
                where[key] = len(matrices)
                matrices.append(A.attention_for(seq2seq, clean[i], output))
            decoded[i].append([width, output, float(score), where.get(key)])
    return {"examples": examples, "clean": clean, "decoded": decoded, "weights": matrices}


def status_line(text: str, output: str, score: float, beam_width: int) -> str:
    """The explorer's HTML line: decoder, input → output, whether it is a real date, and the score."""
    import html

    score = check_number("score", score)
    decoder = "greedy" if beam_width == 1 else f"beam search, width {beam_width}"
    valid = "a real date" if _is_valid_iso(output) else "not a valid date"
    return (f"{decoder}: <b>{html.escape(text)}</b> → <b>{html.escape(output)}</b> "
            f"({valid}; length-normalised log-probability {score:.3f})")


def _is_valid_iso(text) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return len(text) == D.OUTPUT_LEN


__all__ = ["explain", "attention_explorer", "deck_results", "status_line"]
