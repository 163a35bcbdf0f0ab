"""helpers.cells: the minimal cell equals SimpleRNN; the buggy cell shows its bugs; shape errors name arguments."""
import keras
import numpy as np
import pytest

from helpers import cells, numpy_rnn


def test_minimal_cell_in_rnn_equals_simple_rnn():
    reference, ours = cells.simple_rnn_twin(6, 4, seed=2)
    x = np.random.default_rng(0).normal(size=(3, 11, 4)).astype("float32")
    assert np.abs(np.asarray(reference(x)) - np.asarray(ours(x))).max() <= 1e-5
    hs, _ = numpy_rnn.rnn_forward(x, numpy_rnn.params_from_keras(reference))
    assert np.abs(hs - np.asarray(reference(x))).max() <= 1e-5


def test_cell_weights_are_named_like_the_maths():
    cell = cells.MinimalRNNCell(5)
    keras.layers.RNN(cell).build((None, None, 3))
    names = [w.name.split("/")[-1].split(":")[0] for w in cell.weights]
    assert names == ["W_xh", "W_hh", "b_h"]
    assert cell.get_config()["units"] == 5


def test_run_cell_equals_rnn_layer():
    reference, ours = cells.simple_rnn_twin(5, 3, seed=1)
    x = np.random.default_rng(1).normal(size=(2, 7, 3)).astype("float32")
    outputs, last = cells.run_cell(ours.cell, x)
    np.testing.assert_allclose(outputs, np.asarray(reference(x)), atol=1e-5)
    np.testing.assert_allclose(last, outputs[:, -1])


def test_cell_bad_shapes_name_the_argument():
    _, ours = cells.simple_rnn_twin(5, 3)
    x = np.zeros((2, 4, 3), dtype="float32")
    with pytest.raises(ValueError, match="'inputs'.*expected shape \\(batch, 3\\), got \\(2, 2\\)"):
        ours(x[:, :, :2])
    with pytest.raises(ValueError, match="'states'.*expected"):
        ours.cell(x[:, 0], [np.zeros((2, 4), dtype="float32")])
    with pytest.raises(ValueError, match="'x'.*length"):
        cells.run_cell(ours.cell, x[:, :0])
    with pytest.raises(ValueError, match="'h0'.*expected shape \\(2, 5\\)"):
        cells.run_cell(ours.cell, x, np.zeros((2, 4), dtype="float32"))
    with pytest.raises(ValueError, match="'units'"):
        cells.MinimalRNNCell(0)


def test_buggy_cell_shows_both_bugs():
    cell = cells.BuggyRNNCell(3)
    x = np.ones((1, 3), dtype="float32")
    _, h = cell(x)
    assert tuple(h.shape) == (3, 3)  # element-wise broadcasting: the "state" is a matrix
    first = np.asarray(cell.h)
    cell(x)
    assert not np.allclose(np.asarray(cell.h), first)  # the same input again gives another state: it leaked


def test_compare_speed_reports_a_ratio():
    result = cells.compare_speed(batch=4, time_steps=5, units=3, n_features=2, repeats=1)
    assert set(result) == {"numpy", "keras", "keras eager", "ratio"}
    assert result["ratio"] == pytest.approx(result["numpy"] / result["keras"])
