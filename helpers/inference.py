"""A trained model's forward pass as a TensorFlow graph, for explorers that call it on every move.

An eager Keras call runs each layer op by op from Python (tens of milliseconds for a small LSTM on a
CPU); the same call traced once as a graph with free batch and time axes takes a few. The explorers of
lessons 06, 08 and 10 read a typed sentence through their models this way.
"""
from __future__ import annotations

import weakref

import numpy as np

from .validation import check_array, check_keras_model, check_size

_GRAPHS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # model -> its traced call


def graph_call(model, inputs: int = 1):
    """``model(ids, training=False)`` as a graph traced once for every batch size and length: a function
    of token ids ``(batch, time)`` (integers) that returns a numpy array. Kept per model, while it lives.
    A model of several inputs (``inputs=2``: ``model([ids, more_ids])``) is called with the list.
    Any other callable taking ``(ids, training=False)`` (a stand-in in a test) is called as it is."""
    import keras

    if not isinstance(model, keras.Model):
        if not callable(model):
            check_keras_model("model", model)                  # the message: expected a Keras model, got ...
        return lambda ids: np.asarray(model(check_array("ids", ids, ndim=2, kind="int"), training=False))
    call = _GRAPHS.get(model)
    if call is None:
        import tensorflow as tf

        inputs = check_size("inputs", inputs, maximum=8, what="inputs")
        spec = [tf.TensorSpec((None, None), tf.int32)] * inputs
        if inputs == 1:
            traced = tf.function(lambda ids: model(ids, training=False), input_signature=spec)
        else:
            traced = tf.function(lambda *ids: model(list(ids), training=False), input_signature=spec)

        def call(ids):
            arrays = [ids] if inputs == 1 else list(ids)
            if len(arrays) != inputs:
                raise ValueError(f"argument 'ids': expected a list of {inputs} arrays of token ids, got {len(arrays)}")
            arrays = [check_array("ids", a, ndim=2, kind="int").astype(np.int32) for a in arrays]
            return np.asarray(traced(*arrays))

        call.traced = traced
        _GRAPHS[model] = call
    return call
