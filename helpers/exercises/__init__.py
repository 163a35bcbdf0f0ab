"""The exercise registry: ``ids()``, ``check(id, candidate)`` and ``use(id, candidate)``.

Every exercise has an id such as ``"01.2"`` (lesson 01, exercise 2), a checker that
raises :class:`Mismatch` with a specific hint when the candidate is wrong, and a
reference solution. One module per lesson (``lesson01.py`` ...) registers its
exercises with :func:`register`; this package finds them by itself.

In a notebook::

    def one_hot(ids, vocab_size):
        ...                                   # the student's code
    one_hot = exercises.use("01.1", one_hot)  # checked; the reference if it fails

``use`` never raises for a wrong or unfinished candidate: it prints what is wrong and
hands back the reference, so the notebook still runs to the end.
"""
from __future__ import annotations

import importlib
import pkgutil
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = ["Mismatch", "Exercise", "register", "ids", "get", "check", "use", "evaluate",
           "expect_close", "expect_shape", "expect_equal", "expect_raises"]


class Mismatch(AssertionError):
    """Raised by a checker: the message is the hint shown to the student."""


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    checker: Callable[[Any], None]
    reference: Any


_REGISTRY: dict[str, Exercise] = {}
_loaded = False


def register(exercise_id: str, title: str, reference: Any):
    """Decorator for a checker: ``@register("01.1", "One-hot encoding", one_hot_reference)``."""
    def decorator(checker):
        if exercise_id in _REGISTRY and _REGISTRY[exercise_id].checker is not checker:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, checker, reference)
        return checker
    return decorator


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("lesson"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def ids() -> list[str]:
    """Every exercise id, sorted: ``["00.1", "01.1", ...]``."""
    _load_all()
    return sorted(_REGISTRY)


def get(exercise_id: str) -> Exercise:
    """The :class:`Exercise` registered under ``exercise_id``."""
    _load_all()
    if exercise_id not in _REGISTRY:
        raise ValueError(f"argument 'exercise_id': expected one of {sorted(_REGISTRY)}, got {exercise_id!r}")
    return _REGISTRY[exercise_id]


def evaluate(exercise_id: str, candidate) -> tuple[bool, str]:
    """Run the checker; return ``(passed, message)`` without printing. Used by ``check``/``use`` and tests."""
    exercise = get(exercise_id)
    if candidate is None:
        return False, "nothing to check yet (the candidate is None)"
    try:
        exercise.checker(candidate)
    except NotImplementedError:
        return False, "not attempted yet: replace the `raise NotImplementedError` with your code"
    except Mismatch as error:
        return False, str(error)
    except Exception as error:  # the student's code crashed: show where, briefly
        frames = traceback.extract_tb(error.__traceback__)
        where = next((f for f in reversed(frames) if "helpers" not in f.filename.replace("\\", "/").split("/")), None)
        place = f" (line {where.lineno}: `{(where.line or '').strip()}`)" if where else ""
        return False, f"your code raised {type(error).__name__}: {error}{place}"
    return True, "passed"


def check(exercise_id: str, candidate) -> bool:
    """Check ``candidate``; print a pass, or a specific hint. Returns True on pass."""
    passed, message = evaluate(exercise_id, candidate)
    title = get(exercise_id).title
    if passed:
        print(f"✅ Exercise {exercise_id} ({title}): passed.")
    else:
        print(f"❌ Exercise {exercise_id} ({title}): {message}")
    return passed


_SUBMITTED: dict[str, Any] = {}


def submitted(exercise_id: str):
    """The last candidate given to ``use`` for ``exercise_id`` (None if ``use`` never ran for it).

    nbgrader's test cells (``helpers/exercises/grading.py``) check this, the student's own code,
    again, rather than whatever ``use`` handed back. ``check`` does not count: lessons call it on
    deliberately wrong examples.
    """
    get(exercise_id)  # an unknown id is an error, not None
    return _SUBMITTED.get(exercise_id)


def use(exercise_id: str, candidate):
    """Return ``candidate`` if it passes, else the reference solution (with a visible notice)."""
    _SUBMITTED[exercise_id] = candidate
    if check(exercise_id, candidate):
        return candidate
    print(f"↪ Using the reference solution for exercise {exercise_id} so the notebook can go on.")
    return get(exercise_id).reference


# ---- assertions for checkers: each raises Mismatch with expected vs got -----------------

def _shape(x) -> str:
    return str(tuple(np.shape(x)))


def expect_shape(what: str, got, expected_shape) -> np.ndarray:
    """Fail unless ``got`` has ``expected_shape``."""
    if hasattr(got, "numpy"):
        got = got.numpy()
    arr = np.asarray(got)
    if tuple(arr.shape) != tuple(expected_shape):
        raise Mismatch(f"{what}: expected shape {tuple(expected_shape)}, got {tuple(arr.shape)}")
    return arr


def expect_close(what: str, got, expected, *, atol: float = 1e-5, rtol: float = 1e-5) -> None:
    """Fail unless ``got`` has the shape of ``expected`` and is elementwise close to it."""
    expected = np.asarray(expected.numpy() if hasattr(expected, "numpy") else expected)
    arr = expect_shape(what, got, expected.shape).astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise Mismatch(f"{what}: got NaN or infinite values")
    diff = np.abs(arr - expected)
    if not np.all(diff <= atol + rtol * np.abs(expected)):
        index = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
        raise Mismatch(f"{what}: values differ (max abs difference {diff.max():.3g} at index "
                       f"{tuple(int(i) for i in index)}: expected {expected[index]:.6g}, got {arr[index]:.6g})")


def expect_equal(what: str, got, expected) -> None:
    """Fail unless ``got == expected`` (arrays compared elementwise)."""
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        arr = expect_shape(what, got, np.shape(expected))
        if not np.array_equal(arr, expected):
            bad = np.argwhere(arr != np.asarray(expected))[0]
            raise Mismatch(f"{what}: differs at index {tuple(int(i) for i in bad)}: expected "
                           f"{np.asarray(expected)[tuple(bad)]!r}, got {arr[tuple(bad)]!r}")
    elif got != expected:
        raise Mismatch(f"{what}: expected {expected!r}, got {got!r}")


def expect_raises(what: str, fn: Callable, *args, exceptions=(ValueError, TypeError), **kwargs) -> None:
    """Fail unless ``fn(*args, **kwargs)`` raises one of ``exceptions``."""
    try:
        fn(*args, **kwargs)
    except exceptions:
        return
    except NotImplementedError:
        raise
    except Exception as error:
        raise Mismatch(f"{what}: expected {' or '.join(e.__name__ for e in exceptions)}, "
                       f"got {type(error).__name__}: {error}") from None
    raise Mismatch(f"{what}: expected {' or '.join(e.__name__ for e in exceptions)}, but nothing was raised")
