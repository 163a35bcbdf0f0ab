"""Grading with nbgrader, the fast part: release copies, the test cells' `grade`, the settings.

The end-to-end run (release → submit → autograde every lesson) is tests/test_grading_matrix.py,
in `make test-grading`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

from helpers import exercises
from helpers.exercises.grading import grade
from tests.grading_submissions import KINDS, WRONG, answer, answer_cells, kinds_for
from tools import grading
from tools.nbtool import BEGIN, SOLUTIONS

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_PATHS = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def sources():
    return {p.name: grading.source_version(nbformat.read(p, as_version=4), p.name) for p in SOLUTION_PATHS}


def test_every_exercise_is_an_answer_cell_followed_by_its_test_cell(sources):
    seen = []
    for name, nb in sources.items():
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader")
            if not meta or not meta["solution"]:
                continue
            eid = meta["grade_id"].removeprefix("answer_").replace("_", ".")
            seen.append(eid)
            assert BEGIN in cell.source and f'exercises.use("{eid}"' in cell.source
            test = nb.cells[index + 1]
            assert test.metadata.nbgrader == {"grade": True, "grade_id": f"test_{eid.replace('.', '_')}",
                                              "locked": True, "points": grading.POINTS, "schema_version": 3,
                                              "solution": False, "task": False}
            assert f'grade("{eid}", ' in test.source
    assert sorted(seen) == exercises.ids()


def test_release_sources_carry_no_outputs_widget_state_or_speaker_notes(sources):
    for name, nb in sources.items():
        raw = nbformat.read(SOLUTIONS / name, as_version=4)
        assert "widgets" in raw.metadata or name.startswith("00"), "the solutions do carry widget state"
        assert "widgets" not in nb.metadata, name
        text = nbformat.writes(nb)
        assert len(text) < 60_000, f"{name}: {len(text)} characters"
        for cell in nb.cells:
            assert cell.metadata.get("slideshow", {}).get("slide_type") != "notes"
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
        nbformat.validate(nb)


def test_the_test_cell_for_07_1_names_both_functions(sources):
    nb = sources["07_music_generation.ipynb"]
    test, = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_07_1"]
    assert test.source.endswith('grade("07.1", (text_to_ids, ids_to_text))')


def test_a_cell_without_a_use_line_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n")])
    with pytest.raises(grading.GradingError, match="exactly one"):
        grading.source_version(nb)


def test_lessons_and_assignment_patterns():
    assert [p.name[:2] for p in grading.lessons(["3", "lesson07"])] == ["03", "07"]
    with pytest.raises(grading.GradingError, match="'lessons'"):
        grading.lessons(["42"])
    assert grading.assignment_glob(["lesson03"]) == "lesson03"
    assert grading.assignment_glob(["lesson03", "lesson07", "lesson12"]) == "lesson[01][237]"


# ---- grade(): what each test cell runs -------------------------------------------------

def correct_pairs(tokens):
    return [(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1)]


def wrong_pairs(tokens):
    return [(tokens[i + 1], tokens[i]) for i in range(len(tokens) - 1)]


def stub(tokens):
    raise NotImplementedError("write your code here")


@pytest.fixture
def nothing_submitted(monkeypatch):
    monkeypatch.setattr(exercises, "_SUBMITTED", {})


def test_use_remembers_the_students_own_function(nothing_submitted, capsys):
    assert exercises.submitted("00.1") is None
    handed_back = exercises.use("00.1", wrong_pairs)
    assert handed_back is exercises.get("00.1").reference and exercises.submitted("00.1") is wrong_pairs
    exercises.check("00.1", correct_pairs)  # lessons `check` examples; only `use` says what is graded
    assert exercises.submitted("00.1") is wrong_pairs
    with pytest.raises(ValueError, match="exercise_id"):
        exercises.submitted("99.9")


@pytest.mark.parametrize("student, passes", [(correct_pairs, True), (wrong_pairs, False), (stub, False)])
def test_grade_checks_what_use_was_given_not_what_it_returned(nothing_submitted, capsys, student, passes):
    handed_back = exercises.use("00.1", student)  # the reference unless the student's code passes
    if passes:
        grade("00.1", handed_back)
        assert "passed" in capsys.readouterr().out
    else:
        with pytest.raises(AssertionError, match=r"Exercise 00\.1"):
            grade("00.1", handed_back)


@pytest.mark.parametrize("student, passes", [(correct_pairs, True), (wrong_pairs, False), (stub, False)])
def test_without_the_use_line_grade_checks_what_the_cell_defines(nothing_submitted, capsys, student, passes):
    if passes:
        grade("00.1", student)
        assert "exercises.use line is missing" in capsys.readouterr().out
    else:
        with pytest.raises(AssertionError, match="exercises.use line is missing"):
            grade("00.1", student)


def test_the_reference_itself_never_passes(nothing_submitted, capsys):
    with pytest.raises(AssertionError, match="reference solution"):
        grade("00.1", exercises.get("00.1").reference)
    reference = exercises.get("07.1").reference
    exercises.use("07.1", (reference[0], lambda ids, vocab: "".join(vocab[i] for i in ids)))
    with pytest.raises(AssertionError, match="reference solution"):
        grade("07.1", None)


def test_a_student_system_exit_scores_zero_instead_of_escaping(nothing_submitted, capsys):
    def leaves(tokens):
        sys.exit(3)
    with pytest.raises(AssertionError, match="SystemExit"):
        grade("00.1", leaves)


# ---- the matrix's own material --------------------------------------------------------

def test_the_matrix_gives_every_exercise_every_kind():
    assert sorted(WRONG) == exercises.ids(), "one wrong answer per exercise"
    for nb in map(lambda p: grading.source_version(nbformat.read(p, as_version=4)), SOLUTION_PATHS):
        ids = list(answer_cells(nb))
        per_exercise = {eid: {kinds_for(ids, n)[eid] for n in range(len(KINDS))} for eid in ids}
        assert all(kinds == set(KINDS) for kinds in per_exercise.values())


def test_a_deleted_use_line_is_really_gone():
    released = 'def f(x):\n    raise NotImplementedError\n\n\nf = exercises.use("00.1", f)\nf([1])'
    assert answer("use deleted", "00.1", released, "") == 'def f(x):\n    raise NotImplementedError\n\n\n\nf([1])'


# ---- settings -------------------------------------------------------------------------

def test_nbgrader_config():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.CourseDirectory.course_id == "deep-sequence-modeling"
    assert Path(config.CourseDirectory.root) == ROOT / "classroom" == grading.CLASSROOM
    # lesson 07's longest cell takes ~160 s in the full profile (BENCHMARKS.md); nbgrader's default is 30 s
    assert config.Execute.timeout >= 3 * 160


def test_classroom_is_git_ignored():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "classroom/" in ignored


def test_nbgrader_runs_with_this_environment_without_activating_it():
    env = grading.nbgrader_env()
    first = Path(env["PATH"].split(os.pathsep)[0])
    assert first == Path(sys.executable).parent and (first / "alembic").exists()
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT)


def _submission_folder(tmp_path, sources):
    name = "01_fixed_window.ipynb"
    source = tmp_path / "source" / name
    source.parent.mkdir(parents=True)
    nbformat.write(sources[name], source)
    folder = tmp_path / "submitted" / "ada" / "lesson01"
    folder.mkdir(parents=True)
    return source, folder, nbformat.from_dict(sources[name])


def test_a_submission_folder_keeps_only_the_notebook(tmp_path, sources):
    source, folder, nb = _submission_folder(tmp_path, sources)
    nbformat.write(nb, folder / source.name)
    (folder / "timestamp.txt").write_text("2026-12-06 10:00:00")
    (folder / "numpy").mkdir()
    (folder / "numpy" / "__init__.py").write_text("raise SystemExit")
    (folder / "helpers.py").write_text("")
    (folder / "other.ipynb").write_text("{}")
    (folder / "link.ipynb").symlink_to(folder / source.name)
    notes = grading.clean_submission(folder, source, tmp_path / "quarantine")
    assert sorted(p.name for p in folder.iterdir()) == [source.name, "timestamp.txt"]
    assert sorted(p.name for p in (tmp_path / "quarantine").iterdir()) == ["helpers.py", "link.ipynb", "numpy",
                                                                           "other.ipynb"]
    assert len(notes) == 4 and all("moved" in n for n in notes)


def test_repeated_and_unknown_nbgrader_ids_are_dropped_before_nbgrader_sees_them(tmp_path, sources):
    source, folder, nb = _submission_folder(tmp_path, sources)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_01_1")
    nb.cells.append(nbformat.from_dict(test))
    nb.cells[-1].id = "copy"
    answer_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "answer_01_2")
    answer_cell.metadata.nbgrader["grade_id"] = "answer_mine"
    nbformat.write(nb, folder / source.name)
    notes = grading.clean_submission(folder, source, tmp_path / "quarantine")
    assert any("'test_01_1' (repeated)" in n for n in notes) and any("'answer_mine' (unknown)" in n for n in notes)
    cleaned = nbformat.read(folder / source.name, as_version=4)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in cleaned.cells if "nbgrader" in c.metadata]
    assert ids.count("test_01_1") == 1 and "answer_mine" not in ids
    assert (tmp_path / "quarantine" / f"original-{source.name}").exists()  # the student's file is kept


def test_an_unreadable_notebook_is_named_not_fatal(tmp_path, sources):
    source, folder, _ = _submission_folder(tmp_path, sources)
    (folder / source.name).write_text("{ not json")
    notes = grading.clean_submission(folder, source, tmp_path / "quarantine")
    assert notes and "cannot be read" in notes[-1]
