"""Grading with nbgrader: release copies of every lesson, autograding, feedback, a grades table.

    python -m tools.grading release [NN ...]       # make release: every lesson (or lessons NN ...)
    python -m tools.grading autograde [lessonNN ...]   # make autograde: every assignment with submissions
    python -m tools.grading feedback [lessonNN ...]    # feedback/ HTML for every autograded submission
    python -m tools.grading export                 # classroom/grades.csv
    python -m tools.grading nbgrader ARGS ...      # any other nbgrader command, e.g. `db student add`

``release`` writes nbgrader's source copy of each lesson, ``classroom/source/lessonNN/NN_name.ipynb``,
from ``solutions/`` (which stay untouched): outputs, execution counts and saved widget state
cleared, speaker notes dropped, each exercise cell marked as an autograded answer, and after it a
locked autograder test cell worth one point that checks the student's own code again
(``helpers/exercises/grading.py``). Then it runs ``nbgrader generate_assignment`` for each lesson,
which writes the student version to ``classroom/release/lessonNN/``.

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

from tools.nbtool import BEGIN, SOLUTIONS

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = ROOT / "classroom"
POINTS = 1  # per exercise

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
    return (f"# Autograder test, exercise {exercise_id} ({POINTS} point): its checker runs again on your own code,\n"
            f"# what you gave to exercises.use (or, if that line is gone, what your cell defines).\n"
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
        if cell.cell_type == "markdown" and cell.metadata.get("slideshow", {}).get("slide_type") == "notes":
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


def autograde(names=(), root: Path = CLASSROOM, cell_timeout: int | None = None) -> list[str]:
    """``nbgrader autograde`` every submission of those assignments (default: all with submissions).

    ``cell_timeout`` (seconds) overrides nbgrader_config.py's, which is sized for the full profile."""
    names = [f"lesson{n.removeprefix('lesson').zfill(2)}" for n in names] or submitted_assignments(root)
    if not names:
        raise GradingError(f"nothing to autograde: no submissions in {root / 'submitted'}/<student id>/lessonNN/")
    # Scores come from the checkers only, which do not depend on the profile: grade in the fast one
    # unless COURSE_PROFILE says otherwise (the full one trains for real: ~2 min a notebook).
    timeout = () if cell_timeout is None else (f"--Execute.timeout={int(cell_timeout)}",)
    nbgrader("autograde", assignment_glob(names), "--force", *timeout, root=root,
             COURSE_PROFILE=os.environ.get("COURSE_PROFILE", "fast"))
    return names


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
