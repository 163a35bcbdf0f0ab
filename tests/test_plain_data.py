"""helpers.exercises.plain_data: what crosses between the grader and the worker is data, never code."""
from __future__ import annotations

import base64
import io
import json
import math

import numpy as np
import pytest

from helpers.exercises import plain_data
from helpers.exercises.plain_data import PlainDataError, dumps, loads


def test_values_come_back_equal_and_of_the_same_type():
    value = {"W": np.arange(6, dtype=np.float32).reshape(2, 3), "ids": np.array([[1, 2]], dtype=np.int64),
             "mask": np.array([True, False]), "scalar": np.float32(0.25), "count": np.int64(3),
             "pair": (1, "a"), 2: [None, True, 1.5, float("nan"), -math.inf], "text": "café"}
    back = loads(dumps(value))
    assert back.keys() == value.keys()
    for key in ("W", "ids", "mask"):
        assert back[key].dtype == value[key].dtype and np.array_equal(back[key], value[key])
    assert type(back["scalar"]) is np.float32 and type(back["count"]) is np.int64
    assert back["pair"] == (1, "a") and back["text"] == "café"
    assert back[2][:3] == [None, True, 1.5] and math.isnan(back[2][3]) and back[2][4] == -math.inf


def test_a_generator_travels_as_its_state():
    rng = np.random.default_rng(5)
    rng.normal(size=3)
    copy = loads(dumps(rng))
    assert np.array_equal(copy.normal(size=4), rng.normal(size=4))


def test_a_vocabulary_travels_as_its_tokens():
    from helpers.text import Vocabulary

    vocab = Vocabulary(["good", "bad", "film"])
    back = loads(dumps(vocab))
    assert type(back) is Vocabulary and back.itos == vocab.itos


def test_no_student_class_survives_the_trip():
    class Sneaky(np.ndarray):
        def numpy(self):
            return "the expected value"

    back = loads(dumps(np.zeros(3).view(Sneaky)))
    assert type(back) is np.ndarray and not hasattr(back, "numpy")

    class Mine:
        pass

    other = loads(dumps(Mine()))
    assert isinstance(other, plain_data.Opaque) and type(other).__name__ == "Mine" and not callable(other)


def _npy(array, allow_pickle=False) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return base64.b64encode(buffer.getvalue()).decode()


def test_pickles_and_strange_messages_are_refused():
    with pytest.raises(PlainDataError, match="object"):
        dumps(np.array([object()], dtype=object))
    pickled = json.dumps({"__nd__": _npy(np.array([{"a": 1}], dtype=object), allow_pickle=True)})
    with pytest.raises(PlainDataError, match="malformed array"):
        loads(pickled)
    for text in ('{"__module__": "os"}', '{}', '[' * 200 + ']' * 200, 'not json',
                 '{"__float__": "__import__(\'os\')"}', '{"__dict__": [[[1], 2]]}'):
        with pytest.raises(PlainDataError):
            loads(text)


def _model_message(config) -> str:
    return json.dumps({"__keras_model__": {"config": config, "weights": []}})


def test_a_keras_model_is_rebuilt_from_keras_layers_only():
    import keras

    from helpers import sentiment

    model = sentiment.build_many_to_one(20, 4, 3)
    ids = np.array([[0, 0, 3, 4], [5, 6, 7, 8]], dtype="int32")
    back = loads(dumps(model))
    assert np.allclose(np.asarray(back(ids)), np.asarray(model(ids)), atol=1e-6)
    assert any(isinstance(layer, keras.layers.Embedding) and layer.mask_zero for layer in back.layers)

    config = keras.saving.serialize_keras_object(model)
    evil = json.loads(json.dumps(config, default=str))
    evil["config"]["layers"][1]["module"] = "os"
    with pytest.raises(PlainDataError, match="only Keras's own layers"):
        loads(_model_message(evil))
    lambda_model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2)])
    with pytest.raises(PlainDataError):
        loads(_model_message(json.loads(json.dumps(keras.saving.serialize_keras_object(lambda_model),
                                                   default=str))))
