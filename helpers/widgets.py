"""Explorers for lessons 00-02: thin ipywidgets shells over pure functions in :mod:`helpers.plots`.

Each callback only redraws: anything expensive (training, measuring) happens before
the widget is built and is passed in.
"""
from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython.display import display

from .figures import live
from . import plots, text
from .explorer import explorer


def _redraw(output: W.Output, make_figure) -> None:
    with output:
        output.clear_output(wait=True)
        fig = make_figure()
        display(live(fig))
        plt.close(fig)


def activation_explorer() -> W.Widget:
    """Lesson 00: sliders for weight and bias, a dropdown for the activation."""
    weight = W.FloatSlider(value=1.0, min=-3, max=3, step=0.25, description="weight")
    bias = W.FloatSlider(value=0.0, min=-2, max=2, step=0.25, description="bias")
    activation = W.Dropdown(options=["tanh", "sigmoid", "relu"], value="tanh", description="activation")
    output = W.Output()

    def update(_=None):
        _redraw(output, lambda: plots.activation_curve(weight.value, bias.value, activation.value))

    for control in (weight, bias, activation):
        control.observe(update, names="value")
    update()
    return explorer([W.HBox([weight, bias, activation]), output], "activation")


def window_explorer(sentence: str, accuracies: dict, chance: float | None = None) -> W.Widget:
    """Lesson 01: a slider over the measured window sizes; shows what the window sees and its accuracy."""
    panel = plots.WindowPanel(text.tokenize(sentence), accuracies, chance=chance)  # built once, updated in place
    sizes = sorted(accuracies)
    slider = W.SelectionSlider(options=sizes, value=sizes[0], description="window", continuous_update=False)
    output = W.Output()

    def update(_=None):
        with output:
            output.clear_output(wait=True)
            display(live(panel.update(slider.value)))

    slider.observe(update, names="value")
    update()
    plt.close(panel.fig)  # shown through the Output widget only, not again at the end of the cell
    return explorer([slider, output], "window", tokens=panel.tokens,
                    accuracies=[[size, accuracies[size]] for size in sizes], chance=chance)


def bag_explorer(vocab: text.Vocabulary, model=None, first: str = "the food was good , not bad at all",
                 second: str = "the food was bad , not good at all") -> W.Widget:
    """Lesson 02: type two texts, see their bags of words side by side (and the model's P(positive))."""
    import numpy as np

    box_a = W.Text(value=first, description="text A", layout=W.Layout(width="60%"))
    box_b = W.Text(value=second, description="text B", layout=W.Layout(width="60%"))
    output = W.Output()

    def probabilities(a_tokens, b_tokens):
        if model is None:
            return None
        bags = text.bag_of_words([vocab.encode(a_tokens), vocab.encode(b_tokens)], len(vocab))
        return np.asarray(model(bags, training=False))[:, 1]

    def figure():
        try:
            a, b = text.tokenize(box_a.value), text.tokenize(box_b.value)
        except ValueError as error:  # empty text: say so instead of a traceback
            fig, ax = plt.subplots(figsize=(5, 1))
            ax.axis("off")
            ax.text(0, 0.5, str(error), color="crimson")
            return fig
        return plots.bag_comparison(a, b, probabilities=probabilities(a, b))

    for box in (box_a, box_b):
        box.observe(lambda _: _redraw(output, figure), names="value")
    _redraw(output, figure)
    return W.VBox([box_a, box_b, output])
