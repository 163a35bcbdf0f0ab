"""Shared pieces for the checkers of lessons 05-09: calling a candidate on copies of its
inputs (an in-place change gets its own hint), plain numbers in messages, dtype checks.

Not a lesson module (the registry only imports ``lesson*``); the checkers import it.
"""
from __future__ import annotations

import copy
import os
import traceback
from typing import Any

import numpy as np

from . import Mismatch
from ._safety import _TRUSTED_FILES, _is_library


def plain(value) -> str:
    """A number as a reader writes it: ``9``, ``0.25``, ``-1.5e-09``, never ``np.int64(9)``."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return str(value)


def plain_list(values) -> str:
    """``[1, 2.5, 3]`` for any array-like, with plain numbers."""
    return "[" + ", ".join(plain(v) for v in np.asarray(values).ravel().tolist()) + "]"


def _same(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape and before.dtype == after.dtype
                and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, (list, tuple)):
        return (type(before) is type(after) and len(before) == len(after)
                and all(_same(b, a) for b, a in zip(before, after)))
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(_same(before[k], after[k]) for k in before)
    if hasattr(before, "__dict__") and not isinstance(before, type):
        return _same(vars(before), vars(after))
    return before == after


def _student_line(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    # the student's own line if there is one (not numpy's, not TensorFlow's), else the last frame outside helpers
    mine = [f for f in frames if not _is_library(f.filename)] or [
        f for f in frames if "helpers" not in f.filename.replace("\\", "/").split("/")
        and os.path.abspath(f.filename) not in _TRUSTED_FILES]
    if not mine:
        return ""
    return f" (line {mine[-1].lineno}: `{(mine[-1].line or '').strip()}`)"


def call(function: str, candidate, names: tuple[str, ...], args: tuple, *, keep: tuple[str, ...] = (),
         where: str = "", first: bool = True) -> Any:
    """``candidate(*args)`` on copies of ``args``; a :class:`Mismatch` if it changed one of them in place.

    ``names`` are the argument names of the statement (they appear in the hint); arguments
    named in ``keep`` (a random generator) are passed as they are. ``where`` describes the
    input; an error raised by the candidate becomes a hint that names it and the student's line
    (and, when the input is not the ``first`` one tried, asks whether a size is hard-coded).
    """
    copies = tuple(arg if name in keep else copy.deepcopy(arg) for name, arg in zip(names, args))
    try:
        result = candidate(*copies)
    except (NotImplementedError, Mismatch):
        raise
    except Exception as error:
        if not where:
            raise
        again = "" if first else " (it worked on an earlier input: is a size or a value hard-coded?)"
        if "was expected to be a" in str(error) and "tensor" in str(error):  # TensorFlow refusing to mix dtypes
            again = (" (TensorFlow ops do not mix float32 and float64 the way numpy does; this input has another "
                     "dtype than the first: compute with numpy (@, np.tanh, np.exp) or keep one dtype throughout)")
        raise Mismatch(f"{where}: your code raised {type(error).__name__}: {error}{_student_line(error)}"
                       f"{again}") from None
    for name, original, passed in zip(names, args, copies):
        if name not in keep and not _same(original, passed):
            raise Mismatch(f"{function} changed its argument `{name}` in place; the caller still needs it "
                           f"unchanged (a later cell reads it again). Compute into a new array or list: "
                           f"`x = x * s` or `np.tanh(a)`, not `x *= s`, `x[...] = ...`, `out=x` or `list.sort()`")
    return result


def as_array(what: str, value, *, kind: str = "float", ndim: int | None = None,
             dtype=None) -> np.ndarray:
    """``value`` must be a numpy array of ``kind`` ("float", "int" or "bool"), optionally exact ``dtype``."""
    if not isinstance(value, np.ndarray):
        module = type(value).__module__.split(".")[0]
        extra = (" (keras.ops / tf functions return tensors; compute with numpy: np.exp, np.tanh, @)"
                 if module in ("tensorflow", "keras", "torch", "jax") else "")
        raise Mismatch(f"{what}: expected a numpy array, got {type(value).__name__}{extra}")
    tests = {"float": np.floating, "int": np.integer, "bool": np.bool_}
    if not np.issubdtype(value.dtype, tests[kind]):
        names = {"float": "floating-point", "int": "integer", "bool": "boolean"}
        raise Mismatch(f"{what}: expected {names[kind]} values, got dtype {value.dtype}")
    if dtype is not None and value.dtype != np.dtype(dtype):
        raise Mismatch(f"{what}: expected dtype {np.dtype(dtype)}, got {value.dtype}")
    if ndim is not None and value.ndim != ndim:
        raise Mismatch(f"{what}: expected a {ndim}-D array, got shape {tuple(value.shape)}")
    return value


def expect_same_ints(what: str, got, expected) -> None:
    """Integer arrays equal, else a hint with the first index that differs (plain numbers)."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        raise Mismatch(f"{what}: expected shape {tuple(expected.shape)}, got {tuple(got.shape)}")
    if not np.array_equal(got, expected):
        bad = tuple(int(i) for i in np.argwhere(got != expected)[0])
        raise Mismatch(f"{what}: differs at index {bad}: expected {plain(expected[bad])}, got {plain(got[bad])}")


def first_differing_row(got, expected) -> int:
    """The first row (axis 0) where two equally shaped arrays differ."""
    rows = np.flatnonzero(np.any(np.asarray(got) != np.asarray(expected), axis=tuple(range(1, np.ndim(got)))))
    return int(rows[0]) if rows.size else 0
