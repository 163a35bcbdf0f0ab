"""The cheat suite through nbgrader: every cheat is a whole submission graded by ``make autograde``.

Lessons 01 and 03 are released with ``tools.grading.release``; each student below hands in a
notebook (and sometimes more) that tries to get points without the work: the answer-cell cheats of
tests/grading_cheats.py, and attacks on the nbgrader layer (a number left as the test cell's
result, a ``numpy/`` folder beside the notebook, a detached process that rewrites the gradebook
after grading, a repeated or a renamed nbgrader cell id). Honest controls: correct work scores
every point, blank work none. The table (build/grading-cheats.md) shows, per cheat, what the
student's own kernel said (what nbgrader used to record) and what the grader gives.

Heavy (a notebook run per student), so it runs in ``make test-grading`` (COURSE_GRADING_MATRIX=1).
"""
from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from tests.grading_cheats import answer_cell_cheats
from tests.grading_submissions import submission
from tools import grading, sandbox

pytestmark = pytest.mark.skipif(os.environ.get("COURSE_GRADING_MATRIX") != "1",
                                reason="the nbgrader cheat suite runs in `make test-grading` (COURSE_GRADING_MATRIX=1)")

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "build" / "grading-cheats.md"
LESSONS = ("01", "03")
EXERCISES = {"01": ("01.1", "01.2", "01.3"), "03": ("03.1", "03.2", "03.3")}
# answer-cell cheats through nbgrader too (the endless loop stays in tests/test_scoring.py: it costs a cell timeout)
THROUGH_NBGRADER = {"reference wrapped", "public helper 01.1", "reference code object", "pasted reference source",
                    "solutions notebook executed", "public helper 03.2", "reference class 03.3", "grade patched",
                    "registry patched", "numpy patched", "expected value from the stack", "lookup table",
                    "ndarray subclass"}
DETACHED_DELAY = 20  # seconds the detached process waits before it writes the gradebook

WRONG_ONE_HOT = ("def one_hot(ids, vocab_size):\n"
                 "    return np.zeros(np.shape(ids) + (vocab_size,), dtype=np.float32)\n\n\n"
                 "one_hot = exercises.use(\"01.1\", one_hot)\n")


def _answer(nb, exercise_id):
    grade_id = f"answer_{exercise_id.replace('.', '_')}"
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _correct(released, source):
    return submission(released, source, {eid: "correct" for eid in
                                         [c.metadata.nbgrader["grade_id"][7:].replace("_", ".") for c in released.cells
                                          if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("answer_")]})


def nbgrader_attacks(released, source, lesson):
    """(student, notebook, extra files {relative path: text}, expected points, how) for lesson 01."""
    if lesson != "01":
        return []
    attacks = []
    nb = _correct(released, source)
    _answer(nb, "01.1").source = ("import helpers.exercises.grading as _g\n"
                                  "_g.grade = lambda *a, **k: 1  # the test cell's result becomes the number 1\n\n"
                                  + WRONG_ONE_HOT)
    attacks.append(("n-execute-result", nb, {}, 2, "a wrong answer; every test cell's result is the number 1"))
    nb = _correct(released, source)
    _answer(nb, "01.1").source = WRONG_ONE_HOT
    fake = {"numpy/__init__.py": "raise ImportError('a numpy shipped with the submission')\n"}
    attacks.append(("n-numpy-folder", nb, fake, 2, "a numpy/ folder beside the notebook"))
    nb = _correct(released, source)
    _answer(nb, "01.1").source = textwrap.dedent(f"""\
        import subprocess, sys
        _script = '''
        import glob, os, sqlite3, time
        time.sleep({DETACHED_DELAY})
        for path in glob.glob(os.path.join(os.getcwd(), "..", "..", "..", "gradebook.db")):
            db = sqlite3.connect(path)
            db.execute("UPDATE grade SET auto_score = 1, manual_score = 1")
            db.commit()
        '''
        subprocess.Popen([sys.executable, "-c", _script], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        """) + "\n" + WRONG_ONE_HOT
    attacks.append(("n-detached-process", nb, {}, 2, "a detached process rewrites gradebook.db after grading"))
    nb = _correct(released, source)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_01_2")
    nb.cells.insert(nb.cells.index(test) + 1, nbformat.from_dict(test))
    nb.cells[nb.cells.index(test) + 1].id = "repeated-test"
    attacks.append(("a-repeated-id", nb, {}, 3, "a test cell repeated (used to stop autograde for every student)"))
    nb = _correct(released, source)
    _answer(nb, "01.1").metadata.nbgrader["grade_id"] = "answer_01_1_mine"
    attacks.append(("n-renamed-id", nb, {}, 2, "the answer cell's nbgrader id renamed (its exercise used to vanish)"))
    nb = _correct(released, source)
    _answer(nb, "01.1").source = ("import signal, time\n\n"
                                  "def one_hot(ids, vocab_size):\n"
                                  "    signal.setitimer(signal.ITIMER_REAL, 0)\n"
                                  "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                  "    end = time.time() + 25\n"
                                  "    while time.time() < end:\n"
                                  "        pass\n"
                                  "    return np.zeros(np.shape(ids) + (vocab_size,), dtype=np.float32)\n\n\n"
                                  "one_hot = exercises.use(\"01.1\", one_hot)\n")
    attacks.append(("n-alarm-off", nb, {}, 2, "the alarm switched off, then a 25 s loop per call"))
    return attacks


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if os.environ.get("CI") and not sandbox.available():
        pytest.fail("CI must grade in the sandbox: install bubblewrap (apt install bubblewrap)")
    root = tmp_path_factory.mktemp("classroom")
    grading.release(LESSONS, root=root)
    expected = {}  # student -> (lesson, points, family, how)
    cheats = [c for c in answer_cell_cheats() if c.name in THROUGH_NBGRADER or c.family == "control"]
    for lesson in LESSONS:
        name = f"lesson{lesson}"
        released_path, = (root / "release" / name).glob("*.ipynb")
        released = nbformat.read(released_path, as_version=4)
        source = nbformat.read(root / "source" / name / released_path.name, as_version=4)
        entries = [(f"c-{lesson}-correct", _correct(released, source), {}, 3, "control", "the solutions"),
                   (f"c-{lesson}-blank", released, {}, 0, "control", "the released notebook, untouched")]
        for cheat in cheats:
            if cheat.exercise[:2] != lesson or cheat.family == "control":
                continue
            nb = _correct(released, source)
            _answer(nb, cheat.exercise).source = cheat.cell
            entries.append((f"x-{cheat.name.replace(' ', '-')}", nb, {}, 2, cheat.family, cheat.how))
        entries += [(s, nb, files, points, "nbgrader", how)
                    for s, nb, files, points, how in nbgrader_attacks(released, source, lesson)]
        for student, nb, files, points, family, how in entries:
            folder = root / "submitted" / student / name
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / released_path.name)
            for relative, text in files.items():
                (folder / relative).parent.mkdir(parents=True, exist_ok=True)
                (folder / relative).write_text(text)
            expected[student] = (name, points, family, how)
    start = time.perf_counter()
    report = grading.autograde(root=root, cell_timeout=90)
    seconds = time.perf_counter() - start
    time.sleep(DETACHED_DELAY + 5)  # the detached process had its chance to write
    return root, expected, report, seconds


def test_every_cheat_scores_only_the_honest_part(graded):
    from nbgrader.api import Gradebook

    root, expected, report, seconds = graded
    problems, rows = [], []
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", grading.COURSE_ID) as gradebook:
        for row in report:
            student, name = row["student"], row["assignment"]
            lesson, points, family, how = expected[student]
            notebook, = (root / "source" / name).glob("*.ipynb")
            stored = gradebook.find_submission_notebook(notebook.stem, name, student).score
            kernel = sum(v.kernel_points or 0 for v in row["verdicts"])
            rows.append(f"| {family} | {student} | {how} | {kernel:g} | {stored:g} | {points} |")
            if stored != points:
                problems.append(f"{student} ({how}): {stored:g} points in the gradebook, expected {points}: "
                                + "; ".join(f"{v.points:g} {v.message}" for v in row["verdicts"]))
    graded_students = {row["student"] for row in report}
    missing = set(expected) - graded_students
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join([
        f"nbgrader cheat suite: {len(report)} submissions, autograde {seconds:.0f} s", "",
        "| family | student | what it does | kernel said (old score) | gradebook | expected |",
        "|---|---|---|---|---|---|", *rows]) + "\n", encoding="utf-8")
    print(REPORT.read_text())
    assert not missing, f"not graded at all: {sorted(missing)}"
    assert problems == [], "\n".join(problems)


def test_the_submission_folder_keeps_only_the_notebook(graded):
    root, _, report, _ = graded
    row = next(r for r in report if r["student"] == "n-numpy-folder")
    assert any("moved numpy" in n for n in row["notes"])
    assert not (root / "submitted" / "n-numpy-folder" / "lesson01" / "numpy").exists()
    assert (root / "quarantine" / "n-numpy-folder" / "lesson01" / "numpy" / "__init__.py").exists()


def test_repeated_and_renamed_ids_are_named_in_the_notes_and_the_feedback(graded):
    root, _, report, _ = graded
    notes = {r["student"]: r["notes"] for r in report}
    assert any("repeated" in n for n in notes["a-repeated-id"])
    assert any("answer_01_1_mine" in n for n in notes["n-renamed-id"])
    renamed = next(r for r in report if r["student"] == "n-renamed-id")
    assert "metadata was changed" in renamed["verdicts"][0].message
    grading.feedback(["lesson01"], root=root)
    html, = (root / "feedback" / "n-renamed-id" / "lesson01").glob("*.html")
    assert "metadata was changed" in html.read_text(encoding="utf-8")
