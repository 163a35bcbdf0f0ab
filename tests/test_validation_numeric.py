"""Bad input to the numeric helpers (numpy_rnn, lstm, gradients, training, long_gap, scorecard, plots, cells):
one row per family of issue 14."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import cells, gradients, long_gap, lstm, numpy_rnn, plots, scorecard, training
from tests.validation_utils import assert_clear

NAN, INF = float("nan"), float("inf")
P = numpy_rnn.init_params(3, 4, 3)
LK, LRK, LB = np.ones((3, 16)), np.ones((4, 16)), np.zeros(16)

ROWS = [
    ("nan", lambda: training.TimeBudget(NAN), ValueError, "seconds", "finite number", "nan"),
    ("nan", lambda: training.decay_factor(0.5, hold=NAN), ValueError, "hold", "finite number", "nan"),
    ("nan", lambda: gradients.clip_by_norm(np.ones(3), NAN), ValueError, "max_norm", "finite number > 0", "nan"),
    ("nan", lambda: gradients.random_recurrent_matrix(4, INF), ValueError, "radius", "finite number", "inf"),
    ("nan", lambda: numpy_rnn.rnn_forward(np.full((1, 2, 3), NAN), P), ValueError, "x", "finite numbers", "nan"),
    ("nan", lambda: numpy_rnn.softmax(np.array([1.0, INF])), ValueError, "logits", "finite numbers", "inf"),
    ("nan", lambda: lstm.lstm_step(np.full((1, 3), NAN), np.zeros((1, 4)), np.zeros((1, 4)), LK, LRK, LB),
     ValueError, "x_t", "finite numbers", "nan"),
    ("strings", lambda: long_gap.tricks_scorecard("GRU (gated)", gaps=(1,)), TypeError, "tricks", "a list of names",
     "'GRU (gated)'"),
    ("strings", lambda: plots.bag_comparison("good", "bad"), TypeError, "tokens_a", "a list of tokens", "'good'"),
    ("strings", lambda: scorecard.baseline_scorecard(models="bag of words"), TypeError, "models", "a list of names",
     "'bag of words'"),
    ("named", lambda: numpy_rnn.echo_task(4, 5, 1, n_symbols=1), ValueError, "n_symbols", ">= 2", "1"),
    ("unchecked", lambda: numpy_rnn.init_params(3, 4, dtype=np.int64), TypeError, "dtype", "a float dtype", "int64"),
    ("unchecked", lambda: long_gap.build_model("GRU (gated)", 5, 2, learning_rate=-0.1), ValueError, "learning_rate",
     "> 0", "-0.1"),
    ("unchecked", lambda: long_gap.build_model("GRU (gated)", 5, 2, clipnorm=0), ValueError, "clipnorm", "> 0", "0"),
    ("unchecked", lambda: scorecard.Scorecard().add("m", "word order", 1.7), ValueError, "accuracy", "<= 1", "1.7"),
    ("sizes", lambda: numpy_rnn.init_params(10**6, 10**6), ValueError, "n_in", "<= 8,192", "1,000,000"),
    ("sizes", lambda: gradients.jacobian_norms(np.eye(2), 10**9), ValueError, "length", "<= 100,000",
     "1,000,000,000"),
    ("sizes", lambda: long_gap.make_long_gap(10, 10**9), ValueError, "gap", "<= 10,000", "1,000,000,000"),
    ("sizes", lambda: cells.MinimalRNNCell(10**7), ValueError, "units", "<= 8,192", "10,000,000"),
    ("types", lambda: numpy_rnn.rnn_forward(np.ones((1, 2, 3)), None), TypeError, "params", "a dict", "NoneType"),
    ("types", lambda: lstm.lstm_layer_weights(None), TypeError, "model", "a Keras model", "NoneType"),
    ("types", lambda: plots.loss_curve([1, 2]), TypeError, "history", "a dict", "list"),
]


@pytest.mark.parametrize("family, call, error, name, expected, got", ROWS, ids=[f"{r[0]}-{r[3]}" for r in ROWS])
def test_bad_arguments_get_clear_messages(family, call, error, name, expected, got):
    assert_clear(call, error, name, expected, got)


def test_diverged_norms_may_be_infinite_but_not_nan():
    assert np.isnan(gradients.decay_rate(np.array([np.inf, np.inf])))   # inf allowed (a diverged run): no fit
    gradients.plot_norm_curves({1.5: np.array([1.0, np.inf])})
    assert_clear(lambda: gradients.decay_rate(np.array([1.0, np.nan])), ValueError, "norms", "NaN not", "nan")
