"""Values between the grader and the process that runs a student's code, as plain data only.

The grading worker (``tools/grader_worker.py``) runs student functions; the grader
(``tools/scoring.py``) runs the checkers. What passes between them is JSON: numbers, strings,
lists, tuples, dicts and numpy arrays (``.npy`` bytes read with ``allow_pickle=False``, so never an
object array), plus a few course types by their contents (a random generator's state, a
:class:`helpers.text.Vocabulary`'s tokens, a Keras model's configuration and weights). Nothing is
unpickled and no class of the student's survives the trip: an ndarray subclass arrives as a plain
ndarray, any other object as an inert stand-in that only carries its type's name.

:func:`decode` refuses anything else with a :class:`PlainDataError` naming what it found.
"""
from __future__ import annotations

import base64
import io
import json
import math
from typing import Any

import numpy as np

MAX_DEPTH = 40
MAX_BYTES = 64 * 2**20  # one message; a student's answer of this size is a mistake, not an answer


class PlainDataError(ValueError):
    pass


class Opaque:
    """Stands for a value that cannot travel as data (a generator, a student's own class ...)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object>"


def _opaque(module: str, name: str) -> Opaque:
    kind = type(str(name)[:80] or "object", (Opaque,), {"__module__": str(module)[:80]})
    return kind()


# ---- encoding (either side) ----------------------------------------------------------------------

def _array_payload(array: np.ndarray) -> str:
    array = np.array(np.asarray(array).view(np.ndarray), copy=True, order="C")  # 0-d stays 0-d
    if array.dtype.hasobject or array.dtype.kind not in "biufcUSM?m":
        raise PlainDataError(f"an array of dtype {array.dtype} cannot travel as data")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _keras_model(value) -> dict | None:
    try:
        import keras
    except ImportError:
        return None
    if not isinstance(value, keras.Model):
        return None
    config = keras.saving.serialize_keras_object(value)
    return {"__keras_model__": {"config": json.loads(json.dumps(config, default=str)),
                                "weights": [_array_payload(w) for w in value.get_weights()]}}


def to_plain(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data (see the module docstring)."""
    if depth > MAX_DEPTH:
        raise PlainDataError("the value is nested too deeply to travel as data")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and type(value) in (int,):
        return value
    if isinstance(value, float) and type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        return {"__nd__": _array_payload(value), "scalar": isinstance(value, np.generic)}
    if type(value) is tuple:
        return {"__tuple__": [to_plain(v, depth + 1) for v in value]}
    if type(value) is list:
        return [to_plain(v, depth + 1) for v in value]
    if type(value) is dict:
        return {"__dict__": [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, np.random.Generator):
        return {"__rng__": json.loads(json.dumps(value.bit_generator.state))}
    from ..text import Vocabulary
    if type(value) is Vocabulary:
        return {"__vocab__": list(value.itos)}
    module = type(value).__module__.split(".")[0]
    if module in ("tensorflow", "keras", "jax", "torch") and hasattr(value, "shape") and hasattr(value, "numpy"):
        try:
            return {"__tensor__": _array_payload(np.asarray(value.numpy())), "module": module,
                    "type": type(value).__name__}
        except Exception:  # a symbolic tensor: no values to send
            pass
    model = _keras_model(value)
    if model is not None:
        return model
    return {"__opaque__": [type(value).__module__, type(value).__name__]}


def dumps(value: Any) -> str:
    text = json.dumps(to_plain(value), allow_nan=False)
    if len(text) > MAX_BYTES:
        raise PlainDataError(f"the value is too large to travel as data ({len(text)} bytes, at most {MAX_BYTES})")
    return text


# ---- decoding (the grader's side: nothing here runs code from the message) ------------------------

def _array(payload: str) -> np.ndarray:
    try:
        raw = base64.b64decode(payload.encode("ascii"), validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except Exception as error:
        raise PlainDataError(f"a malformed array ({type(error).__name__}: {error})") from None
    if array.dtype.hasobject:
        raise PlainDataError("an object array is not data")
    return array


def _check_model_config(node, path="config") -> None:
    """Only Keras's own layers: every ``module`` a Keras module, no function or lambda serialised."""
    if isinstance(node, dict):
        module = node.get("module")
        if module is not None and not (isinstance(module, str) and module.split(".")[0] in ("keras",)):
            raise PlainDataError(f"{path}: the model uses {node.get('class_name')!r} from module {module!r}; "
                                 "only Keras's own layers can be graded")
        if node.get("registered_name") not in (None, node.get("class_name")) and module is not None:
            raise PlainDataError(f"{path}: the model uses a custom object {node.get('registered_name')!r}; "
                                 "only Keras's own layers can be graded")
        if node.get("class_name") in ("Lambda", "__lambda__", "function"):
            raise PlainDataError(f"{path}: the model uses a {node.get('class_name')} (code inside the model); "
                                 "only Keras's own layers can be graded")
        for key, value in node.items():
            _check_model_config(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_model_config(value, f"{path}[{i}]")


def _model(data: dict):
    import keras

    config = data.get("config")
    _check_model_config(config)
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
        weights = [_array(w) for w in data.get("weights", [])]
        if weights:
            model.set_weights(weights)
    except PlainDataError:
        raise
    except Exception as error:
        raise PlainDataError(f"the model could not be rebuilt from its configuration "
                             f"({type(error).__name__}: {str(error)[:200]})") from None
    return model


def from_plain(node: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise PlainDataError("nested too deeply")
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, list):
        return [from_plain(v, depth + 1) for v in node]
    if not isinstance(node, dict) or len(node) == 0:
        raise PlainDataError(f"unexpected {type(node).__name__} in a message")
    if "__nd__" in node:
        array = _array(node["__nd__"])
        return array[()] if node.get("scalar") else array
    if "__float__" in node:
        text = node["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise PlainDataError(f"not a float: {text!r}")
        return float(text)
    if "__tuple__" in node:
        return tuple(from_plain(v, depth + 1) for v in node["__tuple__"])
    if "__dict__" in node:
        out = {}
        for pair in node["__dict__"]:
            key = from_plain(pair[0], depth + 1)
            try:
                hash(key)
            except TypeError:
                raise PlainDataError("a dict key that is not hashable") from None
            out[key] = from_plain(pair[1], depth + 1)
        return out
    if "__rng__" in node:
        generator = np.random.default_rng()
        try:
            generator.bit_generator.state = node["__rng__"]
        except Exception as error:
            raise PlainDataError(f"a malformed generator state ({error})") from None
        return generator
    if "__vocab__" in node:
        from ..text import Vocabulary
        return Vocabulary([t for t in node["__vocab__"] if isinstance(t, str)][2:])
    if "__tensor__" in node:
        array = _array(node["__tensor__"])
        if node.get("module") == "tensorflow":
            import tensorflow as tf
            return tf.convert_to_tensor(array)
        return _opaque(node.get("module", "?"), node.get("type", "Tensor"))
    if "__keras_model__" in node:
        return _model(node["__keras_model__"])
    if "__opaque__" in node:
        module, name = (list(node["__opaque__"]) + ["?", "?"])[:2]
        return _opaque(module, name)
    raise PlainDataError(f"unexpected keys {sorted(node)[:5]} in a message")


def loads(text: str) -> Any:
    if len(text) > MAX_BYTES:
        raise PlainDataError(f"a message of {len(text)} bytes (at most {MAX_BYTES})")
    try:
        node = json.loads(text)
    except ValueError as error:
        raise PlainDataError(f"not JSON ({error})") from None
    return from_plain(node)
