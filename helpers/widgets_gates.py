"""Widgets for lessons 05-06: the spectral-radius explorer and the LSTM gate explorer.

Thin ipywidgets shells: every callback calls a pure, tested function
(:func:`helpers.gradients.jacobian_norms` / :func:`~helpers.gradients.plot_norm_curves`,
:func:`gate_view` / :func:`helpers.lstm.plot_gates`). Nothing trains inside a callback.
"""
from __future__ import annotations

import numpy as np

from . import gradients, long_gap, lstm
from .explorer import explorer
from .figures import fixed_layout
from .validation import check_number, check_positive_int


def gradient_curves(radius: float, activation_name: str, length: int, *, units: int = 32, seed: int = 0) -> dict:
    """``{radius: norms (length,)}`` for one random ``W_hh`` (what the spectral-radius widget draws)."""
    W = gradients.random_recurrent_matrix(units, radius, seed=seed)
    return {round(float(radius), 2): gradients.jacobian_norms(W, length, activation_name, seed=seed)}


def spectral_radius_figure(radius: float, activation_name: str, length: int, *, units: int = 32):
    """What the lesson 05 explorer draws: ``||dh_t/dh_0||`` for one ``W_hh``, titled with the rate per step."""
    radius = check_number("radius", radius, low=0, low_open=True)
    curves = gradient_curves(radius, activation_name, length, units=units)
    rate = gradients.decay_rate(next(iter(curves.values())))
    fig = gradients.plot_norm_curves(curves, title=f"{activation_name}: about ×{rate:.3g} per step")
    fig.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.15)   # fixed: a tight box costs a second layout
    return fixed_layout(fig)


def spectral_radius_explorer(units: int = 32):
    """Sliders for spectral radius, activation and length; redraws ``||dh_t/dh_0||`` on a log scale (lesson 05)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    radius = widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.05, description="radius ρ")
    activation = widgets.Dropdown(options=list(gradients.ACTIVATIONS), value="tanh", description="activation")
    length = widgets.IntSlider(value=100, min=5, max=300, step=5, description="length T")
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            fig = spectral_radius_figure(radius.value, activation.value, length.value, units=units)
            display(fig)
            plt.close(fig)

    for control in (radius, activation, length):
        control.observe(redraw, names="value")
    redraw()
    return explorer([widgets.HBox([radius, activation, length]), out], "spectral_radius", units=units)


def gate_view(weights, key: int, gap: int, *, distractor_seed: int = 0, n_units: int = 8,
              n_classes: int = long_gap.N_CLASSES, n_distractors: int = long_gap.N_DISTRACTORS):
    """Gates and cell state of a trained LSTM on one long-gap sequence the student picks.

    ``weights`` = ``(kernel, recurrent_kernel, bias)`` (see :func:`helpers.lstm.lstm_layer_weights`).
    Shows the ``n_units`` *memory units*: those whose cell state, just before the question mark, differs
    most between the 8 possible keys (same distractors). Returns the Figure.
    """
    key = check_positive_int("key", key, minimum=0, maximum=n_classes - 1)
    gap = check_positive_int("gap", gap, minimum=0, maximum=500)
    n_units = check_positive_int("n_units", n_units)
    data = long_gap.make_long_gap(n_classes, gap, n_classes=n_classes, n_distractors=n_distractors,
                                  seed=distractor_seed)
    data.x[:, 1:] = data.x[0, 1:]                                  # the same distractors for every key
    data.x[:, 0] = data.y = np.arange(n_classes)                   # row k holds key k
    _, c_seq, gates = lstm.lstm_forward(data.one_hot(), *weights)  # (keys, time, units)
    spread = c_seq[:, -2].std(axis=0) if gap > 0 else c_seq[:, 0].std(axis=0)
    units = np.argsort(-spread)[:n_units]                          # the units that remember the key
    tokens = [data.token_name(int(t)) for t in data.x[key]]
    return lstm.plot_gates({k: v[key] for k, v in gates.items()}, c_seq[key], tokens, units,
                           title=f"key K{key}, gap {gap}: the {len(units)} units that differ most between keys")


def gate_explorer(weights, *, max_gap: int = 80):
    """Pick a key, a gap and a distractor seed; see the forget / input / output gates and the cell state (lesson 06)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    key = widgets.IntSlider(value=3, min=0, max=long_gap.N_CLASSES - 1, description="key K")
    gap = widgets.IntSlider(value=20, min=0, max=max_gap, description="gap")
    seed = widgets.IntSlider(value=0, min=0, max=20, description="distractors")
    out = widgets.Output()

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            fig = gate_view(weights, key.value, gap.value, distractor_seed=seed.value)
            display(fig)
            plt.close(fig)

    for control in (key, gap, seed):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([key, gap, seed]), out])
