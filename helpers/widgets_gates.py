"""Widgets for lessons 05-06: the spectral-radius explorer and the LSTM gate explorer.

Thin ipywidgets shells: every callback calls a pure, tested function
(:func:`helpers.gradients.jacobian_norms` / :func:`~helpers.gradients.plot_norm_curves`,
:func:`gate_view` / :func:`helpers.lstm.plot_gates`). Nothing trains inside a callback.
"""
from __future__ import annotations

import numpy as np

from . import gradients, long_gap, lstm
from .explorer import explorer
from .figures import fixed_layout, live
from .validation import check_number, check_positive_int


def gradient_curves(radius: float, activation_name: str, length: int, *, units: int = 32, seed: int = 0) -> dict:
    """``{radius: norms (length,)}`` for one random ``W_hh`` (what the spectral-radius widget draws)."""
    W = gradients.random_recurrent_matrix(units, radius, seed=seed)
    return {round(float(radius), 2): gradients.jacobian_norms(W, length, activation_name, seed=seed)}


def spectral_radius_figure(radius: float, activation_name: str, length: int, *, units: int = 32):
    """What the lesson 05 explorer draws: ``||dh_t/dh_0||`` for one ``W_hh``, titled with the rate per step."""
    return RadiusPanel().update(radius, activation_name, length, units=units)


class RadiusPanel:
    """The lesson 05 explorer's figure, kept between moves: a move changes the curve's data, the limits,
    the title and the legend's text, not the Axes (with its log-scale ticks, most of a new figure's cost)."""

    def __init__(self):
        self.fig = None

    def update(self, radius: float, activation_name: str, length: int, *, units: int = 32):
        """Draw the curve for one ``radius``, ``activation_name`` and ``length``; returns the Figure."""
        radius = check_number("radius", radius, low=0, low_open=True)
        curves = gradient_curves(radius, activation_name, length, units=units)
        rate = gradients.decay_rate(next(iter(curves.values())))
        title = f"{activation_name}: about ×{rate:.3g} per step"
        (key, norms), = curves.items()
        shown = np.clip(np.where(np.isfinite(norms), norms, 1e100), 1e-100, 1e100)   # as plot_norm_curves
        if self.fig is None:
            self.fig = gradients.plot_norm_curves(curves, title=title)
            self.fig.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.15)   # fixed: no second layout
            fixed_layout(self.fig)
        else:
            ax = self.fig.axes[0]
            line = ax.get_lines()[0]
            line.set_data(np.arange(1, len(norms) + 1), shown)
            line.set_label(f"spectral radius {key}")
            ax.get_legend().get_texts()[0].set_text(line.get_label())
            ax.set_title(title)
        ax = self.fig.axes[0]                   # limits set, not autoscaled: the same for a kept or a new figure
        low, high = float(np.log10(min(shown.min(), 1.0))), float(np.log10(max(shown.max(), 1.0)))
        pad = max(0.05 * (high - low), 0.1)
        ax.set_xlim(1 - 0.05 * (len(norms) - 1) - 0.5, len(norms) + 0.05 * (len(norms) - 1) + 0.5)
        ax.set_ylim(10 ** (low - pad), 10 ** (high + pad))
        return self.fig


def spectral_radius_explorer(units: int = 32):
    """Sliders for spectral radius, activation and length; redraws ``||dh_t/dh_0||`` on a log scale (lesson 05)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    radius = widgets.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.05, description="radius ρ")
    activation = widgets.Dropdown(options=list(gradients.ACTIVATIONS), value="tanh", description="activation")
    length = widgets.IntSlider(value=100, min=5, max=300, step=5, description="length T")
    out = widgets.Output()
    panel = RadiusPanel()                                   # the figure kept from one move to the next

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            fig = panel.update(radius.value, activation.value, length.value, units=units)
            display(live(fig))
            plt.close(fig)

    for control in (radius, activation, length):
        control.observe(redraw, names="value")
    redraw()
    return explorer([widgets.HBox([radius, activation, length]), out], "spectral_radius", units=units)


def gate_view(weights, key: int, gap: int, *, distractor_seed: int = 0, n_units: int = 8,
              n_classes: int = long_gap.N_CLASSES, n_distractors: int = long_gap.N_DISTRACTORS,
              panel: lstm.GatesPanel | None = None, cache: dict | None = None):
    """Gates and cell state of a trained LSTM on one long-gap sequence the student picks.

    ``weights`` = ``(kernel, recurrent_kernel, bias)`` (see :func:`helpers.lstm.lstm_layer_weights`).
    Shows the ``n_units`` *memory units*: those whose cell state, just before the question mark, differs
    most between the 8 possible keys (same distractors). Returns the Figure. The explorer passes a
    ``panel`` to draw into (kept between moves) and a ``cache`` dict: the LSTM reads every key at once,
    so a move of the key slider reuses the run made for that gap and set of distractors.
    """
    key = check_positive_int("key", key, minimum=0, maximum=n_classes - 1)
    gap = check_positive_int("gap", gap, minimum=0, maximum=500)
    n_units = check_positive_int("n_units", n_units)
    run = (cache or {}).get((gap, distractor_seed, n_units, n_classes, n_distractors))
    if run is None:
        data = long_gap.make_long_gap(n_classes, gap, n_classes=n_classes, n_distractors=n_distractors,
                                      seed=distractor_seed)
        data.x[:, 1:] = data.x[0, 1:]                                  # the same distractors for every key
        data.x[:, 0] = data.y = np.arange(n_classes)                   # row k holds key k
        _, c_seq, gates = lstm.lstm_forward(data.one_hot(), *weights)  # (keys, time, units)
        spread = c_seq[:, -2].std(axis=0) if gap > 0 else c_seq[:, 0].std(axis=0)
        units = np.argsort(-spread)[:n_units]                          # the units that remember the key
        run = data, c_seq, gates, units
        if cache is not None:
            while len(cache) >= 4:                                     # a few runs only: each holds every key
                cache.pop(next(iter(cache)))
            cache[(gap, distractor_seed, n_units, n_classes, n_distractors)] = run
    data, c_seq, gates, units = run
    tokens = [data.token_name(int(t)) for t in data.x[key]]
    return (panel or lstm.GatesPanel()).update({k: v[key] for k, v in gates.items()}, c_seq[key], tokens, units,
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
    panel, cache = lstm.GatesPanel(), {}                  # the figure kept between moves; runs per gap and seed

    def redraw(*_):
        with out:
            out.clear_output(wait=True)
            fig = gate_view(weights, key.value, gap.value, distractor_seed=seed.value, panel=panel, cache=cache)
            display(live(fig))
            plt.close(fig)

    for control in (key, gap, seed):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([key, gap, seed]), out])
