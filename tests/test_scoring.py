"""tools/scoring.py: points from outside the student's kernel, judged by what a cheating student gets.

Every answer-cell cheat of tests/grading_cheats.py is graded the way ``make autograde`` grades it
(a fresh sandboxed worker, the checker here on new inputs) and must score 0; honest answers score
their point. The same cheats go through nbgrader end to end in tests/test_grading_cheats.py.
"""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from tests.grading_cheats import answer_cell_cheats
from tools import grading, sandbox, scoring

ROOT = Path(__file__).resolve().parent.parent
CHEATS = answer_cell_cheats()


@pytest.fixture(scope="module", autouse=True)
def _sandbox_in_ci():
    if os.environ.get("CI") and not sandbox.available():
        pytest.fail("CI must grade in the sandbox: install bubblewrap (apt install bubblewrap)")


def source_notebook(lesson: str):
    path, = (ROOT / "solutions").glob(f"{lesson}_*.ipynb")
    return grading.source_version(nbformat.read(path, as_version=4), path.name)


def with_answer(source_nb, exercise_id: str, cell_text: str):
    """A submission: the source notebook with one answer cell replaced."""
    nb = nbformat.from_dict(source_nb)
    grade_id = f"answer_{exercise_id.replace('.', '_')}"
    cell, = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    cell.source = cell_text
    return nb


def grade_one(exercise_id: str, cell_text: str, **kwargs) -> scoring.Verdict:
    source = source_notebook(exercise_id[:2])
    verdicts = scoring.score_notebook(source, with_answer(source, exercise_id, cell_text), only={exercise_id},
                                      **kwargs)
    verdict, = [v for v in verdicts if v.exercise_id == exercise_id]
    return verdict


@pytest.mark.parametrize("cheat", CHEATS, ids=[c.name for c in CHEATS])
def test_cheats_score_nothing_and_honest_work_scores(cheat, monkeypatch):
    if cheat.name == "alarm disabled":  # an endless loop: a short budget keeps the test short
        monkeypatch.setattr(scoring, "BUDGET_FACTOR", 0.2)
        monkeypatch.setattr(scoring, "GRACE_SECONDS", 1.0)
    verdict = grade_one(cheat.exercise, cheat.cell)
    assert verdict.points == cheat.points, f"{cheat.name} ({cheat.how}): {verdict.message}"
    assert verdict.message.startswith(f"Exercise {cheat.exercise}")


def test_reference_reuse_is_named_in_the_feedback():
    cheat, = [c for c in CHEATS if c.name == "public helper 01.1"]
    assert "course's own answer" in grade_one(cheat.exercise, cheat.cell).message
    cheat, = [c for c in CHEATS if c.name == "pasted reference source"]
    assert "contains the code of the course's helpers.text.one_hot" in grade_one(cheat.exercise, cheat.cell).message


def test_the_solutions_score_full_marks_in_every_lesson():
    """The instructor's own solutions, graded as a submission, earn every point (lessons 00-10)."""
    failures = []
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        source = grading.source_version(nbformat.read(path, as_version=4), path.name)
        failures += [v.message for v in scoring.score_notebook(source, source) if not v.passed]
    assert failures == []


def test_an_earlier_failed_exercise_hands_its_reference_on():
    """03.2 calls the notebook's rnn_step: when 03.1 is blank, `use` gave the reference, as in the notebook."""
    source = source_notebook("03")
    blank = "def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):\n    raise NotImplementedError\n\n\n" \
            "rnn_step = exercises.use(\"03.1\", rnn_step)\n"
    verdicts = scoring.score_notebook(source, with_answer(source, "03.1", blank), only={"03.1", "03.2"})
    assert [v.points for v in verdicts[:2]] == [0, 1], [v.message for v in verdicts]


def test_answers_cells_missing_or_repeated_score_zero_with_a_reason():
    source = source_notebook("01")
    nb = nbformat.from_dict(source)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "answer_01_2":
            cell.metadata.nbgrader["grade_id"] = "answer_renamed"
    verdict = [v for v in scoring.score_notebook(source, nb, only={"01.2"}) if v.exercise_id == "01.2"][0]
    assert verdict.points == 0 and "metadata was changed" in verdict.message


def test_the_same_salt_gives_the_same_inputs_and_new_salts_new_ones():
    from helpers.exercises import draws

    with draws.salted(7):
        a = draws.rng(3).normal(size=4)
    with draws.salted(7):
        b = draws.rng(3).normal(size=4)
    with draws.salted(8):
        c = draws.rng(3).normal(size=4)
    plain = draws.rng(3).normal(size=4)
    assert (a == b).all() and not (a == c).any() and not (a == plain).any()


# Each defence, left out, lets through the cheats it is there for: the suite above is not passing by accident.
WITHOUT = [
    ("reference object", {"disarm"}, True), ("reference code object", {"disarm"}, True),
    ("public helper 01.1", {"disarm"}, True), ("public helper 03.2", {"disarm"}, True),
    ("reference class 03.3", {"disarm"}, True), ("source read at run time", {"disarm"}, True),
    ("pasted reference source", {"copy check"}, True), ("lookup table", {"fresh inputs"}, True),
    ("module reloaded", {"audit"}, True), ("subprocess", {"audit"}, False),
    ("solutions notebook executed", {"audit"}, False),
]


@pytest.mark.parametrize("name,removed,use_sandbox", WITHOUT, ids=[f"{n} without {'+'.join(sorted(r))}"
                                                                    for n, r, _ in WITHOUT])
def test_each_defence_is_what_stops_its_cheats(name, removed, use_sandbox):
    cheat, = [c for c in CHEATS if c.name == name]
    verdict = grade_one(cheat.exercise, cheat.cell, defences=scoring.DEFENCES - removed, use_sandbox=use_sandbox)
    assert verdict.points == 1, f"{name} without {removed}: {verdict.message}"


def test_the_sandbox_alone_hides_the_solutions():
    """With the audit hook left out, bubblewrap still shows solutions/ as an empty folder."""
    if not sandbox.available():
        pytest.skip("bubblewrap is not installed (CI installs it)")
    cheat, = [c for c in CHEATS if c.name == "solutions notebook executed"]
    verdict = grade_one(cheat.exercise, cheat.cell, defences=scoring.DEFENCES - {"audit"})
    assert verdict.points == 0 and "No such file" in verdict.message, verdict.message


def test_a_deleted_test_cell_scores_zero():
    """The locked test cell is the exercise's place in the gradebook: deleting it costs the point (as in nbgrader)."""
    source = source_notebook("00")
    nb = nbformat.from_dict(source)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_00_1"]
    verdict = scoring.score_notebook(source, nb, only={"00.1"})[0]
    assert verdict.points == 0 and "test cell was deleted" in verdict.message
