"""nbgrader end to end: release every lesson, autograde blank, wrong, `use`-deleted and correct work.

For each lesson, four submissions fill its exercises with a Latin square of the four kinds
(tests/grading_submissions.py), so every exercise is graded once as each kind; one
``nbgrader autograde`` run grades all 40 notebooks in the fast profile. Every exercise's test cell
must score its point when correct and 0 otherwise, and each notebook's total must add up.

Heavy (every lesson executed four times: ~15 CPU-minutes, 61 min of wall time when measured on a
2-core machine shared with other jobs), so ``make test`` skips it and
``make test-grading`` (run by .ci/run after ``make test``) sets COURSE_GRADING_MATRIX=1.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from tests.grading_submissions import KINDS, WRONG, answer_cells, kinds_for, submission
from tools import grading

pytestmark = pytest.mark.skipif(os.environ.get("COURSE_GRADING_MATRIX") != "1",
                                reason="the nbgrader matrix runs in `make test-grading` (COURSE_GRADING_MATRIX=1)")

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "build" / "grading-matrix.md"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release, submit, autograde; returns (course root, expected kinds, seconds per stage)."""
    root = tmp_path_factory.mktemp("classroom")
    seconds = {}
    start = time.perf_counter()
    names = grading.release(root=root)
    seconds["release"] = time.perf_counter() - start
    expected = {}  # (student, assignment, exercise) -> kind
    for name in names:
        released_path, = (root / "release" / name).glob("*.ipynb")
        released = nbformat.read(released_path, as_version=4)
        source = nbformat.read(root / "source" / name / released_path.name, as_version=4)
        exercise_ids = list(answer_cells(released))
        for number in range(len(KINDS)):
            student = f"mix{number + 1}"
            kinds = kinds_for(exercise_ids, number)
            target = root / "submitted" / student / name / released_path.name
            target.parent.mkdir(parents=True)
            nbformat.write(submission(released, source, kinds), target)
            expected.update({(student, name, eid): kind for eid, kind in kinds.items()})
    tampered(root)
    start = time.perf_counter()
    # Fast-profile cells take seconds; a cell still running after 180 s is interrupted and grading goes
    # on (once, under heavy load, a kernel sat idle until the full profile's 600 s limit).
    grading.autograde(root=root, cell_timeout=180)
    seconds["autograde"] = time.perf_counter() - start
    return root, expected, seconds


def tampered(root: Path) -> None:
    """A lesson 00 whose test cells were touched: 00.1 solved but its test cell deleted, 00.2 wrong
    with its test cell emptied (nbgrader restores a locked cell's source from the gradebook)."""
    released, = (root / "release" / "lesson00").glob("*.ipynb")
    source = nbformat.read(root / "source" / "lesson00" / released.name, as_version=4)
    nb = submission(nbformat.read(released, as_version=4), source, {"00.1": "correct", "00.2": "wrong"})
    tests = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    tests["test_00_2"].source = "pass"
    nb.cells.remove(tests["test_00_1"])
    target = root / "submitted" / "tamperer" / "lesson00" / released.name
    target.parent.mkdir(parents=True)
    nbformat.write(nb, target)


def test_deleted_or_edited_test_cells_score_nothing(graded):
    from nbgrader.api import Gradebook

    root, _, _ = graded
    notebook, = (root / "source" / "lesson00").glob("*.ipynb")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "deep-sequence-modeling") as gradebook:
        scores = {g: gradebook.find_grade(g, notebook.stem, "lesson00", "tamperer").score
                  for g in ("test_00_1", "test_00_2")}
    assert scores == {"test_00_1": 0, "test_00_2": 0}


def test_every_exercise_of_every_lesson_scores_as_its_kind(graded):
    from nbgrader.api import Gradebook

    root, expected, seconds = graded
    assert {eid for _, _, eid in expected} == set(WRONG), "every exercise must be in the matrix"
    scores, problems = {}, []
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "deep-sequence-modeling") as gradebook:
        for (student, name, eid), kind in sorted(expected.items()):
            notebook, = (root / "source" / name).glob("*.ipynb")
            grade = gradebook.find_grade(f"test_{eid.replace('.', '_')}", notebook.stem, name, student)
            scores[(eid, kind)] = grade.score
            want = grading.POINTS if kind == "correct" else 0
            if grade.score != want:
                problems.append(f"{name} {student} exercise {eid} ({kind}): scored {grade.score}, expected {want}")
        for student in sorted({s for s, _, _ in expected}):
            for name in sorted({n for _, n, _ in expected}):
                notebook, = (root / "source" / name).glob("*.ipynb")
                total = gradebook.find_submission_notebook(notebook.stem, name, student).score
                want = sum(grading.POINTS for (s, n, _), kind in expected.items()
                           if (s, n) == (student, name) and kind == "correct")
                if total != want:
                    problems.append(f"{name} {student}: total {total}, expected {want}")
    lines = [f"nbgrader matrix: release {seconds['release']:.0f} s, autograde {seconds['autograde']:.0f} s "
             f"({len({(s, n) for s, n, _ in expected})} notebooks)", "",
             "| exercise | " + " | ".join(KINDS) + " |", "|---|" + "---|" * len(KINDS)]
    for eid in sorted(WRONG):
        lines.append(f"| {eid} | " + " | ".join(f"{scores[(eid, kind)]:g}" for kind in KINDS) + " |")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    assert problems == [], "\n".join(problems)


def test_feedback_names_the_hint(graded):
    """The feedback a student gets for a wrong answer carries the checker's hint."""
    root, expected, _ = graded
    student, name = next((s, n) for (s, n, eid), kind in expected.items() if eid == "03.1" and kind == "wrong")
    grading.feedback([name], root=root)
    html, = (root / "feedback" / student / name).glob("*.html")
    text = html.read_text(encoding="utf-8")
    assert "0/1 point. Exercise 03.1" in text  # the grader's verdict, with the checker's hint after it
