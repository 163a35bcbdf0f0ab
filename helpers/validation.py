"""Argument checks shared by every helpers module (bottom layer: imports nothing from helpers).

Every check raises ``ValueError`` or ``TypeError`` with a message that names the
argument, what was expected and what was given, e.g.::

    ValueError: argument 'x': expected shape (batch, time, 8), got (4, 10, 7)
    ValueError: argument 'max_norm': expected a finite number > 0, got nan

The checks cover five families of bad input:

* numbers: finite (NaN and infinity refused), in their valid range (:func:`check_number`,
  :func:`check_positive_int`, :func:`check_share`);
* arrays: dtype, shape, finite values, size (:func:`check_array`, :func:`check_float_dtype`);
* lists: a list of strings is not a string (:func:`check_string_list`, :func:`check_choices`);
* sizes: bounded by what a 2-core, 24 GiB machine can do, refused early with the limit
  (:func:`check_size`, :func:`check_alloc`);
* objects: the type of what a public entry point is given (:func:`check_type`,
  :func:`check_keras_model`, :func:`check_callable`).

Files written by users (encodings, NUL bytes) are checked in :mod:`helpers.validation_files`.
"""
from __future__ import annotations

import math
import numbers
import sys

import numpy as np

# ---- limits of the machine the course is written for (2 CPU cores, 24 GiB of memory) ---------------
MACHINE = "a 2-core, 24 GiB machine"
MAX_ITEMS = 1_000_000        # examples, sentences or tunes made in one call
MAX_LENGTH = 100_000         # time steps, words or characters in one sequence
MAX_UNITS = 8_192            # hidden units, embedding size, vocabulary of a model
MAX_BYTES = 2 * 2**30        # one array: 2 GiB (several live at once, and other notebooks run too)


def _got(value, width: int = 60) -> str:
    """A short repr of the value at fault, for messages."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _shape_str(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.3g} GiB"


# ---- numbers --------------------------------------------------------------------------------------

def check_number(name: str, value, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """Return ``value`` as a finite float, checking it lies in the given range.

    NaN and infinity are refused (a NaN compares False with everything, so a range check
    alone would let it through).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"argument {name!r}: expected a number{_range(low, high, low_open, high_open)}, "
                        f"got {type(value).__name__} {_got(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"argument {name!r}: expected a finite number{_range(low, high, low_open, high_open)}, "
                         f"got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:   # say the side that was crossed, then the whole range
        side = _range(low, None, low_open) if too_low else _range(None, high, high_open=high_open)
        whole = f" (valid range{_range(low, high, low_open, high_open)[3:]})" if low is not None and high is not None else ""
        raise ValueError(f"argument {name!r}: expected a value{side}{whole}, got {value:g}")
    return value


def _range(low, high, low_open=False, high_open=False) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def check_share(name: str, value) -> float:
    """A share (a fraction of a whole): a finite number in [0, 1]."""
    return check_number(name, value, low=0, high=1)


def check_positive_int(name: str, value, *, minimum: int = 1, maximum: int | None = None,
                       limit: str | None = None) -> int:
    """Return ``value`` as an int, checking ``minimum <= value <= maximum``.

    ``limit`` explains the maximum in the message (e.g. the machine's bound).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            hint = f" (write {int(value)} without the decimal point)"
        else:
            hint = ""
        raise TypeError(f"argument {name!r}: expected an integer, got {type(value).__name__} {_got(value)}{hint}")
    if value < minimum or (maximum is not None and value > maximum):
        if limit:   # a machine limit: say the side that was crossed, and why
            bound = f">= {minimum}" if value < minimum else f"<= {maximum:,} ({limit})"
        else:
            bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"argument {name!r}: expected an integer {bound}, got {value:,}")
    return int(value)


def check_size(name: str, value, *, minimum: int = 1, maximum: int = MAX_ITEMS, what: str = "items") -> int:
    """An int count bounded by what the course machine can do: refused early, naming the limit."""
    return check_positive_int(name, value, minimum=minimum, maximum=maximum,
                              limit=f"at most {maximum:,} {what} on {MACHINE}")


def check_seed(name: str, value) -> int:
    """A random seed: an int >= 0."""
    return check_positive_int(name, value, minimum=0)


def check_bool(name: str, value) -> bool:
    """``True`` or ``False`` (numpy booleans too); a string such as ``"False"`` is refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"argument {name!r}: expected True or False, got {type(value).__name__} {_got(value)}")
    return bool(value)


def check_alloc(name: str, shape, dtype=np.float32, *, what: str = "array") -> None:
    """Refuse, before allocating, an array of ``shape`` and ``dtype`` larger than :data:`MAX_BYTES`."""
    n_bytes = float(np.prod([float(s) for s in shape])) * np.dtype(dtype).itemsize
    if n_bytes > MAX_BYTES:
        raise ValueError(f"argument {name!r}: expected a size whose {what} {_shape_str(shape)} {np.dtype(dtype).name} "
                         f"fits in {_gib(MAX_BYTES)} (the limit for one array on {MACHINE}), "
                         f"got one that needs {_gib(n_bytes)}")


# ---- arrays ---------------------------------------------------------------------------------------

def check_array(name: str, value, *, ndim: int | None = None, shape=None, dims=None,
                kind: str | None = None, allow_empty: bool = False, finite=True) -> np.ndarray:
    """Return ``value`` as a numpy array after checking it.

    ``shape`` is a tuple whose entries are ints (must match) or ``None`` (anything);
    ``dims`` names the axes for the message, e.g. ``("batch", "time", "features")``.
    ``kind`` is ``"float"``, ``"int"`` or ``"number"``. ``finite=True`` refuses NaN and
    infinity in float arrays; ``"no_nan"`` allows infinities (a diverged norm, the
    log-probability of an impossible event) but not NaN; ``False`` checks nothing.
    """
    if value is None:
        raise TypeError(f"argument {name!r}: expected an array{' of ' + kind + 's' if kind else ''}, got None")
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if isinstance(value, (str, bytes)):
        raise TypeError(f"argument {name!r}: expected an array of numbers, got a string {_got(value)}")
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"argument {name!r}: expected an array, got {type(value).__name__} ({error})") from None
    if array.dtype == object:
        raise TypeError(f"argument {name!r}: expected a numeric array, got dtype object "
                        "(ragged lists? pad them first)")
    if kind is not None:
        ok = {"float": np.issubdtype(array.dtype, np.floating),
              "int": np.issubdtype(array.dtype, np.integer),
              "number": np.issubdtype(array.dtype, np.number)}[kind]
        if not ok:
            raise TypeError(f"argument {name!r}: expected {kind} dtype, got {array.dtype}")
    if shape is not None:
        ndim = len(shape)
    if ndim is not None and array.ndim != ndim:
        want = _describe(shape, dims) if shape is not None else f"{ndim} dimensions"
        raise ValueError(f"argument {name!r}: expected shape {want}, got {_shape_str(array.shape)}")
    if shape is not None:
        for axis, (want, got) in enumerate(zip(shape, array.shape)):
            if want is not None and want != got:
                raise ValueError(f"argument {name!r}: expected shape {_describe(shape, dims)}, "
                                 f"got {_shape_str(array.shape)} (axis {axis} differs)")
    if not allow_empty and array.size == 0:
        raise ValueError(f"argument {name!r}: expected a non-empty array, got shape {_shape_str(array.shape)}")
    if finite and np.issubdtype(array.dtype, np.inexact) and array.size:
        bad = np.isnan(array) if finite == "no_nan" else ~np.isfinite(array)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            allowed = "numbers (infinity allowed, NaN not)" if finite == "no_nan" else "finite numbers"
            raise ValueError(f"argument {name!r}: expected {allowed}, got {array[where]} at index "
                             f"{where if len(where) != 1 else where[0]} ({int(bad.sum())} such entries)")
    return array


def _describe(shape, dims) -> str:
    parts = []
    for i, s in enumerate(shape):
        label = dims[i] if dims is not None and i < len(dims) else "any"
        parts.append(str(s) if s is not None else label)
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_ids(name: str, ids, vocab_size: int | None = None, *, ndim: int | None = None,
              allow_empty: bool = False, what: str = "ids") -> np.ndarray:
    """Integer token ids in ``[0, vocab_size)``: negative ids would wrap around in an embedding."""
    ids = check_array(name, ids, ndim=ndim, kind="int", allow_empty=allow_empty)
    if ids.size:
        bad = (ids < 0) if vocab_size is None else ((ids < 0) | (ids >= vocab_size))
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            upper = f"{vocab_size - 1}" if vocab_size is not None else "..."
            raise ValueError(f"argument {name!r}: expected {what} in [0, {upper}], got {int(ids[where])} at index "
                             f"{where if len(where) != 1 else where[0]} (range [{int(ids.min())}, {int(ids.max())}])")
    return ids


def check_float_dtype(name: str, dtype) -> np.dtype:
    """A floating-point dtype: integer weights would all be rounded to 0."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"argument {name!r}: expected a numpy float dtype such as np.float64, got {_got(dtype)}") from None
    if not np.issubdtype(resolved, np.floating):
        raise TypeError(f"argument {name!r}: expected a float dtype (float32 or float64; integer weights "
                        f"would all be rounded to 0), got {resolved}")
    return resolved


# ---- strings and lists of strings -------------------------------------------------------------------

def check_choice(name: str, value, choices) -> str:
    """Check that ``value`` is one of ``choices``."""
    try:
        ok = value in choices
    except TypeError:   # unhashable
        ok = False
    if not ok:
        raise ValueError(f"argument {name!r}: expected one of {sorted(choices)}, got {_got(value)}")
    return value


def check_text(name: str, value) -> str:
    """Check that ``value`` is a non-empty string without NUL characters."""
    if not isinstance(value, str):
        raise TypeError(f"argument {name!r}: expected a string, got {type(value).__name__} {_got(value)}")
    if not value.strip():
        raise ValueError(f"argument {name!r}: expected non-empty text, got {value!r}")
    if "\x00" in value:
        raise ValueError(f"argument {name!r}: expected text, got a NUL character at position {value.index(chr(0))}")
    return value


def check_string_list(name: str, value, *, allow_empty: bool = False, what: str = "strings",
                      max_items: int = MAX_ITEMS) -> list[str]:
    """A list (or tuple, or other iterable) of strings, never a single string.

    A string where a list is expected would be iterated letter by letter, so it is refused
    with a hint to wrap it in a list.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"argument {name!r}: expected a list of {what}, got the single string {_got(value)} "
                        f"(wrap it in a list: [{_got(value)}])")
    if value is None or isinstance(value, (dict, numbers.Number)) or not hasattr(value, "__iter__"):
        raise TypeError(f"argument {name!r}: expected a list of {what}, got {type(value).__name__} {_got(value)}")
    items = list(value)
    if not items and not allow_empty:
        raise ValueError(f"argument {name!r}: expected a non-empty list of {what} (at least one), got an empty list")
    if len(items) > max_items:
        raise ValueError(f"argument {name!r}: expected at most {max_items:,} {what} on {MACHINE}, got {len(items):,}")
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"argument {name!r}: expected a string at index {i} (a list of {what}), got "
                            f"{type(item).__name__} {_got(item)}")
    return items


def check_choices(name: str, values, choices, *, allow_empty: bool = False) -> list[str]:
    """A list of names, each one of ``choices`` (a single name must be wrapped in a list)."""
    items = check_string_list(name, values, allow_empty=allow_empty, what="names")
    for i, item in enumerate(items):
        if item not in choices:
            raise ValueError(f"argument {name!r}: expected names from {sorted(choices)}, got {item!r} at index {i}")
    return items


# ---- objects ---------------------------------------------------------------------------------------

def check_type(name: str, value, types, expected: str):
    """``value`` must be an instance of ``types``; ``expected`` describes it for the message."""
    if not isinstance(value, types):
        raise TypeError(f"argument {name!r}: expected {expected}, got {type(value).__name__} {_got(value)}")
    return value


def check_callable(name: str, value, expected: str = "a function"):
    if not callable(value):
        raise TypeError(f"argument {name!r}: expected {expected}, got {type(value).__name__} {_got(value)}")
    return value


def check_keras_model(name: str, model, *, layers=()):
    """A Keras model (``keras.Model``), optionally holding layers with the given names.

    Keras is not imported here: if it has not been imported yet, nothing can be a Keras model.
    """
    keras = sys.modules.get("keras")
    if keras is None or not isinstance(model, keras.Model):
        raise TypeError(f"argument {name!r}: expected a Keras model (keras.Model), got "
                        f"{type(model).__name__} {_got(model)}")
    names = [layer.name for layer in model.layers]
    missing = [n for n in layers if n not in names]
    if missing:
        raise ValueError(f"argument {name!r}: expected a model with layers named {list(layers)}, got layers {names} "
                         f"(missing {missing}; build it with this module's build_model)")
    return model


def check_vocab_size(name: str, vocab_size: int, model, model_size: int, *, model_name: str = "model") -> None:
    """The vocabulary ``name`` must have as many entries as the model's embedding and output."""
    if vocab_size != model_size:
        raise ValueError(f"argument {name!r}: expected a vocabulary of {model_size} entries to match argument "
                         f"{model_name!r} ({getattr(model, 'name', type(model).__name__)}), got {vocab_size} entries")
