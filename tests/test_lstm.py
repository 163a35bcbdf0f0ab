"""helpers.lstm: numpy forward passes and Keras cells equal keras.layers.LSTM / GRU with the same weights."""
import keras
import numpy as np
import pytest

from helpers import lstm, widgets_gates


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).normal(size=(3, 7, 5)).astype("float32")


def _keras_lstm(x, units=4, seed=1):
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    layer(x)
    kernel, recurrent, bias = layer.get_weights()
    bias = bias + np.random.default_rng(seed).normal(scale=0.5, size=bias.shape).astype("float32")
    layer.set_weights([kernel, recurrent, bias])
    seq, h, c = (np.asarray(v) for v in layer(x))
    return (kernel, recurrent, bias), seq, c


def test_numpy_lstm_equals_keras(x):
    weights, seq, c_last = _keras_lstm(x)
    h_seq, c_seq, gates = lstm.lstm_forward(x, *weights)
    assert np.abs(h_seq - seq).max() <= 1e-5
    assert np.abs(c_seq[:, -1] - c_last).max() <= 1e-5
    assert set(gates) == {"i", "f", "c", "o"} and gates["f"].shape == (3, 7, 4)
    assert 0 < gates["f"].min() and gates["f"].max() < 1


def test_lstm_step_equals_first_step_of_forward(x):
    weights, seq, _ = _keras_lstm(x)
    h, c = lstm.lstm_step(x[:, 0], np.zeros((3, 4)), np.zeros((3, 4)), *weights)
    assert np.abs(h - seq[:, 0]).max() <= 1e-5


def test_keras_lstm_cell_equals_keras_lstm(x):
    weights, seq, _ = _keras_lstm(x)
    layer = keras.layers.RNN(lstm.make_lstm_cell(4), return_sequences=True)
    layer(x)
    assert [w.shape for w in layer.get_weights()] == [w.shape for w in weights]
    layer.set_weights(list(weights))
    assert np.abs(np.asarray(layer(x)) - seq).max() <= 1e-5


def test_fresh_lstm_cell_has_forget_bias_one(x):
    layer = keras.layers.RNN(lstm.make_lstm_cell(4))
    layer(x)
    bias = layer.get_weights()[2]
    assert np.allclose(bias[4:8], 1) and np.allclose(bias[:4], 0)


def _keras_gru(x, units=4):
    layer = keras.layers.GRU(units, return_sequences=True)
    layer(x)
    kernel, recurrent, bias = layer.get_weights()
    bias = np.random.default_rng(2).normal(scale=0.5, size=bias.shape).astype("float32")
    layer.set_weights([kernel, recurrent, bias])
    return (kernel, recurrent, bias), np.asarray(layer(x))


def test_numpy_gru_and_cell_equal_keras(x):
    weights, seq = _keras_gru(x)
    h_seq, gates = lstm.gru_forward(x, *weights)
    assert np.abs(h_seq - seq).max() <= 1e-5
    assert np.abs(lstm.gru_step(x[:, 0], np.zeros((3, 4)), *weights) - seq[:, 0]).max() <= 1e-5
    layer = keras.layers.RNN(lstm.make_gru_cell(4), return_sequences=True)
    layer(x)
    layer.set_weights(list(weights))
    assert np.abs(np.asarray(layer(x)) - seq).max() <= 1e-5


def test_keras_update_gate_keeps_old_state(x):
    """With z forced to 1 (large update bias) the Keras GRU copies h_{t-1}: the convention the lesson warns about."""
    weights, _ = _keras_gru(x)
    kernel, recurrent, bias = (np.array(w) for w in weights)
    bias[:, :4] = 30.0
    h_prev = np.random.default_rng(3).normal(size=(3, 4))
    assert np.allclose(lstm.gru_step(x[:, 0], h_prev, kernel, recurrent, bias), h_prev, atol=1e-6)


@pytest.mark.parametrize("call, word", [
    (lambda w: lstm.lstm_forward(np.ones((2, 3)), *w), "x"),
    (lambda w: lstm.lstm_forward(np.ones((2, 3, 6)), *w), "kernel"),
    (lambda w: lstm.lstm_forward(np.ones((2, 3, 5)), w[0], w[1][:, :8], w[2]), "recurrent_kernel"),
    (lambda w: lstm.lstm_forward(np.ones((2, 3, 5)), w[0], w[1], w[2][:8]), "bias"),
    (lambda w: lstm.lstm_step(np.ones((2, 5)), np.ones((3, 4)), np.ones((2, 4)), *w), "h_prev"),
    (lambda w: lstm.gru_forward(np.ones((2, 3, 5)), *w), "kernel"),
    (lambda w: lstm.make_lstm_cell(0), "units"),
])
def test_bad_input_names_the_argument(x, call, word):
    weights, _, _ = _keras_lstm(x)
    with pytest.raises((ValueError, TypeError), match=word):
        call(weights)


def test_gate_view_and_plot(x):
    import matplotlib.pyplot as plt

    from helpers import long_gap

    model = long_gap.build_model("LSTM (gated)", 17, 8, units=6)
    weights = lstm.lstm_layer_weights(model)
    fig = widgets_gates.gate_view(weights, key=3, gap=5, n_units=4)
    assert len(fig.axes) == 6                      # four panels, a colour bar for the gates, one for the cell state
    assert fig.axes[3].get_xticklabels()[0].get_text() == "K3"
    assert all(not ax.get_xticks().size for ax in fig.axes[:3])  # the steps labelled once, under the cell state
    plt.close(fig)
    with pytest.raises(ValueError, match="key"):
        widgets_gates.gate_view(weights, key=9, gap=5)
    with pytest.raises(ValueError, match="LSTM"):
        lstm.lstm_layer_weights(long_gap.build_model("GRU (gated)", 17, 8, units=2))


def test_gates_panel_redraws_like_a_fresh_figure_and_reuses_the_run(monkeypatch):
    """The explorer keeps one figure: after a longer sequence and another key it draws what a new figure
    draws, pixel for pixel; a move of the key slider reuses the LSTM's run for that gap and seed."""
    import io

    import matplotlib.pyplot as plt

    from helpers import figures, long_gap

    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=50)
        return buffer.getvalue()

    weights = lstm.lstm_layer_weights(long_gap.build_model("LSTM (gated)", 17, 8, units=6))
    runs = []
    real = lstm.lstm_forward
    monkeypatch.setattr(lstm, "lstm_forward", lambda *a, **k: runs.append(1) or real(*a, **k))
    panel, cache = lstm.GatesPanel(), {}
    widgets_gates.gate_view(weights, 1, 30, n_units=4, panel=panel, cache=cache)
    kept = widgets_gates.gate_view(weights, 2, 6, n_units=4, panel=panel, cache=cache)
    widgets_gates.gate_view(weights, 5, 6, n_units=4, panel=panel, cache=cache)      # another key: no new run
    assert len(runs) == 2
    fresh = widgets_gates.gate_view(weights, 5, 6, n_units=4)
    assert kept is panel.fig and png(kept) == png(fresh)
    assert figures.description(kept) == figures.description(fresh)
    for gap in range(10, 16):                                                  # the cache stays small
        widgets_gates.gate_view(weights, 0, gap, n_units=4, panel=panel, cache=cache)
    assert len(cache) <= 4
    plt.close("all")


def test_radius_panel_redraws_like_a_fresh_figure():
    """Lesson 05's explorer keeps one figure: after another radius, activation and length it draws what
    a new figure draws (same curve, limits, title, legend and description)."""
    import io

    import matplotlib.pyplot as plt

    from helpers import figures

    def png(fig):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=50)
        return buffer.getvalue()

    panel = widgets_gates.RadiusPanel()
    panel.update(2.5, "relu", 300, units=8)
    kept, fresh = panel.update(0.4, "tanh", 40, units=8), widgets_gates.spectral_radius_figure(0.4, "tanh", 40, units=8)
    assert kept is panel.fig and png(kept) == png(fresh)
    assert figures.description(kept) == figures.description(fresh)
    assert [t.get_text() for t in kept.axes[0].get_yticklabels() if t.get_text()][0].startswith("10")
    plt.close("all")


def test_power_labels_are_plain_text():
    from helpers import figures

    assert figures.power_label(1e-40) == "10\u207b\u2074\u2070" and figures.power_label(10.0) == "10\u00b9"
    assert figures.power_label(3e-5) == "" and figures.power_label(0.0) == ""


def test_widgets_build():
    import matplotlib.pyplot as plt

    box = widgets_gates.spectral_radius_explorer(units=8)
    radius = box.children[0].children[0]
    radius.value = 2.0                                            # the callback redraws without error
    curves = widgets_gates.gradient_curves(2.0, "tanh", 20, units=8)
    assert list(curves) == [2.0] and curves[2.0].shape == (20,)
    plt.close("all")
