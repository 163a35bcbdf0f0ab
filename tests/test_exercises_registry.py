import importlib
import re
from pathlib import Path

import pytest

from helpers import exercises
from tests.exercise_utils import MIN_RIGHT, MIN_WRONG, assert_passes, assert_rejects, right_cases, wrong_cases


def _collected(name: str) -> dict:
    """WRONG or RIGHT merged over every tests/test_exercises_lesson*.py module."""
    merged: dict = {}
    for path in sorted(Path(__file__).parent.glob("test_exercises_lesson*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        for exercise_id, entries in getattr(module, name, {}).items():
            merged.setdefault(exercise_id, []).extend(entries)
    return merged


@pytest.mark.parametrize("exercise_id, label, candidate, words", wrong_cases(_collected("WRONG")))
def test_wrong_answer_is_rejected_with_its_hint(exercise_id, label, candidate, words):
    assert_rejects(exercise_id, candidate, *words)


@pytest.mark.parametrize("exercise_id, label, candidate", right_cases(_collected("RIGHT")))
def test_right_answer_passes(exercise_id, label, candidate):
    assert_passes(exercise_id, candidate)


def test_ids_are_well_formed_and_cover_each_lesson():
    ids = exercises.ids()
    assert all(re.fullmatch(r"\d\d\.\d+", i) for i in ids)
    lessons = {i[:2] for i in ids}
    assert {"00", "01", "02"} <= lessons


@pytest.mark.parametrize("exercise_id", exercises.ids())
def test_every_reference_passes_its_checker(exercise_id):
    passed, message = exercises.evaluate(exercise_id, exercises.get(exercise_id).reference)
    assert passed, message


@pytest.mark.parametrize("exercise_id", exercises.ids())
def test_an_unattempted_stub_is_reported_and_replaced(exercise_id, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError(f"Exercise {exercise_id}: write your code here")

    reference = exercises.get(exercise_id).reference
    candidate = tuple(stub for _ in reference) if isinstance(reference, tuple) else stub  # e.g. 07.1's pair
    result = exercises.use(exercise_id, candidate)
    out = capsys.readouterr().out
    assert result is exercises.get(exercise_id).reference
    assert "not attempted yet" in out and "reference solution" in out


def test_crashing_candidate_gets_its_error_and_line():
    passed, message = exercises.evaluate("01.1", lambda ids, v: ids.nonexistent)
    assert not passed and "AttributeError" in message


def test_unknown_id_is_named():
    with pytest.raises(ValueError, match="'99.9'"):
        exercises.check("99.9", None)


def test_check_prints_pass(capsys):
    assert exercises.check("00.1", exercises.get("00.1").reference)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", exercises.ids())
def test_every_exercise_has_enough_wrong_and_right_answers(exercise_id):
    wrong, right = _collected("WRONG").get(exercise_id, []), _collected("RIGHT").get(exercise_id, [])
    assert len(wrong) >= MIN_WRONG, (f"{exercise_id}: {len(wrong)} wrong answers in tests/test_exercises_lesson*.py "
                                     f"WRONG, expected at least {MIN_WRONG}")
    assert len(right) >= MIN_RIGHT, (f"{exercise_id}: {len(right)} right answers in RIGHT, "
                                     f"expected at least {MIN_RIGHT}")


def test_wrong_and_right_entries_name_registered_exercises():
    known = set(exercises.ids())
    for name in ("WRONG", "RIGHT"):
        unknown = set(_collected(name)) - known
        assert not unknown, f"{name} has entries for unknown exercise ids {sorted(unknown)}"
