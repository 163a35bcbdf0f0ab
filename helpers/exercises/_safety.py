"""Running a student's candidate safely: a time limit, their own line on a crash, untouched inputs.

Used by :func:`helpers.exercises.evaluate` (the time limit, turning anything raised into a hint)
and by checkers through :func:`helpers.exercises.run` (inputs copied, then compared afterwards,
so an in-place change gets its own hint). Nothing here knows about a particular exercise.
"""
from __future__ import annotations

import ctypes
import inspect
import os
import signal
import sys
import sysconfig
import threading
import time
import traceback
from typing import Any, Callable

import numpy as np

DEFAULT_TIME_LIMIT = 10.0  # seconds for a whole check; a checker that trains a model asks for more


class Mismatch(AssertionError):
    """Raised by a checker: the message is the hint shown to the student."""


class TimeLimit(BaseException):
    """Raised inside a check that ran out of time (a BaseException, so `except Exception` cannot swallow it)."""


class CandidateError(Exception):
    """The candidate raised ``original`` while the checker ran it (kept to point at the student's line)."""

    def __init__(self, original: BaseException):
        super().__init__(str(original))
        self.original = original


class InPlaceChange(Mismatch):
    """The candidate changed one of its inputs."""


# ---- a time limit that works inside a Jupyter kernel -------------------------------------------

def run_with_time_limit(fn: Callable[[], Any], seconds: float) -> Any:
    """Call ``fn()``; raise :class:`TimeLimit` once the student's code in it has run for ``seconds``.

    In the main thread on Linux/macOS (where a Jupyter kernel runs cells) this uses SIGALRM every
    0.2 s: time counts while the student's code is on the stack (imports and the checker's own
    work are free), the stop is raised only in the student's own frame (never half-way through
    numpy, keras or an import), and a bare ``except:`` in a student's loop cannot hold it. Elsewhere (Windows, another thread) ``fn`` runs in a worker thread and an
    asynchronous exception is sent to it when time is up; code stuck inside one long C call
    finishes that call first.
    """
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _with_alarm(fn, seconds)
    return _with_thread(fn, seconds)


TICK = 0.2  # seconds between two looks at what the main thread is running


def _student_on_stack(frame, boundary) -> bool:
    """True if a frame of the student's code runs between ``boundary`` (the check's start) and ``frame``."""
    while frame is not None and frame is not boundary:
        if not _is_library(frame.f_code.co_filename):
            return True
        frame = frame.f_back
    return False


def _with_alarm(fn, seconds):
    # Every TICK the alarm looks at the stack: time counts only while the student's code is on it (so an
    # import or the checker's own reference computation is free), and the stop is raised only inside the
    # student's own frame (never half-way through numpy, keras or an import).
    state = {"active": True, "used": 0.0, "fired": 0, "traced": []}
    previous_trace = sys.gettrace()
    boundary = sys._getframe()

    def stop_at_next_line(frame, event, arg):
        if state["active"] and event == "line" and not _is_library(frame.f_code.co_filename):
            raise TimeLimit(seconds)
        return stop_at_next_line

    def on_alarm(signum, frame):
        if not state["active"] or not _student_on_stack(frame, boundary):
            return
        state["used"] += TICK
        if state["used"] < seconds or _is_library(frame.f_code.co_filename):
            return
        state["fired"] += 1
        if state["fired"] > 1:  # the first TimeLimit was swallowed (a bare `except:`): stop at the next line
            while frame is not None and frame is not boundary:
                if not _is_library(frame.f_code.co_filename):
                    frame.f_trace = stop_at_next_line
                    state["traced"].append(frame)
                frame = frame.f_back
            sys.settrace(stop_at_next_line)
        raise TimeLimit(seconds)

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, TICK, TICK)
    try:
        return fn()
    finally:
        state["active"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if state["traced"]:
            sys.settrace(previous_trace)
            for traced in state["traced"]:
                traced.f_trace = None
        if previous_delay:  # someone else's alarm (e.g. a test timeout): give back what is left of it
            left = max(previous_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, previous_interval)


def _with_thread(fn, seconds):
    outcome: dict[str, Any] = {}

    def target():
        try:
            outcome["value"] = fn()
        except BaseException as error:  # handed back to the calling thread below
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True, name="exercise-check")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(TimeLimit))
        worker.join(1.0)
        raise TimeLimit(seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# ---- where in the student's code ---------------------------------------------------------------

_HELPERS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple({os.path.abspath(p) for p in (sysconfig.get_paths().get("stdlib"),
                                                    sysconfig.get_paths().get("purelib"),
                                                    sysconfig.get_paths().get("platlib")) if p})


_TRUSTED_FILES: set[str] = set()


def trust_file(filename: str) -> None:
    """Count ``filename`` as library code, not the student's (the grader's stand-in for a student function)."""
    _TRUSTED_FILES.add(os.path.abspath(filename))


def _is_library(filename: str) -> bool:
    if filename.startswith("<frozen") or filename.startswith("<__array_function__"):
        return True
    path = os.path.abspath(filename)
    if path in _TRUSTED_FILES:
        return True
    parts = path.replace("\\", "/").split("/")
    if "site-packages" in parts or "dist-packages" in parts:
        return True
    if path.startswith(_HELPERS_DIR + os.sep):
        return True
    return any(path.startswith(d + os.sep) for d in _LIBRARY_DIRS)


def student_frame(error: BaseException):
    """The innermost traceback frame in the student's own code (not numpy, keras, helpers), or None."""
    frames = traceback.extract_tb(error.__traceback__)
    return next((f for f in reversed(frames) if not _is_library(f.filename)), None)


def describe_error(error: BaseException) -> str:
    """``"your code raised ValueError: ... (line 4: `h = ...`)"`` for anything the candidate raised."""
    frame = student_frame(error)
    place = ""
    if frame is not None:
        line = (frame.line or "").strip()
        place = f" (line {frame.lineno}: `{line}`)" if line else f" (line {frame.lineno})"
    detail = str(error).strip().split("\n")[0][:300]
    name = type(error).__name__
    if isinstance(error, SystemExit):
        return (f"your code raised SystemExit{place}: exit() or sys.exit() would stop the whole notebook; "
                "return a value instead")
    if isinstance(error, KeyboardInterrupt):
        return f"your code was interrupted (KeyboardInterrupt){place}"
    return f"your code raised {name}: {detail}{place}" if detail else f"your code raised {name}{place}"


# ---- inputs: copied in, compared afterwards ----------------------------------------------------

def _copy(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def _changed(before, after, name: str) -> str | None:
    """The name of the first part of ``after`` that differs from ``before`` (e.g. ``params['W_hh']``)."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or after.shape != before.shape or after.dtype != before.dtype:
            return name
        same = np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
        return None if same else name
    if isinstance(before, (list, tuple)):
        if type(after) is not type(before) or len(after) != len(before):
            return name
        for i, (b, a) in enumerate(zip(before, after)):
            found = _changed(b, a, f"{name}[{i}]")
            if found:
                return found
        return None
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(after) != set(before):
            return name
        for key in before:
            found = _changed(before[key], after[key], f"{name}[{key!r}]")
            if found:
                return found
        return None
    return None


def argument_names(candidate, args, kwargs) -> list[str]:
    """The candidate's own names for its positional arguments (``argument 1`` ... when unknown)."""
    try:
        bound = inspect.signature(candidate).bind_partial(*args, **kwargs)
        names = list(bound.arguments)
    except (TypeError, ValueError):
        names = []
    return [names[i] if i < len(names) else f"argument {i + 1}" for i in range(len(args))]


def run_candidate(candidate, *args, **kwargs):
    """Call ``candidate`` on private copies of its inputs; complain if it changed any of them.

    Returns the candidate's result. Anything the candidate raises comes back as
    :class:`CandidateError` (so the hint can point at the student's line).
    """
    originals = [_copy(a) for a in args]
    original_kwargs = {k: _copy(v) for k, v in kwargs.items()}
    given = [_copy(a) for a in args]
    given_kwargs = {k: _copy(v) for k, v in kwargs.items()}
    try:
        result = candidate(*given, **given_kwargs)
    except (TimeLimit, NotImplementedError):
        raise
    except BaseException as error:
        raise CandidateError(error) from error
    names = argument_names(candidate, args, kwargs)
    for name, before, after in [*zip(names, originals, given),
                                *((k, original_kwargs[k], given_kwargs[k]) for k in kwargs)]:
        where = _changed(before, after, name)
        if where:
            raise InPlaceChange(
                f"your function changed its input `{where}` in place: work on a new array "
                f"(e.g. `x = x * 2` or `np.tanh(a)`, not `x *= 2`, `x[...] = ...` or `out=x`); "
                "the caller still needs its input")
    return result


# ---- plain values in messages ------------------------------------------------------------------

def plain(value) -> Any:
    """numpy scalars and arrays as plain Python values (``9``, not ``np.int64(9)``)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    return value


def show(value, digits: int = 6) -> str:
    """A short, plain text form of ``value`` for a hint."""
    value = plain(value)
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    if isinstance(value, str):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def string_difference(got: str, expected: str, context: int = 20) -> str:
    """Where two strings first differ, with a little context on each side (``…`` marks a cut)."""
    index = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
    start = max(index - context, 0)

    def cut(s):
        piece = s[start:index + context]
        return ("…" if start > 0 else "") + repr(piece)[1:-1] + ("…" if index + context < len(s) else "")

    return (f"first difference at character {index} (of {len(expected)} expected, {len(got)} got): "
            f"expected \"{cut(expected)}\", got \"{cut(got)}\"")
