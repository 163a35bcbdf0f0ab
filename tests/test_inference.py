"""The explorers' graph call: the same numbers as the eager model, traced once for every shape."""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import inference  # noqa: E402


def _model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(20, 4, mask_zero=True),
                             keras.layers.LSTM(5, return_sequences=True), keras.layers.Dense(3, activation="softmax")])


def test_graph_call_matches_the_eager_model_for_every_shape_and_traces_once():
    model = _model()
    call = inference.graph_call(model)
    rng = np.random.default_rng(0)
    for batch, time in ((1, 3), (4, 7), (9, 2)):
        ids = rng.integers(0, 20, size=(batch, time))
        np.testing.assert_allclose(call(ids), np.asarray(model(ids.astype("int32"), training=False)), atol=1e-6)
    assert call.traced.experimental_get_tracing_count() == 1
    assert inference.graph_call(model) is call                     # kept for the model


def test_graph_call_refuses_what_it_cannot_call():
    with pytest.raises(TypeError, match="model"):
        inference.graph_call("a model")
    with pytest.raises((TypeError, ValueError), match="ids"):
        inference.graph_call(_model())(np.zeros((2, 3), dtype=float) + 0.5)
    stand_in = inference.graph_call(lambda ids, training=False: ids * 2)   # a plain callable, called as it is
    assert stand_in(np.ones((1, 2), dtype=int)).tolist() == [[2, 2]]


def test_graph_call_of_a_model_with_two_inputs():
    keras.utils.set_random_seed(0)
    a, b = keras.Input((None,), dtype="int32"), keras.Input((None,), dtype="int32")
    pooled = keras.layers.Concatenate()([keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(9, 3)(x))
                                         for x in (a, b)])
    model = keras.Model([a, b], keras.layers.Dense(2)(pooled))
    call = inference.graph_call(model, inputs=2)
    x, y = np.array([[1, 2, 3]]), np.array([[4, 5]])
    np.testing.assert_allclose(call([x, y]), np.asarray(model([x.astype("int32"), y.astype("int32")])), atol=1e-6)
    with pytest.raises(ValueError, match="2 arrays"):
        call([x])
