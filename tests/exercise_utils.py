"""Shared assertions for checker-discrimination tests."""
from helpers import exercises


def assert_passes(exercise_id, candidate):
    passed, message = exercises.evaluate(exercise_id, candidate)
    assert passed, f"{exercise_id}: the reference was rejected: {message}"


def assert_rejects(exercise_id, candidate, *words):
    """The checker rejects ``candidate`` and its hint mentions each of ``words`` (case-insensitive)."""
    passed, message = exercises.evaluate(exercise_id, candidate)
    assert not passed, f"{exercise_id}: a wrong implementation was accepted"
    for word in words:
        assert word.lower() in message.lower(), f"{exercise_id}: hint {message!r} does not mention {word!r}"
    return message
