"""LSTM and GRU from scratch: numpy forward passes and Keras cells (lesson 06).

Weights use Keras' layout, so they can be copied to and from ``keras.layers.LSTM`` / ``GRU``:

* LSTM: ``kernel`` ``(features, 4 units)``, ``recurrent_kernel`` ``(units, 4 units)``, ``bias``
  ``(4 units,)``; the four blocks are, in order, **i** (input / "store" gate), **f** (forget gate),
  **c** (candidate cell, tanh) and **o** (output gate)::

      i = σ(x W_i + h U_i + b_i)      f = σ(x W_f + h U_f + b_f)
      g = tanh(x W_c + h U_c + b_c)   o = σ(x W_o + h U_o + b_o)
      c_t = f * c_{t-1} + i * g       h_t = o * tanh(c_t)

* GRU (``reset_after=True``, Keras' default): ``kernel`` ``(features, 3 units)``,
  ``recurrent_kernel`` ``(units, 3 units)``, ``bias`` ``(2, 3 units)`` (input bias, recurrent
  bias); blocks **z** (update), **r** (reset), **h** (candidate)::

      z = σ(x W_z + h U_z + b_z + b'_z)      r = σ(x W_r + h U_r + b_r + b'_r)
      ĥ = tanh(x W_h + b_h + r * (h U_h + b'_h))
      h_t = z * h_{t-1} + (1 - z) * ĥ

  Keras' ``z`` is the share of the *old* state kept (as in Cho et al., 2014); many tutorials write
  ``h_t = (1 - z) h_{t-1} + z ĥ`` instead (their ``z`` is one minus Keras').

Row vectors (``x @ kernel``), as in Keras. Shapes: ``x`` ``(batch, time, features)``.
"""
from __future__ import annotations

import numpy as np

from .validation import MAX_UNITS, check_array, check_keras_model, check_size
from .figures import FONT_PT

LSTM_GATES = ("i", "f", "c", "o")
GRU_GATES = ("z", "r", "h")


def sigmoid(a):
    """The logistic function, elementwise."""
    a = check_array("a", a, kind="number", allow_empty=True).astype(np.float64)
    with np.errstate(over="ignore"):    # exp(-a) overflows to inf for a << 0: sigmoid is then exactly 0
        return 1.0 / (1.0 + np.exp(-a))


def _check_gate_weights(kernel, recurrent_kernel, bias, n_gates: int, bias_shape, bias_dims, features=None):
    """Check Keras-layout weights of a gated cell with ``n_gates`` blocks; returns them and ``units``."""
    kernel = check_array("kernel", kernel, ndim=2, kind="number")
    units = kernel.shape[1] // n_gates
    if kernel.shape[1] != n_gates * units or units == 0:
        raise ValueError(f"argument 'kernel': expected shape (features, {n_gates} * units), got {kernel.shape}")
    if features is not None and kernel.shape[0] != features:
        raise ValueError(f"argument 'kernel': expected shape ({features}, {n_gates * units}) for {features} input "
                         f"features, got {kernel.shape}")
    recurrent_kernel = check_array("recurrent_kernel", recurrent_kernel, shape=(units, n_gates * units),
                                   dims=("units", f"{n_gates} units"), kind="number")
    bias = check_array("bias", bias, shape=bias_shape(units), dims=bias_dims, kind="number")
    return kernel, recurrent_kernel, bias, units


def _check_lstm_weights(kernel, recurrent_kernel, bias, features=None):
    return _check_gate_weights(kernel, recurrent_kernel, bias, 4, lambda u: (4 * u,), ("4 units",), features)


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """One LSTM step: ``x_t`` ``(batch, features)``, ``h_prev``, ``c_prev`` ``(batch, units)`` → ``(h_t, c_t)``.

    Reference for exercise 06.1 (gate order i, f, c, o as in Keras).
    """
    x_t = check_array("x_t", x_t, ndim=2, dims=("batch", "features"), kind="number")
    kernel, recurrent_kernel, bias, units = _check_lstm_weights(kernel, recurrent_kernel, bias, x_t.shape[1])
    h_prev = check_array("h_prev", h_prev, shape=(len(x_t), units), dims=("batch", "units"), kind="number")
    c_prev = check_array("c_prev", c_prev, shape=(len(x_t), units), dims=("batch", "units"), kind="number")
    h, c, _ = _lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, units)
    return h, c


def _lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, units):
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias            # (batch, 4 units)
    i = sigmoid(z[:, :units])                                      # store gate
    f = sigmoid(z[:, units:2 * units])                             # forget gate
    g = np.tanh(z[:, 2 * units:3 * units])                         # candidate values
    o = sigmoid(z[:, 3 * units:])                                  # output gate
    c = f * c_prev + i * g                                         # the cell-state highway
    h = o * np.tanh(c)
    return h, c, {"i": i, "f": f, "c": g, "o": o}


def lstm_forward(x, kernel, recurrent_kernel, bias, h0=None, c0=None):
    """Run an LSTM over ``x`` ``(batch, time, features)``.

    Returns ``(h_seq, c_seq, gates)``: hidden and cell states ``(batch, time, units)`` and
    ``gates = {"i", "f", "c", "o": (batch, time, units)}`` (``"c"`` is the candidate ``g``).
    """
    x = check_array("x", x, ndim=3, dims=("batch", "time", "features"), kind="number").astype(np.float64)
    kernel, recurrent_kernel, bias, units = _check_lstm_weights(kernel, recurrent_kernel, bias, x.shape[2])
    batch, time, _ = x.shape
    h = np.zeros((batch, units)) if h0 is None else check_array("h0", h0, shape=(batch, units), kind="number")
    c = np.zeros((batch, units)) if c0 is None else check_array("c0", c0, shape=(batch, units), kind="number")
    hs, cs, gates = [], [], {k: [] for k in LSTM_GATES}
    for t in range(time):
        h, c, step_gates = _lstm_step(x[:, t], h, c, kernel, recurrent_kernel, bias, units)
        hs.append(h)
        cs.append(c)
        for k in LSTM_GATES:
            gates[k].append(step_gates[k])
    stack = lambda seq: np.stack(seq, axis=1)  # noqa: E731  list of (batch, units) -> (batch, time, units)
    return stack(hs), stack(cs), {k: stack(v) for k, v in gates.items()}


def _check_gru_weights(kernel, recurrent_kernel, bias, features=None):
    # Keras' GRU with reset_after=True keeps two bias rows: input-side and recurrent-side
    return _check_gate_weights(kernel, recurrent_kernel, bias, 3, lambda u: (2, 3 * u), ("2", "3 units"), features)


def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    """One GRU step (Keras, ``reset_after=True``): ``x_t`` ``(batch, features)``, ``h_prev`` ``(batch, units)`` → ``h_t``.

    Reference for exercise 06.2.
    """
    x_t = check_array("x_t", x_t, ndim=2, dims=("batch", "features"), kind="number")
    kernel, recurrent_kernel, bias, units = _check_gru_weights(kernel, recurrent_kernel, bias, x_t.shape[1])
    h_prev = check_array("h_prev", h_prev, shape=(len(x_t), units), dims=("batch", "units"), kind="number")
    return _gru_step(x_t, h_prev, kernel, recurrent_kernel, bias, units)[0]


def _gru_step(x_t, h_prev, kernel, recurrent_kernel, bias, units):
    xw = x_t @ kernel + bias[0]                                    # (batch, 3 units)
    hu = h_prev @ recurrent_kernel + bias[1]                       # (batch, 3 units)
    z = sigmoid(xw[:, :units] + hu[:, :units])                     # update gate: share of the old state kept
    r = sigmoid(xw[:, units:2 * units] + hu[:, units:2 * units])   # reset gate
    candidate = np.tanh(xw[:, 2 * units:] + r * hu[:, 2 * units:])  # reset applied after the matrix product
    h = z * h_prev + (1.0 - z) * candidate
    return h, {"z": z, "r": r, "h": candidate}


def gru_forward(x, kernel, recurrent_kernel, bias, h0=None):
    """Run a GRU over ``x`` ``(batch, time, features)``; returns ``(h_seq (batch, time, units), gates)``."""
    x = check_array("x", x, ndim=3, dims=("batch", "time", "features"), kind="number").astype(np.float64)
    kernel, recurrent_kernel, bias, units = _check_gru_weights(kernel, recurrent_kernel, bias, x.shape[2])
    batch, time, _ = x.shape
    h = np.zeros((batch, units)) if h0 is None else check_array("h0", h0, shape=(batch, units), kind="number")
    hs, gates = [], {k: [] for k in GRU_GATES}
    for t in range(time):
        h, step_gates = _gru_step(x[:, t], h, kernel, recurrent_kernel, bias, units)
        hs.append(h)
        for k in GRU_GATES:
            gates[k].append(step_gates[k])
    return np.stack(hs, axis=1), {k: np.stack(v, axis=1) for k, v in gates.items()}


# ---- Keras cells -------------------------------------------------------------------------------------

def _keras():
    import keras

    return keras


def make_lstm_cell(units: int):
    """A from-scratch LSTM cell for ``keras.layers.RNN(cell)``, weight-compatible with ``keras.layers.LSTM``.

    Defined in a function so that ``import helpers.lstm`` does not import Keras.
    """
    return _cell_classes()[0](check_size("units", units, maximum=MAX_UNITS, what="units"))


def make_gru_cell(units: int):
    """A from-scratch GRU cell (``reset_after=True``) for ``keras.layers.RNN(cell)``, weight-compatible with ``keras.layers.GRU``."""
    return _cell_classes()[1](check_size("units", units, maximum=MAX_UNITS, what="units"))


_CLASSES = None


def _cell_classes():
    global _CLASSES
    if _CLASSES is not None:
        return _CLASSES
    keras = _keras()
    ops = keras.ops

    class ScratchLSTMCell(keras.layers.Layer):
        """``h_t, c_t = LSTM(x_t, h_{t-1}, c_{t-1})`` with gate order i, f, c, o (lesson 06)."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = [units, units]
            self.output_size = units

        def build(self, input_shape):
            features = input_shape[-1]
            self.kernel = self.add_weight(shape=(features, 4 * self.units), initializer="glorot_uniform", name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, 4 * self.units), initializer="orthogonal",
                                                    name="recurrent_kernel")
            forget_one = np.zeros(4 * self.units, dtype="float32")
            forget_one[self.units:2 * self.units] = 1.0       # forget-gate bias 1: remember by default
            self.bias = self.add_weight(shape=(4 * self.units,), name="bias",
                                        initializer=keras.initializers.Constant(forget_one))

        def call(self, inputs, states):
            h_prev, c_prev = states
            z = ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel) + self.bias
            i, f, g, o = ops.split(z, 4, axis=-1)
            c = ops.sigmoid(f) * c_prev + ops.sigmoid(i) * ops.tanh(g)
            h = ops.sigmoid(o) * ops.tanh(c)
            return h, [h, c]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    class ScratchGRUCell(keras.layers.Layer):
        """``h_t = GRU(x_t, h_{t-1})``, Keras convention (``reset_after=True``, z keeps the old state)."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units
            self.output_size = units

        def build(self, input_shape):
            features = input_shape[-1]
            self.kernel = self.add_weight(shape=(features, 3 * self.units), initializer="glorot_uniform", name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, 3 * self.units), initializer="orthogonal",
                                                    name="recurrent_kernel")
            self.bias = self.add_weight(shape=(2, 3 * self.units), initializer="zeros", name="bias")

        def call(self, inputs, states):
            h_prev = states[0] if isinstance(states, (list, tuple)) else states
            xw = ops.matmul(inputs, self.kernel) + self.bias[0]
            hu = ops.matmul(h_prev, self.recurrent_kernel) + self.bias[1]
            x_z, x_r, x_h = ops.split(xw, 3, axis=-1)
            h_z, h_r, h_h = ops.split(hu, 3, axis=-1)
            z = ops.sigmoid(x_z + h_z)
            r = ops.sigmoid(x_r + h_r)
            candidate = ops.tanh(x_h + r * h_h)
            h = z * h_prev + (1.0 - z) * candidate
            return h, [h]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    _CLASSES = (ScratchLSTMCell, ScratchGRUCell)
    return _CLASSES


# ---- looking inside a trained model ----------------------------------------------------------------

def lstm_layer_weights(model):
    """``(kernel, recurrent_kernel, bias)`` of the first LSTM layer in a Keras ``model``."""
    keras = _keras()
    check_keras_model("model", model)
    for layer in model.layers:
        if isinstance(layer, keras.layers.LSTM):
            return tuple(np.asarray(w) for w in layer.get_weights())
    raise ValueError("argument 'model': expected a model with a keras.layers.LSTM layer, found none")


def plot_gates(gates: dict, c_seq, tokens, units=None, *, title: str = ""):
    """Forget, input and output gates and the cell state over time for one sequence (pure: data in, Figure out).

    ``gates`` from :func:`lstm_forward` for one row (``(time, units)`` each), ``c_seq`` ``(time, units)``,
    ``tokens`` the ``time`` labels, ``units`` the unit indices to show (default: all).
    """
    return GatesPanel().update(gates, c_seq, tokens, units, title=title)


def _check_gates(gates, c_seq, tokens, units):
    c_seq = check_array("c_seq", c_seq, ndim=2, dims=("time", "units"), kind="number")
    if not isinstance(gates, dict) or any(k not in gates for k in ("f", "i", "o")):
        raise TypeError(f"argument 'gates': expected a dict with keys 'i', 'f', 'o' (from lstm_forward), got "
                        f"{type(gates).__name__} {list(gates)[:6] if isinstance(gates, dict) else gates!r:.40}")
    for k in ("f", "i", "o"):
        check_array(f"gates[{k!r}]", gates[k], shape=c_seq.shape, dims=("time", "units"), kind="number")
    if isinstance(tokens, str) or not hasattr(tokens, "__len__"):
        raise TypeError(f"argument 'tokens': expected a list of {c_seq.shape[0]} labels, got "
                        f"{type(tokens).__name__} {tokens!r:.40}")
    if len(tokens) != c_seq.shape[0]:
        raise ValueError(f"argument 'tokens': expected {c_seq.shape[0]} labels (one per step), got {len(tokens)}")
    units = (np.arange(c_seq.shape[1]) if units is None else
             check_array("units", units, ndim=1, kind="int"))
    if units.min() < 0 or units.max() >= c_seq.shape[1]:
        raise ValueError(f"argument 'units': expected unit indices in [0, {c_seq.shape[1] - 1}], got range "
                         f"[{units.min()}, {units.max()}]")
    return c_seq, units


_GATE_PANELS = (("forget gate f", "f", "viridis"), ("input (store) gate i", "i", "viridis"),
                ("output gate o", "o", "viridis"), ("cell state c", "c", "RdBu_r"))


def _panel_label(name: str) -> str:
    """A gate panel's name on two lines, "forget gate f" -> "forget\\ngate f" (written across, left of it)."""
    return name.replace(" gate ", "\ngate ").replace(" state ", "\nstate ")


class GatesPanel:
    """The figure of :func:`plot_gates`, kept between redraws (lesson 06's gate explorer): a new key, gap
    or set of distractors changes the heat maps' data, the ticks and the title, not the Axes. Its margins
    come from the labels' lengths, not from ``tight_layout`` (which lays every label out to measure it)."""

    def __init__(self):
        self.fig, self.axes, self.images, self.rows = None, [], [], None

    def _build(self, rows: int) -> None:
        import matplotlib.pyplot as plt

        self.fig = plt.figure()
        grid = self.fig.add_gridspec(len(_GATE_PANELS), 2, width_ratios=[70, 1], wspace=0.02, hspace=0.15)
        self.axes, self.images = [], []
        for row, (name, _, cmap) in enumerate(_GATE_PANELS):
            ax = self.fig.add_subplot(grid[row, 0])
            image = ax.imshow(np.zeros((rows, 2)), aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
            # across, on two lines: along the axis, 12 pt names run past panels 0.7 in tall into each other
            ax.set_ylabel(_panel_label(name), fontsize=FONT_PT, rotation=0, ha="right", va="center")
            ax.set_yticks([])
            ax.grid(False)
            if row < len(_GATE_PANELS) - 1:
                ax.set_xticks([])                       # the steps are labelled once, under the cell state
            self.axes.append(ax)
            self.images.append(image)
        gates_bar = self.fig.colorbar(self.images[0], cax=self.fig.add_subplot(grid[:-1, 1]))   # the three gates: 0-1
        gates_bar.set_label("gate value", fontsize=FONT_PT)
        self.fig.colorbar(self.images[-1], cax=self.fig.add_subplot(grid[-1, 1]))
        self.title = self.axes[0].set_title("")
        self.rows = rows

    def update(self, gates: dict, c_seq, tokens, units=None, *, title: str = ""):
        """Draw one sequence (the arguments of :func:`plot_gates`); returns the Figure."""
        from .figures import describe, listing, margins, number, pin_labels, text_height, text_width

        c_seq, units = _check_gates(gates, c_seq, tokens, units)
        time = len(tokens)
        if self.fig is None or self.rows != len(units):
            self._build(len(units))
        self.fig.set_size_inches(min(11, 3.3 + 0.18 * time), 0.6 + 0.085 * len(units) * len(_GATE_PANELS) + 1.4)
        values = {**gates, "c": c_seq}
        for image, (_, key, _) in zip(self.images, _GATE_PANELS):
            shown = np.asarray(values[key])[:, units].T                      # (units shown, time)
            image.set_data(shown)
            image.set_extent((-0.5, time - 0.5, len(units) - 0.5, -0.5))
            if key == "c":
                bound = max(float(np.abs(shown).max()), 1e-6)
                image.set_clim(-bound, bound)
        for ax in self.axes:
            ax.set_xlim(-0.5, time - 0.5)
            ax.set_ylim(len(units) - 0.5, -0.5)
        step = max(1, -(-time // 25))                                   # at most 25 labelled steps
        shown_tokens = [str(tokens[i]) for i in range(0, time, step)]
        self.axes[-1].set_xticks(range(0, time, step), shown_tokens, rotation=90, fontsize=FONT_PT)
        self.title.set_text(title)
        margins(self.fig, left=max(text_width(_panel_label(n).splitlines(), FONT_PT) for n, _, _ in _GATE_PANELS) + 0.2,
                right=0.65, top=0.35 if title else 0.12,
                bottom=text_height(shown_tokens, FONT_PT, rotation=90) + 0.15)
        for ax in self.axes:                                  # labels and title placed once, not measured per draw
            pin_labels(ax, left=0.12)

        def mean(values, steps):
            return number(np.asarray(values)[steps][:, units].mean())

        first, middle = slice(0, 1), slice(1, max(2, time - 1))
        describe(self.fig, f"{title or 'LSTM gates'}: four heat maps over {time} steps ({listing(tokens, 6)}), "
                           f"one row per unit shown ({len(units)}): forget gate, input gate, output gate, cell state. "
                           f"Mean over the units at the first step / over the middle steps: forget "
                           f"{mean(gates['f'], first)} / {mean(gates['f'], middle)}, input {mean(gates['i'], first)} / "
                           f"{mean(gates['i'], middle)}, output {mean(gates['o'], first)} / {mean(gates['o'], middle)}; "
                           f"the cell state's size (mean |c|) at the first and last step: "
                           f"{number(np.abs(c_seq[0, units]).mean())} and {number(np.abs(c_seq[-1, units]).mean())}.")
        return self.fig
