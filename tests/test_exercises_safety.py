"""The registry's safety net: time limit, anything raised becomes a hint at the student's line, inputs untouched."""
import sys
import threading

import numpy as np
import pytest

from helpers import exercises
from helpers.exercises import _safety


@pytest.fixture
def temporary_exercise():
    """Register throwaway exercises (a short time limit keeps the endless-loop tests fast)."""
    added = []

    def make(checker, *, time_limit=0.5):
        exercise_id = f"99.{len(added) + 1}"
        exercises.register(exercise_id, "test only", None, time_limit=time_limit)(checker)
        added.append(exercise_id)
        return exercise_id

    yield make
    for exercise_id in added:
        exercises._REGISTRY.pop(exercise_id)


def _calls(candidate):
    exercises.run(candidate, np.arange(3.0))


def forever(x):
    while True:
        pass


def forever_swallowing(x):
    while True:
        try:
            while True:
                pass
        except:  # noqa: E722 - a student's bare except must not hold the time limit
            pass


@pytest.mark.parametrize("candidate", [forever, forever_swallowing])
def test_an_endless_loop_is_stopped_and_the_hint_names_the_limit(temporary_exercise, candidate):
    exercise_id = temporary_exercise(_calls)
    passed, message = exercises.evaluate(exercise_id, candidate)
    assert not passed and "0.5 seconds" in message and "loop" in message


def test_the_time_limit_also_works_outside_the_main_thread(temporary_exercise):
    exercise_id = temporary_exercise(_calls)
    result = {}
    worker = threading.Thread(target=lambda: result.update(out=exercises.evaluate(exercise_id, forever)))
    worker.start()
    worker.join(10)
    assert result["out"][0] is False and "time limit" in result["out"][1]


def test_time_spent_outside_the_students_code_does_not_count(temporary_exercise):
    import time

    # the checker is library code (time.sleep): 1 s of it does not use up a 0.5 s budget
    exercise_id = temporary_exercise(time.sleep)
    passed, message = exercises.evaluate(exercise_id, 1.0)
    assert passed, message


def test_a_finished_check_leaves_no_alarm_behind(temporary_exercise):
    exercise_id = temporary_exercise(_calls)
    assert exercises.evaluate(exercise_id, lambda x: x)[0]
    import signal
    if hasattr(signal, "getitimer"):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("raiser, words", [
    (lambda x: sys.exit(1), ("SystemExit", "return a value")),
    (lambda x: exit(), ("SystemExit",)),
    (lambda x: (_ for _ in ()).throw(KeyboardInterrupt()), ("interrupted",)),
    (lambda x: (_ for _ in ()).throw(GeneratorExit()), ("GeneratorExit",)),
])
def test_base_exceptions_become_hints(temporary_exercise, raiser, words):
    exercise_id = temporary_exercise(_calls)
    passed, message = exercises.evaluate(exercise_id, raiser)
    assert not passed
    for word in words:
        assert word in message, message


def student_code_calling_numpy(x):
    return np.stack([x, x[:2]])  # the student's own line: shapes do not match


def test_a_crash_inside_numpy_points_at_the_students_line(temporary_exercise):
    exercise_id = temporary_exercise(_calls)
    passed, message = exercises.evaluate(exercise_id, student_code_calling_numpy)
    assert not passed and "ValueError" in message
    assert "np.stack([x, x[:2]])" in message, message


def test_a_crash_in_helpers_code_on_an_odd_return_value_does_not_blame_the_student(temporary_exercise):
    import functools

    # the checker itself is library code: np.stack fails on what the candidate gave it
    exercise_id = temporary_exercise(functools.partial(np.stack, axis=0))
    passed, message = exercises.evaluate(exercise_id, 3)
    assert not passed and "what your function returned" in message, message


@pytest.mark.parametrize("changer, name", [
    (lambda h_prev: np.tanh(h_prev, out=h_prev), "h_prev"),
    (lambda values: values.sort(), "values"),
])
def test_an_in_place_change_is_named(temporary_exercise, changer, name):
    def checker(candidate):
        exercises.run(candidate, np.array([3.0, -1.0, 2.0]))

    exercise_id = temporary_exercise(checker)
    passed, message = exercises.evaluate(exercise_id, changer)
    assert not passed and f"changed its input `{name}` in place" in message, message


def test_in_place_changes_inside_a_dict_and_a_list_are_named():
    def bump(params, seqs):
        params["W_hh"] += 1
        return seqs

    with pytest.raises(exercises.Mismatch, match=r"params\['W_hh'\]"):
        exercises.run(bump, {"W_hh": np.zeros(2), "b": np.ones(1)}, [np.arange(2)])
    with pytest.raises(exercises.Mismatch, match=r"seqs\[1\]"):
        exercises.run(lambda params, seqs: seqs[1].fill(7), {}, [np.arange(2), np.arange(3)])
    with pytest.raises(exercises.Mismatch, match="tokens"):
        exercises.run(lambda tokens: tokens.pop(), ["a", "b"])


def test_the_checker_keeps_its_own_inputs_unchanged():
    x = np.arange(3.0)
    with pytest.raises(exercises.Mismatch):
        exercises.run(lambda v: v.fill(0), x)
    assert x.tolist() == [0.0, 1.0, 2.0]


def test_messages_show_plain_numbers_and_the_row_that_differs():
    with pytest.raises(exercises.Mismatch) as info:
        exercises.expect_equal("ids", np.array([[1, 2], [3, 9]]), np.array([[1, 2], [3, 4]]))
    assert "row 1" in str(info.value) and "expected 4, got 9" in str(info.value)
    assert "np.int64" not in str(info.value)
    with pytest.raises(exercises.Mismatch) as info:
        exercises.expect_equal("count", np.int64(9), 8)
    assert str(info.value) == "count: expected 8, got 9"
    with pytest.raises(exercises.Mismatch) as info:
        exercises.expect_close("h", np.array([[0.0, 1.0]]), np.array([[0.0, 1.5]]))
    assert "row 0" in str(info.value) and "np.float" not in str(info.value)


def test_long_strings_show_where_they_first_differ():
    expected = "X:1\nT:The Kesh\nM:6/8\nK:G\n" + "GAG GAB|ABA ABd|" * 5
    got = expected[:-3] + "dB|"
    with pytest.raises(exercises.Mismatch) as info:
        exercises.expect_equal("tune", got, expected)
    message = str(info.value)
    assert f"character {len(expected) - 3}" in message and "dB|" in message, message


def test_expect_dtype_names_both_dtypes():
    with pytest.raises(exercises.Mismatch, match="expected dtype float32, got float64"):
        exercises.expect_dtype("one_hot", np.zeros(2), np.float32)
    with pytest.raises(exercises.Mismatch, match="an integer dtype, got float64"):
        exercises.expect_dtype("ids", np.zeros(2), "integer")
    with pytest.raises(exercises.Mismatch, match="numpy array, got list"):
        exercises.expect_dtype("ids", [1], "integer")


def test_library_frames_are_recognised():
    assert _safety._is_library(np.__file__)
    assert _safety._is_library(exercises.__file__)
    assert not _safety._is_library(__file__)
    assert not _safety._is_library("/tmp/ipykernel_123/456789.py")
