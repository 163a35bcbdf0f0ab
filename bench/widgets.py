"""Widget update latency for `make bench`: how long one redraw takes after a control moves.

A redraw in the notebook is: the pure plotting function the callback calls, then the inline
backend encoding the figure as PNG. Both are timed here, outside a kernel, for the explorers
whose inputs are cheap to build (lessons 00-02, and lesson 10's heat-maps fed random weights);
the median over repeated moves is reported.
"""
from __future__ import annotations

import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _redraw_ms(make_figure, values, repeats: int, close: bool = True) -> float:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fig = make_figure(values[i % len(values)])
        fig.savefig(io.BytesIO(), format="png", dpi=plt.rcParams["figure.dpi"])  # what the inline backend does
        if close:
            plt.close(fig)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(repeats: int = 15) -> dict[str, float]:
    """``{widget: median redraw milliseconds}``."""
    from helpers import config, plots, text

    config.setup(verbose=False)  # the course's plot style and dpi, as in the notebooks
    sentence = text.tokenize("she grew up in lyon . she likes long walks by the river . she speaks fluent")
    accuracies = {1: 0.1, 2: 0.09, 4: 0.12, 8: 0.3, 12: 0.6, 16: 0.8, 20: 0.9, 24: 0.95}
    a = text.tokenize("the food was good , not bad at all")
    panel = plots.WindowPanel(sentence, accuracies, chance=0.1)  # the explorer builds it once
    return {
        "00 activation explorer (weight slider)": _redraw_ms(lambda w: plots.activation_curve(w), [0.5, 1.0, 2.0], repeats),
        "01 window explorer (window slider)": _redraw_ms(
            lambda w: panel.update(w), sorted(accuracies), repeats, close=False),
        "02 bag explorer (typing)": _redraw_ms(
            lambda b: plots.bag_comparison(a, text.tokenize(b), probabilities=[0.4, 0.6]),
            ["the food was bad , not good at all", "the food was bad", "good good food"], repeats),
        "10 attention-heads explorer (typing, 4 heads)": _redraw_ms(
            lambda words: plots.attention_heads(words, _random_attention(4, len(words))),
            [a, text.tokenize("not bad , the food was really good"), text.tokenize("good")], repeats),
    }


def _random_attention(heads: int, length: int):
    """Weights ``(heads, length, length)`` whose rows sum to 1, standing in for a trained model's."""
    import numpy as np

    w = np.random.default_rng(length).random((heads, length, length))
    return w / w.sum(axis=-1, keepdims=True)


if __name__ == "__main__":
    for name, ms in measure().items():
        print(f"{name}: {ms:.1f} ms")
