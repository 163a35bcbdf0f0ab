"""Argument checks shared by every helpers module (bottom layer: imports nothing from helpers).

Every check raises ``ValueError`` or ``TypeError`` with a message that names the
argument, what was expected and what was given, e.g.::

    ValueError: argument 'x': expected shape (batch, time, 8), got (4, 10, 7)
"""
from __future__ import annotations

import numbers

import numpy as np


def _shape_str(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def check_array(name: str, value, *, ndim: int | None = None, shape=None, dims=None,
                kind: str | None = None, allow_empty: bool = False) -> np.ndarray:
    """Return ``value`` as a numpy array after checking it.

    ``shape`` is a tuple whose entries are ints (must match) or ``None`` (anything);
    ``dims`` names the axes for the message, e.g. ``("batch", "time", "features")``.
    ``kind`` is ``"float"``, ``"int"`` or ``"number"``.
    """
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
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
    return array


def _describe(shape, dims) -> str:
    parts = []
    for i, s in enumerate(shape):
        label = dims[i] if dims is not None and i < len(dims) else "any"
        parts.append(str(s) if s is not None else label)
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_positive_int(name: str, value, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int, checking ``minimum <= value <= maximum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"argument {name!r}: expected an integer, got {type(value).__name__} {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"argument {name!r}: expected an integer {bound}, got {value}")
    return int(value)


def check_number(name: str, value, *, low=None, high=None, low_open=False) -> float:
    """Return ``value`` as a float, checking it lies in the given range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"argument {name!r}: expected a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"argument {name!r}: expected a value {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"argument {name!r}: expected a value <= {high}, got {value}")
    return value


def check_choice(name: str, value, choices) -> str:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"argument {name!r}: expected one of {sorted(choices)}, got {value!r}")
    return value


def check_text(name: str, value) -> str:
    """Check that ``value`` is a non-empty string."""
    if not isinstance(value, str):
        raise TypeError(f"argument {name!r}: expected a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"argument {name!r}: expected non-empty text, got {value!r}")
    return value
