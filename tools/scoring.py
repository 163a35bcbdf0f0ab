"""Scores from outside the student's kernel: each exercise graded in a fresh, sandboxed worker.

``nbgrader autograde`` runs a submission in a kernel the student's code controls; its verdicts are
feedback, not points. The points come from here:

* for each exercise, in notebook order, a fresh worker process (``tools/grader_worker.py``, in the
  sandbox of ``tools/sandbox.py``) runs the lesson's import lines (from the instructor's SOURCE
  notebook), then only the student's answer cells, then waits;
* this process runs the exercise's checker (``helpers.exercises``) with a stand-in for the
  student's function (:class:`Remote`): each call sends the arguments to the worker as plain data
  (``helpers.exercises.plain_data``) and gets plain data back. The checker's inputs are drawn
  afresh for this grading (``helpers.exercises.draws.salted``), so they are inputs the notebook
  never saw. No student code runs here, nothing is unpickled, no student class crosses over;
* in the worker, the exercise's reference solution and the public helpers that implement it are
  disarmed before the student's code runs: calling them (directly, wrapped, by a copied code
  object, through a subclass) reports itself and scores 0. A copy of their source text in the
  answer cell scores 0 too (:func:`copied_reference`);
* time is measured here, on the wall clock: a worker past its budget is killed.

    score_notebook(source_nb, submitted_nb) -> [Verdict(exercise_id, points, message), ...]
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers import exercises
from helpers.exercises import _safety, draws
from helpers.exercises._safety import TimeLimit
from tools import sandbox
from tools.nbtool import BEGIN
from tools.scoring_copies import copied_reference
from tools.scoring_remote import Worker, WorkerGone, _candidate, rebuild_error

ROOT = Path(__file__).resolve().parent.parent
POINTS = 1
SETUP_SECONDS = 240.0      # the lesson's imports (TensorFlow: 5-20 s on a busy 2-core machine)
CELLS_SECONDS = 30.0       # the student's answer cells, top-level code included
BUDGET_FACTOR = 3.0        # the graded calls get this many times the exercise's time limit (wall clock) ...
GRACE_SECONDS = 10.0       # ... plus this

# Every defence, on by default; tests/test_scoring.py leaves one out to show which cheats it stops.
DEFENCES = frozenset({"fresh inputs", "disarm", "audit", "copy check"})

_safety.trust_file(__file__)


@dataclass
class Verdict:
    exercise_id: str
    points: float
    message: str
    kernel_points: float | None = None  # nbgrader's score from the student's kernel, for reports (never used)

    @property
    def passed(self) -> bool:
        return self.points > 0


class GradingFailure(RuntimeError):
    """The grader itself could not work (not the student's doing): no score is written."""


# ---- the notebook side: what runs in the worker ---------------------------------------------------

def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") if isinstance(cell, dict) else ""


def lesson_plan(source_nb) -> tuple[str, list[tuple[str, str, str]]]:
    """From the instructor's source notebook: its import lines, and each exercise's id, candidate
    expression (the argument of its ``exercises.use`` line) and solution cell, in notebook order."""
    from tools.grading import USE_LINE

    imports, plan = [], []
    for cell in source_nb.cells:
        if cell.cell_type != "code" or cell.get("id") in ("course-setup",):
            continue
        if BEGIN in cell.source:
            uses = USE_LINE.findall(cell.source)
            if len(uses) == 1:
                plan.append((uses[0][1], uses[0][2].strip(), cell.source))
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append(ast.get_source_segment(cell.source, node))
    return "\n".join(dict.fromkeys(imports)) + "\n", plan


def answers(submitted_nb, exercise_ids) -> tuple[dict[str, str], dict[str, str]]:
    """The student's answer cell for each exercise (by nbgrader grade_id), and a problem per exercise
    whose answer cell is missing, duplicated or not a code cell, or whose locked test cell was deleted."""
    found: dict[str, list] = {}
    for cell in submitted_nb.get("cells", []):
        grade_id = _grade_id(cell)
        if grade_id.startswith("answer_"):
            found.setdefault(grade_id[len("answer_"):].replace("_", "."), []).append(cell)
    tests = [_grade_id(c) for c in submitted_nb.get("cells", [])]
    sources, problems = {}, {}
    for exercise_id in exercise_ids:
        if tests.count(f"test_{exercise_id.replace('.', '_')}") != 1:
            problems[exercise_id] = "its locked test cell was deleted: a notebook without it scores 0 for the exercise"
            continue
        cells = found.get(exercise_id, [])
        if len(cells) != 1 or cells[0].get("cell_type") != "code" or not isinstance(cells[0].get("source"), str):
            problems[exercise_id] = ("its answer cell is missing, duplicated or no longer a code cell (its nbgrader "
                                     "metadata was changed): put the answer back in the original exercise cell")
        else:
            sources[exercise_id] = cells[0]["source"]
    return sources, problems


# ---- grading one notebook -----------------------------------------------------------------------

def _first_problem(problems: list) -> str:
    exercise_id, raised = problems[0]
    error = rebuild_error(raised)
    return f"the cell of exercise {exercise_id} raised {type(error).__name__}: {error}"


def score_exercise(exercise_id: str, candidate_expression: str, preamble: str, cells: list[list[str]],
                   fallbacks: list[str], *, salt: int, solution_source: str = "", course_root: Path | None = None,
                   use_sandbox: bool = True, defences=DEFENCES) -> Verdict:
    exercise = exercises.get(exercise_id)
    label = f"Exercise {exercise_id} ({exercise.title})"
    copied = copied_reference(exercise_id, cells[-1][1], solution_source) if "copy check" in defences else None
    if copied:
        return Verdict(exercise_id, 0, f"{label}: your cell contains the code of the course's {copied} "
                                       "(names changed or not): write your own")
    blocked = [str(Path(exercises.__file__).resolve().parent.parent)]
    blocked += [str(p) for p in sandbox.hidden_folders(course_root)]
    worker = Worker({"exercise": exercise_id, "preamble": preamble, "cells": cells,
                     "candidate": candidate_expression, "fallbacks": fallbacks, "blocked": blocked,
                     "defences": sorted(defences & {"disarm", "audit"})},
                    course_root=course_root, use_sandbox=use_sandbox)
    try:
        try:
            worker.read(SETUP_SECONDS)  # the lesson's imports: not the student's time
        except (TimeLimit, WorkerGone) as error:
            raise GradingFailure(f"the grading worker could not import the lesson's modules ({error!r})") from None
        try:
            ready = worker.read(CELLS_SECONDS)
        except TimeLimit:
            return Verdict(exercise_id, 0, f"{label}: your exercise cells did not finish running within "
                                           f"{CELLS_SECONDS:g} seconds (is there a loop that never ends at the top "
                                           "level of a cell?)")
        except WorkerGone as error:
            return Verdict(exercise_id, 0, f"{label}: {error} while running your exercise cells")
        if not ready.get("ready"):
            problem = rebuild_error(ready.get("candidate_error", {}))
            extra = f"; {_first_problem(ready['problems'])}" if ready.get("problems") else ""
            return Verdict(exercise_id, 0, f"{label}: `{candidate_expression}` is not defined after your cells "
                                           f"ran ({type(problem).__name__}: {problem}){extra}")
        candidate = _candidate(worker, ready)
        worker.budget = BUDGET_FACTOR * exercise.time_limit + GRACE_SECONDS
        with draws.salted(salt) if "fresh inputs" in defences else _unsalted():
            passed, message = exercises.evaluate(exercise_id, candidate, timed=False)
        used = [e["name"] for e in worker.events if e.get("graded")]
        if used:
            return Verdict(exercise_id, 0, f"{label}: your code called the course's own answer ({used[0]}) while "
                                           "being graded: write your own")
        if passed:
            return Verdict(exercise_id, POINTS, f"{label}: passed (graded outside your notebook, on new inputs).")
        # Top-level errors of this exercise's own cell, as a hint; a NameError is most often the cell's demo line
        # reading the notebook's data (`one_hot(ids[:3], ...)`), which only the notebook has.
        own = [p for p in ready.get("problems", []) if p[0] == exercise_id and p[1].get("type") != "NameError"]
        if own and "not attempted" not in message:
            message += f" [note: {_first_problem(own)}]"
        return Verdict(exercise_id, 0, f"{label}: {message}")
    finally:
        worker.close()


def _unsalted():
    import contextlib
    return contextlib.nullcontext()


def score_notebook(source_nb, submitted_nb, *, salt: int | None = None, course_root: Path | None = None,
                   use_sandbox: bool = True, only=None, defences=DEFENCES) -> list[Verdict]:
    """A verdict per exercise of the source notebook, graded from the submitted one (see the module docstring)."""
    preamble, plan = lesson_plan(source_nb)
    sources, problems = answers(submitted_nb, [eid for eid, _, _ in plan])
    salt = draws.current_salt() if salt is None and draws.current_salt() is not None else salt
    if salt is None:
        import secrets
        salt = secrets.randbits(63)
    verdicts, cells, failed = [], [], []
    for exercise_id, expression, solution in plan:
        label = f"Exercise {exercise_id} ({exercises.get(exercise_id).title})"
        if exercise_id in problems:
            verdicts.append(Verdict(exercise_id, 0, f"{label}: {problems[exercise_id]}"))
        else:
            cells.append([exercise_id, sources[exercise_id]])
            if only is not None and exercise_id not in only:
                continue
            verdict = score_exercise(exercise_id, expression, preamble, list(cells), list(failed), salt=salt,
                                     solution_source=solution, course_root=course_root, use_sandbox=use_sandbox,
                                     defences=frozenset(defences))
            verdicts.append(verdict)
            if verdict.passed:
                continue
        # A failed exercise never blocks a later one that calls its function: as in the notebook, where
        # `use` hands back the reference, the later exercises' workers get the reference under its name
        # (even if the student's cell crashed before its `use` line or lost its nbgrader id).
        failed.append(exercise_id)
        cells.append([exercise_id, f"{expression} = exercises.use({exercise_id!r}, None)\n"])
    return verdicts


def main(argv: list[str]) -> int:
    """``python -m tools.scoring SOURCE.ipynb SUBMITTED.ipynb``: print a verdict per exercise."""
    if len(argv) != 2:
        print(main.__doc__)
        return 2
    source, submitted = (nbformat.read(p, as_version=4) for p in argv)
    total = 0
    for verdict in score_notebook(source, submitted):
        total += verdict.points
        print(f"{verdict.points:g}  {verdict.message}")
    print(f"total {total:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
