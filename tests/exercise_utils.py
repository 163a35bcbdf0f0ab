"""Shared assertions for checker-discrimination tests, and the wrong-answer convention.

The convention (every ``tests/test_exercises_lessonNN*.py`` follows it)
-----------------------------------------------------------------------
Each module defines two module-level dicts keyed by exercise id::

    WRONG = {"01.1": [
        ("vocab size from the data", lambda ids, v: np.eye(ids.max() + 1)[ids], ("shape",)),
        ...                       # (label, candidate, words the hint must contain, case-insensitive)
    ]}
    RIGHT = {"01.1": [
        ("comparison with arange", lambda ids, v: (ids[..., None] == np.arange(v)).astype("float32")),
        ...                       # (label, candidate): correct, but written differently from the reference
    ]}

and tests/test_exercises_registry.py runs every entry of every module: each wrong answer must be
rejected with a hint containing its words, each right one must pass.

Each exercise needs at least ``MIN_WRONG`` wrong and ``MIN_RIGHT`` right entries
(tests/test_exercises_registry.py fails otherwise). Wrong answers are written the way a student
writes them and cover four families; name the family at the start of the label so the spread is
visible in the test ids:

- ``one input:`` right only on one input (a vocabulary size taken from the data, a window
  hard-coded to 2, a batch of one, a mapping cached across calls ...);
- ``property:`` a property the statement names is broken (order, what is counted, shape ...);
- ``dtype:`` the dtype the statement names is not returned;
- ``in place:`` an input is modified in place.

A label without a prefix is a classic mistake of the exercise itself (tanh missing ...).
The words are the hint's diagnosis ("in place", "max id"), not just "differ".
"""
from helpers import exercises

MIN_WRONG = 8
MIN_RIGHT = 2
FAMILIES = ("one input:", "property:", "dtype:", "in place:")


def assert_passes(exercise_id, candidate):
    passed, message = exercises.evaluate(exercise_id, candidate)
    assert passed, f"{exercise_id}: a right answer was rejected: {message}"


def assert_rejects(exercise_id, candidate, *words):
    """The checker rejects ``candidate`` and its hint mentions each of ``words`` (case-insensitive)."""
    passed, message = exercises.evaluate(exercise_id, candidate)
    assert not passed, f"{exercise_id}: a wrong implementation was accepted"
    for word in words:
        assert word.lower() in message.lower(), f"{exercise_id}: hint {message!r} does not mention {word!r}"
    return message


def _test_id(exercise_id, label):
    return f"{exercise_id}-{label}".replace(" ", "_")


def wrong_cases(wrong: dict) -> list:
    """``pytest.param``s ``(exercise_id, label, candidate, words)`` from a ``WRONG`` dict."""
    import pytest

    return [pytest.param(exercise_id, label, candidate, tuple(words), id=_test_id(exercise_id, label))
            for exercise_id, entries in wrong.items() for label, candidate, words in entries]


def right_cases(right: dict) -> list:
    """``pytest.param``s ``(exercise_id, label, candidate)`` from a ``RIGHT`` dict."""
    import pytest

    return [pytest.param(exercise_id, label, candidate, id=_test_id(exercise_id, label))
            for exercise_id, entries in right.items() for label, candidate in entries]
