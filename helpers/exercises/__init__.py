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

Every check runs under a time limit (``register(..., time_limit=...)``, 10 s by default), and
anything the candidate raises (``SystemExit`` included) becomes a hint pointing at the
student's own line. Checkers call the candidate through :func:`run`, which hands it copies of
its inputs and names an input it changed in place. The machinery lives in ``_safety.py``.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._safety import (DEFAULT_TIME_LIMIT, CandidateError, Mismatch, TimeLimit, describe_error, plain,
                      run_candidate as run, run_with_time_limit, show, string_difference, student_frame)

__all__ = ["Mismatch", "Exercise", "register", "register_probe", "probe", "ids", "get", "check", "use",
           "evaluate", "run",
           "expect_close", "expect_shape", "expect_equal", "expect_raises", "expect_dtype", "show"]


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    checker: Callable[[Any], None]
    reference: Any
    time_limit: float = DEFAULT_TIME_LIMIT
    imports: tuple = ()
    implements: tuple = ()  # dotted names of public helpers that do this exercise's work (grading refuses them)


_REGISTRY: dict[str, Exercise] = {}
_PROBES: dict[str, Callable] = {}
_loaded = False


def register(exercise_id: str, title: str, reference: Any, *, time_limit: float = DEFAULT_TIME_LIMIT,
             imports: tuple = (), implements: tuple = ()):
    """Decorator for a checker: ``@register("01.1", "One-hot encoding", one_hot_reference)``.

    ``time_limit`` (seconds) bounds the whole check, the candidate's calls included;
    ``imports`` (module names, e.g. ``("keras",)``) are imported before the clock starts;
    ``implements`` names the public helpers that do the exercise's work besides ``reference``
    (``"helpers.numpy_rnn.rnn_backward"``): a graded answer may not call them (``tools/scoring.py``).
    """
    def decorator(checker):
        if exercise_id in _REGISTRY and _REGISTRY[exercise_id].checker is not checker:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, checker, reference, time_limit, tuple(imports),
                                          tuple(implements))
        return checker
    return decorator


def register_probe(exercise_id: str, function: Callable) -> None:
    """``function(candidate, *plain_args) -> plain data``: the part of a checker that must run the
    candidate where it lives (a class handed to keras, say); see :func:`probe`."""
    _PROBES[exercise_id] = function


def probe(exercise_id: str, candidate, *args):
    """Run ``exercise_id``'s probe on ``candidate``: here, or, for a candidate that lives in the grading
    worker (``tools/scoring.py``), in that worker, which sends back the probe's plain-data result."""
    remote = getattr(type(candidate), "remote_probe", None)
    if remote is not None:
        return remote(candidate, exercise_id, args)
    return _PROBES[exercise_id](candidate, *args)


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


def evaluate(exercise_id: str, candidate, *, timed: bool = True) -> tuple[bool, str]:
    """Run the checker; return ``(passed, message)`` without printing. Used by ``check``/``use`` and tests.

    Never raises for anything the candidate does: a crash (``SystemExit`` and other
    ``BaseException``s too), an endless loop (stopped after the exercise's time limit) or an
    input changed in place each become the message. ``timed=False``: no time limit here (the grader,
    ``tools/scoring.py``, times the worker that runs the candidate instead).
    """
    exercise = get(exercise_id)
    if candidate is None:
        return False, "nothing to check yet (the candidate is None)"
    for module in exercise.imports:
        importlib.import_module(module)
    try:
        if timed:
            run_with_time_limit(lambda: exercise.checker(candidate), exercise.time_limit)
        else:
            exercise.checker(candidate)
    except TimeLimit:
        return False, (f"your code did not finish within the time limit of {exercise.time_limit:g} seconds, "
                       "so the check was stopped: is there a loop that never ends (a `while` whose "
                       "condition never changes)?")
    except NotImplementedError:
        return False, "not attempted yet: replace the `raise NotImplementedError` with your code"
    except Mismatch as error:
        return False, str(error)
    except CandidateError as error:
        if isinstance(error.original, NotImplementedError):
            return False, "not attempted yet: replace the `raise NotImplementedError` with your code"
        return False, describe_error(error.original)
    except BaseException as error:  # the candidate crashed while called directly, or returned something unusable
        if student_frame(error) is None:
            detail = str(error).strip().split("\n")[0][:200]
            return False, (f"checking what your function returned failed ({type(error).__name__}: {detail}): "
                           "look at the type and shape it returns")
        return False, describe_error(error)
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


def _index_text(index) -> str:
    index = tuple(int(i) for i in index)
    return f"row {index[0]}, index {index}" if len(index) == 2 else f"index {index}"


def expect_close(what: str, got, expected, *, atol: float = 1e-5, rtol: float = 1e-5) -> None:
    """Fail unless ``got`` has the shape of ``expected`` and is elementwise close to it."""
    expected = np.asarray(expected.numpy() if hasattr(expected, "numpy") else expected)
    arr = expect_shape(what, got, expected.shape)
    if arr.dtype.kind not in "biuf":
        raise Mismatch(f"{what}: expected numbers, got an array of dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise Mismatch(f"{what}: got NaN or infinite values")
    diff = np.abs(arr - expected)
    if not np.all(diff <= atol + rtol * np.abs(expected)):
        index = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
        raise Mismatch(f"{what}: values differ (max abs difference {float(diff.max()):.3g} at "
                       f"{_index_text(index)}: expected {show(expected[index])}, got {show(arr[index])})")


def expect_equal(what: str, got, expected) -> None:
    """Fail unless ``got == expected`` (arrays compared elementwise; long strings shown where they differ)."""
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        arr = expect_shape(what, got, np.shape(expected))
        if not np.array_equal(arr, expected):
            bad = np.argwhere(arr != np.asarray(expected))[0]
            raise Mismatch(f"{what}: differs at {_index_text(bad)}: expected "
                           f"{show(np.asarray(expected)[tuple(bad)])}, got {show(arr[tuple(bad)])}")
    elif isinstance(expected, str) and isinstance(got, str) and max(len(got), len(expected)) > 40:
        if got != expected:
            raise Mismatch(f"{what}: {string_difference(got, expected)}")
    elif isinstance(expected, list) and isinstance(got, list) and len(got) == len(expected) and got != expected:
        bad = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e)
        raise Mismatch(f"{what}: item {bad} differs: expected {show(expected[bad])}, got {show(got[bad])}")
    elif got != expected:
        raise Mismatch(f"{what}: expected {show(expected)}, got {show(got)}")


def expect_dtype(what: str, got, dtype) -> np.ndarray:
    """Fail unless ``got`` is a numpy array of ``dtype`` (a dtype, or ``"integer"`` / ``"floating"`` for a kind)."""
    if not isinstance(got, np.ndarray):
        raise Mismatch(f"{what}: expected a numpy array, got {type(got).__name__}")
    kinds = {"integer": ("iu", "an integer dtype"), "floating": ("f", "a float dtype")}
    if isinstance(dtype, str) and dtype in kinds:
        ok, name = got.dtype.kind in kinds[dtype][0], kinds[dtype][1]
    else:
        ok, name = got.dtype == np.dtype(dtype), str(np.dtype(dtype))
    if not ok:
        raise Mismatch(f"{what}: expected dtype {name}, got {got.dtype}")
    return got


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


def _same(got, value) -> bool:
    try:
        a, b = np.asarray(got), np.asarray(value)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "biuf" and b.dtype.kind in "biuf":
            return bool(np.allclose(a.astype(np.float64), b.astype(np.float64), atol=1e-7, rtol=1e-6))
        return bool(np.array_equal(a, b))
    except (TypeError, ValueError):
        return False


def name_mistake(what: str, got, want, mistakes: dict) -> None:
    """Fail with the hint of the first known mistake whose output equals ``got`` (and differs from ``want``).

    ``mistakes`` maps a hint to the value a classic wrong answer gives on the same input, e.g.
    ``{"tanh is missing": a, "the bias is missing": np.tanh(a - b_h)}`` (or a list of such pairs).
    """
    for hint, value in (mistakes.items() if isinstance(mistakes, dict) else mistakes):
        if _same(got, value) and not _same(value, want):
            raise Mismatch(f"{what}: {hint}")
