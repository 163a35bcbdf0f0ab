"""Bad input to helpers.attention, helpers.attention_numpy and helpers.dates: one row per family of issue 14."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import attention, attention_numpy, dates
from tests.validation_utils import assert_clear

NAN = float("nan")
Q, K = np.ones((1, 2, 3)), np.ones((1, 5, 4))
WQ, WK, V = np.ones((3, 2)), np.ones((4, 2)), np.ones(2)


@pytest.fixture(scope="module")
def s2s():
    return attention.Seq2Seq(units=4, embed_dim=4)


ROWS = [
    ("nan", lambda m: attention.beam_search(m, ["3 march 1987"], alpha=NAN), ValueError, "alpha", "finite", "nan"),
    ("nan", lambda m: attention_numpy.softmax(np.array([NAN, 1.0])), ValueError, "x", "finite numbers", "nan"),
    ("nan", lambda m: attention_numpy.additive_weights(Q * NAN, K, WQ, WK, V), ValueError, "query", "finite", "nan"),
    ("strings", lambda m: attention.exact_match("1987-03-03", "1987-03-04"), TypeError, "predictions",
     "a list of output strings", "'1987-03-03'"),
    ("strings", lambda m: dates.generate_dates(3, formats="d/m/yy"), TypeError, "formats", "a list of names",
     "'d/m/yy'"),
    ("named", lambda m: m.fit(dates.DateSet([], [], []), epochs=1), ValueError, "data", "at least one date",
     "an empty one"),
    ("named", lambda m: attention.exact_match(["a"], ["a", "b"]), ValueError, "predictions", "equal lengths", "1"),
    ("unchecked", lambda m: attention.beam_search(m, ["3 march 1987"], beam_width=0), ValueError, "beam_width",
     ">= 1", "0"),
    ("unchecked", lambda m: attention_numpy.beam_step(np.zeros(2), np.zeros((2, 3)), 0), ValueError, "beam_width",
     "in [1, 6]", "0"),
    ("unchecked", lambda m: attention_numpy.additive_weights(Q, K, WQ, WK, V, mask=np.zeros((1, 5), bool)),
     ValueError, "mask", "at least one real input", "row 0 all padding"),
    ("unchecked", lambda m: attention_numpy.context_vector(np.ones((1, 2, 3)), np.ones((1, 4, 5))), ValueError,
     "values", "shape (1, 3, dv)", "(1, 4, 5)"),
    ("sizes", lambda m: dates.generate_dates(10**9), ValueError, "n", "<= 1,000,000", "1,000,000,000"),
    ("sizes", lambda m: attention.Seq2Seq(units=10**6), ValueError, "units", "<= 8,192", "1,000,000"),
    ("types", lambda m: attention.greedy_decode("s2s", ["3 march 1987"]), TypeError, "seq2seq", "a Seq2Seq model",
     "str 's2s'"),
    ("types", lambda m: m.fit(["3 march 1987"], epochs=1), TypeError, "data", "a DateSet", "list"),
    ("types", lambda m: dates.encode_inputs(None), TypeError, "texts", "a list of date strings", "NoneType"),
]


@pytest.mark.parametrize("family, call, error, name, expected, got", ROWS, ids=[f"{r[0]}-{r[3]}" for r in ROWS])
def test_bad_arguments_get_clear_messages(s2s, family, call, error, name, expected, got):
    assert_clear(lambda: call(s2s), error, name, expected, got)


def test_all_padding_row_gets_zero_attention_in_the_keras_layer():
    layer = attention.AdditiveAttention(3)
    mask = np.array([[True, True, False], [False, False, False]])
    _, weights = layer(np.ones((2, 1, 2), "float32"), np.ones((2, 3, 2), "float32"), values_mask=mask)
    weights = np.asarray(weights)
    assert np.allclose(weights[0, 0], [0.5, 0.5, 0.0]) and np.all(weights[1] == 0.0)
