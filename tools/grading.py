"""Grading with nbgrader: release copies of every lesson, autograding, feedback, a grades table.

    python -m tools.grading release [NN ...]       # make release: every lesson (or lessons NN ...)
    python -m tools.grading autograde [lessonNN ...]   # make autograde: every assignment with submissions
    python -m tools.grading feedback [lessonNN ...]    # feedback/ HTML for every autograded submission
    python -m tools.grading export                 # classroom/grades.csv
    python -m tools.grading nbgrader ARGS ...      # any other nbgrader command, e.g. `db student add`

``release`` writes nbgrader's source copy of each lesson, ``classroom/source/lessonNN/NN_name.ipynb``,
from ``solutions/`` (which stay untouched): outputs, execution counts and saved widget state
cleared, speaker notes dropped, each exercise cell marked as an autograded answer, and after it a
locked autograder test cell worth one point (``helpers/exercises/grading.py``: in the student's
notebook it is feedback). Then it runs ``nbgrader generate_assignment`` for each lesson, which
writes the student version to ``classroom/release/lessonNN/``.

``autograde`` grades one submission at a time (:func:`autograde`): the folder cleaned, nbgrader's
run in the grading sandbox (``tools/sandbox.py``), and the points from ``tools/scoring.py``, which
runs the student's exercise functions outside their kernel, never from the kernel's own verdicts.

nbgrader runs as ``python -m nbgrader`` with this interpreter, with its ``bin`` folder first on
``PATH`` (nbgrader calls ``alembic`` by name) and this checkout first on ``PYTHONPATH`` (the
notebooks import its ``helpers``), so nothing needs activating. Settings: ``nbgrader_config.py``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from tools.nbtool import BEGIN, SOLUTIONS, is_note

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = ROOT / "classroom"
POINTS = 1  # per exercise
COURSE_ID = "deep-sequence-modeling"

# `name = exercises.use("03.1", name)`, or a tuple of names for 07.1
USE_LINE = re.compile(r"""^[ \t]*(?P<target>[^=#\n]+?)[ \t]*=[ \t]*exercises\.use\([ \t]*["'](?P<id>\d\d\.\d+)["'][ \t]*,"""
                      r"""[ \t]*(?P<arg>[^\n]+)\)[ \t]*$""", flags=re.M)


class GradingError(ValueError):
    pass


def assignment_name(notebook: Path) -> str:
    """``solutions/03_rnn_from_scratch.ipynb`` → ``lesson03``."""
    return f"lesson{notebook.name[:2]}"


def lessons(numbers=()) -> list[Path]:
    """The solution notebooks, all or those whose two-digit prefix is in ``numbers``."""
    found = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    wanted = {n.removeprefix("lesson").zfill(2) for n in numbers}
    unknown = wanted - {p.name[:2] for p in found}
    if unknown:
        raise GradingError(f"argument 'lessons': expected numbers among {[p.name[:2] for p in found]}, "
                           f"got {sorted(unknown)}")
    return [p for p in found if not wanted or p.name[:2] in wanted]


def _grade_id(kind: str, exercise_id: str) -> str:
    return f"{kind}_{exercise_id.replace('.', '_')}"


def test_cell_source(exercise_id: str, defined: str) -> str:
    return (f"# Autograder test, exercise {exercise_id} ({POINTS} point). Running it here checks your code as the\n"
            f"# grader will; the point itself is scored outside this notebook, on new inputs.\n"
            f"from helpers.exercises.grading import grade\n"
            f"grade(\"{exercise_id}\", {defined})")


def source_version(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """nbgrader's source copy of a solution notebook (see the module docstring)."""
    nb = nbformat.from_dict(nb)
    nb.metadata.pop("widgets", None)  # saved widget state: ~100 KB per lesson, stale in a fresh kernel
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    cells, seen = [], set()
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "markdown" and is_note(cell):
            continue  # speaker notes are for instructors
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        if BEGIN not in cell.source:
            continue
        uses = USE_LINE.findall(cell.source)
        if len(uses) != 1:
            raise GradingError(f"{name} cell {index}: an exercise cell must end with exactly one "
                               f"`name = exercises.use(\"NN.M\", name)` line, found {len(uses)}")
        _, exercise_id, defined = uses[0]
        if exercise_id in seen:
            raise GradingError(f"{name} cell {index}: exercise {exercise_id} appears twice")
        seen.add(exercise_id)
        cell.metadata["nbgrader"] = {"grade": False, "grade_id": _grade_id("answer", exercise_id),
                                     "locked": False, "schema_version": 3, "solution": True, "task": False}
        test = nbformat.v4.new_code_cell(test_cell_source(exercise_id, defined.strip()))
        test.id = _grade_id("test", exercise_id).replace("_", "-")
        test.metadata["nbgrader"] = {"grade": True, "grade_id": _grade_id("test", exercise_id),
                                     "locked": True, "points": POINTS, "schema_version": 3,
                                     "solution": False, "task": False}
        cells.append(test)
    nb.cells = cells
    return nb


def write_sources(notebooks: list[Path], root: Path = CLASSROOM) -> list[Path]:
    """Write ``root/source/lessonNN/NN_name.ipynb`` for each solution notebook (replacing what was there)."""
    written = []
    for path in notebooks:
        folder = root / "source" / assignment_name(path)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.ipynb"):
            stale.unlink()
        target = folder / path.name
        nb = source_version(nbformat.read(path, as_version=4), path.name)
        target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(target)
    return written


def nbgrader_env() -> dict[str, str]:
    """The environment nbgrader runs in: this venv's bin first on PATH, this checkout first on PYTHONPATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def nbgrader(*args: str, root: Path = CLASSROOM, check: bool = True, **env: str) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` from the repository root (so it reads ``nbgrader_config.py``) on course ``root``."""
    command = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={root}"]
    result = subprocess.run(command, cwd=ROOT, env={**nbgrader_env(), **env})
    if check and result.returncode != 0:
        raise GradingError(f"`nbgrader {' '.join(args)}` failed with exit code {result.returncode}")
    return result


def assignment_glob(names) -> str:
    """One nbgrader assignment pattern for ``lessonNN`` names (one nbgrader run instead of one per lesson).

    A character class per digit may also match other lessons' folders; those are only regenerated
    or regraded from what is already there."""
    numbers = [n.removeprefix("lesson") for n in names]
    if not numbers:
        raise GradingError("argument 'names': expected at least one lessonNN, got none")
    if len(numbers) == 1:
        return f"lesson{numbers[0]}"
    return "lesson[{}][{}]".format("".join(sorted({n[0] for n in numbers})), "".join(sorted({n[1] for n in numbers})))


def release(numbers=(), root: Path = CLASSROOM) -> list[str]:
    """Source copies, then ``nbgrader generate_assignment`` for those lessons; returns the assignment names."""
    names = [source.parent.name for source in write_sources(lessons(numbers), root)]
    nbgrader("generate_assignment", assignment_glob(names), "--force", root=root)
    return names


def submitted_assignments(root: Path = CLASSROOM) -> list[str]:
    """Every assignment that has at least one submission in ``root/submitted/<student>/``."""
    return sorted({p.name for p in (root / "submitted").glob("*/lesson[0-9][0-9]") if p.is_dir()})


def autograde(names=(), root: Path = CLASSROOM, cell_timeout: int | None = None, students=()) -> list[dict]:
    """Grade every submission of those assignments (default: all with submissions), one student at a time.

    For each submission: :func:`clean_submission` (only the lesson's notebook stays; unknown or duplicated
    nbgrader cell ids are dropped), ``nbgrader autograde`` for that student alone, in the grading sandbox's
    kernel (``tools/sandbox.py``), whose verdicts are only feedback; then the points, from
    ``tools/scoring.py`` (the student's exercise functions run in a fresh sandboxed process on new
    inputs), written to the gradebook and into the autograded notebook's test cells. One broken
    submission cannot stop the others. ``cell_timeout`` (seconds per cell) overrides
    nbgrader_config.py's, which is sized for the full profile.
    """
    names = [f"lesson{n.removeprefix('lesson').zfill(2)}" for n in names] or submitted_assignments(root)
    if not names:
        raise GradingError(f"nothing to autograde: no submissions in {root / 'submitted'}/<student id>/lessonNN/")
    from tools import sandbox

    if not sandbox.check():
        print("warning: bubblewrap (bwrap) is not available, so student code runs without a sandbox; "
              "scores still come from outside the student's kernel (apt install bubblewrap)", file=sys.stderr)
    kernels = root / ".grading-kernels"
    sandbox.write_kernelspec(kernels, root)
    env = {"COURSE_PROFILE": os.environ.get("COURSE_PROFILE", "fast"),
           "JUPYTER_PATH": os.pathsep.join([str(kernels)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(
               os.pathsep) if p])}
    timeout = f"--Execute.timeout={int(cell_timeout or AUTOGRADE_CELL_TIMEOUT)}"
    # nbgrader runs one student at a time; each submission's scoring (mostly waiting on its worker process)
    # runs beside the next student's nbgrader run, and the scores are written once every run is done (nbgrader
    # writes the same gradebook).
    from concurrent.futures import ThreadPoolExecutor

    pending = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring") as pool:
        for name in names:
            source, = (root / "source" / name).glob("*.ipynb")
            for folder in sorted((root / "submitted").glob(f"*/{name}")):
                student = folder.parent.name
                if students and student not in students:
                    continue
                notes = clean_submission(folder, source, root / "quarantine" / student / name)
                ran = nbgrader("autograde", name, f"--student={student}", "--force", timeout,
                               f"--Execute.kernel_name={sandbox.KERNEL_NAME}", root=root, check=False, **env)
                if ran.returncode != 0:
                    notes.append(f"nbgrader autograde failed (exit code {ran.returncode}); scored from the submission")
                pending.append((name, student, source, notes,
                                pool.submit(score_submission, root, source, folder / source.name)))
                print(f"[{len(pending)}] {name} {student}: notebook run by nbgrader, scoring", flush=True)
    report = []
    for name, student, source, notes, future in pending:
        verdicts = future.result()  # a GradingFailure (the grader's own trouble) stops here, before any write
        record_scores(root, name, student, source, root / "submitted" / student / name / source.name, verdicts)
        report.append({"assignment": name, "student": student, "verdicts": verdicts, "notes": notes})
        total = sum(v.points for v in verdicts)
        print(f"{name} {student}: {total:g}/{len(verdicts) * POINTS}" + "".join(f"\n  note: {n}" for n in notes),
              flush=True)
    write_report(report, root / "grading-report.md")
    return report


def write_report(report: list[dict], path: Path) -> None:
    """A table for the instructor: every exercise's points, where the student's own kernel disagreed, notes."""
    lines = ["# Autograding report", "", "Points come from tools/scoring.py (outside the student's kernel). "
             "\"kernel said\" is what nbgrader made of the student's own notebook run: where it gave a point the "
             "grader did not, look at the submission.", "",
             "| assignment | student | points | kernel said | exercises without a point | notes |", "|---|---|---|---|---|---|"]
    for row in report:
        verdicts = row["verdicts"]
        kernel = sum(v.kernel_points or 0 for v in verdicts)
        missed = "; ".join(v.message for v in verdicts if not v.passed).replace("|", "\\|")
        lines.append(f"| {row['assignment']} | {row['student']} | {sum(v.points for v in verdicts):g}/"
                     f"{len(verdicts) * POINTS} | {kernel:g} | {missed[:600]} | "
                     f"{'; '.join(row['notes']).replace('|', '/')} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


AUTOGRADE_CELL_TIMEOUT = 180  # seconds per cell in the fast profile (a lesson's whole fast run takes ~30 s)
KEEP = {"timestamp.txt"}  # nbgrader's own file in a submission folder


def clean_submission(folder: Path, source: Path, quarantine: Path) -> list[str]:
    """Leave only the lesson's notebook (and nbgrader's timestamp) in a submission folder; move anything else
    to ``quarantine`` (a ``numpy/`` folder would shadow numpy in the grading kernel). In the notebook, drop
    nbgrader cell ids the source does not have, and repeats (nbgrader stops for every student on them)."""
    import shutil

    notes = []
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and not entry.is_symlink() and (entry.name == source.name or entry.name in KEEP):
            continue
        quarantine.mkdir(parents=True, exist_ok=True)
        shutil.move(str(entry), str(quarantine / entry.name))
        notes.append(f"moved {entry.name} out of the submission (only {source.name} is graded)")
    notebook = folder / source.name
    if not notebook.exists():
        return notes + [f"{source.name} is missing"]
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as error:  # noqa: BLE001  (a broken file is the student's; say so and go on)
        return notes + [f"{source.name} cannot be read ({type(error).__name__}); every exercise scores 0"]
    known = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nbformat.read(source, as_version=4).cells}
    seen, changed = set(), False
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id is None and "nbgrader" not in cell.get("metadata", {}):
            continue
        if grade_id not in known or grade_id in seen:
            del cell.metadata["nbgrader"]
            changed = True
            notes.append(f"dropped the nbgrader cell id {grade_id!r} ({'repeated' if grade_id in seen else 'unknown'})")
        else:
            seen.add(grade_id)
    if changed:
        quarantine.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, quarantine / f"original-{source.name}")
        nbformat.write(nb, notebook)
    return notes


def score_submission(root: Path, source: Path, submitted: Path) -> list:
    """The points of one submission, from tools/scoring.py; an unreadable notebook scores 0 with the reason."""
    from tools import scoring

    source_nb = nbformat.read(source, as_version=4)
    try:
        submitted_nb = nbformat.read(submitted, as_version=4)
        return scoring.score_notebook(source_nb, submitted_nb, course_root=root)
    except scoring.GradingFailure:
        raise  # the grader's own trouble (it ran none of the student's code yet): no score is written
    except Exception as error:  # noqa: BLE001  (an unreadable notebook: every exercise 0, with the reason)
        _, plan = scoring.lesson_plan(source_nb)
        return [scoring.Verdict(eid, 0, f"Exercise {eid}: the submission could not be graded "
                                        f"({type(error).__name__}: {str(error)[:200]})") for eid, _, _ in plan]


def record_scores(root: Path, name: str, student: str, source: Path, submitted: Path, verdicts: list) -> None:
    """Each test cell's score into the gradebook, and its verdict into the autograded notebook's test cell
    (what the feedback shows)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gradebook:
        try:
            gradebook.find_submission(name, student)
        except MissingEntry:
            gradebook.add_submission(name, student)
        for verdict in verdicts:
            grade = gradebook.find_grade(_grade_id("test", verdict.exercise_id), source.stem, name, student)
            verdict.kernel_points = grade.auto_score  # what nbgrader made of the student's own kernel (a report only)
            grade.auto_score = float(verdict.points)
            grade.manual_score = None
            gradebook.db.commit()
    autograded = root / "autograded" / student / name / source.name
    try:  # nbgrader's graded copy; if nbgrader failed, the student's own notebook (never the source: it has the answers)
        nb = nbformat.read(autograded if autograded.exists() else submitted, as_version=4)
    except Exception:  # noqa: BLE001  (unreadable: the gradebook has the scores, the report the reason)
        return
    messages = {_grade_id("test", v.exercise_id): v for v in verdicts}
    for cell in nb.cells:
        verdict = messages.get(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
        if verdict is not None:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=(
                f"{verdict.points:g}/{POINTS} point{'s' if POINTS != 1 else ''}. {verdict.message}\n"))]
    autograded.parent.mkdir(parents=True, exist_ok=True)
    if autograded.exists():
        autograded.chmod(0o644)  # nbgrader leaves its graded copies read-only
    nbformat.write(nb, autograded)
    autograded.chmod(0o444)


def feedback(names=(), root: Path = CLASSROOM) -> list[str]:
    """``nbgrader generate_feedback`` for those assignments (default: all autograded ones)."""
    names = [f"lesson{n.removeprefix('lesson').zfill(2)}" for n in names] or \
        sorted({p.name for p in (root / "autograded").glob("*/lesson[0-9][0-9]") if p.is_dir()})
    if not names:
        raise GradingError(f"no feedback to write: nothing autograded in {root / 'autograded'}/")
    nbgrader("generate_feedback", assignment_glob(names), "--force", root=root)
    return names


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, args = argv[0], argv[1:]
    try:
        if command == "release":
            for name in release(args):
                print(f"released {name}: {(CLASSROOM / 'release' / name).relative_to(ROOT)}/")
        elif command == "autograde":
            autograde(args)
            print(f"wrote {(CLASSROOM / 'grading-report.md').relative_to(ROOT)}")
        elif command == "feedback":
            feedback(args)
        elif command == "export":
            nbgrader("export", f"--to={CLASSROOM / 'grades.csv'}")
            print(f"wrote {(CLASSROOM / 'grades.csv').relative_to(ROOT)}")
        elif command == "nbgrader":
            return nbgrader(*args, check=False).returncode
        else:
            print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
            return 2
    except GradingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
