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
import inspect
import json
import os
import selectors
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers import exercises
from helpers.exercises import _safety, draws, plain_data
from helpers.exercises._safety import TimeLimit
from tools import sandbox
from tools.nbtool import BEGIN

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tools" / "grader_worker.py"
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

    @property
    def passed(self) -> bool:
        return self.points > 0


class WorkerGone(Exception):
    """The worker process ended or broke the protocol (the student's code stopped it, say)."""


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
    whose answer cell is missing, duplicated or not a code cell."""
    found: dict[str, list] = {}
    for cell in submitted_nb.get("cells", []):
        grade_id = _grade_id(cell)
        if grade_id.startswith("answer_"):
            found.setdefault(grade_id[len("answer_"):].replace("_", "."), []).append(cell)
    sources, problems = {}, {}
    for exercise_id in exercise_ids:
        cells = found.get(exercise_id, [])
        if len(cells) != 1 or cells[0].get("cell_type") != "code" or not isinstance(cells[0].get("source"), str):
            problems[exercise_id] = ("its answer cell is missing, duplicated or no longer a code cell (its nbgrader "
                                     "metadata was changed): put the answer back in the original exercise cell")
        else:
            sources[exercise_id] = cells[0]["source"]
    return sources, problems


# ---- copied reference code ------------------------------------------------------------------------

class _Anonymous(ast.NodeTransformer):
    """Names replaced by their order of first appearance; docstrings dropped."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id=self._name(node.id), ctx=node.ctx), node)

    def visit_arg(self, node):
        node.arg, node.annotation = self._name(node.arg), None
        return node

    def _body(self, node):
        node.name = self._name(node.name)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
        node.returns = None
        node.decorator_list = []
        self.generic_visit(node)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _body


def _shape(tree: ast.AST) -> str:
    return ast.dump(_Anonymous().visit(tree), annotate_fields=False)


def _definitions(source: str) -> list[ast.AST]:
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return []
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))]


# Smaller functions are too short to tell a copy from the obvious answer (a two-line causal mask).
MIN_COPY_NODES, MIN_COPY_STATEMENTS = 40, 3


def reference_shapes(exercise_id: str) -> dict[str, str]:
    """Normalised shapes of the reference's and its implementing helpers' definitions."""
    exercise = exercises.get(exercise_id)
    objects = list(exercise.reference) if isinstance(exercise.reference, tuple) else [exercise.reference]
    for name in exercise.implements:
        module, _, attribute = name.rpartition(".")
        objects.append(getattr(__import__(module, fromlist=[attribute]), attribute))
    shapes = {}
    for obj in objects:
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError):
            continue
        for node in _definitions(source)[:1]:
            statements = [b for b in node.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
            if sum(1 for _ in ast.walk(node)) >= MIN_COPY_NODES and len(statements) >= MIN_COPY_STATEMENTS:
                shapes[_shape(node)] = f"{obj.__module__}.{obj.__qualname__}"
    return shapes


def copied_reference(exercise_id: str, answer_source: str, solution_source: str = "") -> str | None:
    """The course function whose code the answer cell contains (names and docstrings aside), or None.

    A reference written exactly like the notebook's own solution (``solution_source``) is not looked
    for: a copy of it cannot be told from the expected answer."""
    shapes = reference_shapes(exercise_id)
    for node in _definitions(solution_source):
        shapes.pop(_shape(node), None)
    for node in _definitions(answer_source):
        found = shapes.get(_shape(node))
        if found:
            return found
    return None


# ---- the worker -------------------------------------------------------------------------------

class Worker:
    """One worker process for one exercise, spoken to in JSON lines with a deadline on every read."""

    def __init__(self, setup: dict, *, course_root: Path | None = None, use_sandbox: bool = True):
        self.folder = tempfile.TemporaryDirectory(prefix="grading-worker-")
        command = [sys.executable, "-I", str(WORKER)]
        self.sandboxed = use_sandbox and sandbox.check()
        if self.sandboxed:
            command = sandbox.wrap(command, Path(self.folder.name), hide=sandbox.hidden_folders(course_root))
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=self.folder.name, text=True,
                                        encoding="utf-8", start_new_session=True)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.buffer = ""
        self.events: list[dict] = []
        self.used = 0.0
        self.budget = 0.0
        self._send(setup)

    def _send(self, message: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise WorkerGone("the grading worker stopped") from None

    def read(self, seconds: float) -> dict:
        """The next message that is not an event (events are kept in ``self.events``)."""
        deadline = time.monotonic() + seconds
        while True:
            while "\n" in self.buffer:
                line, self.buffer = self.buffer.split("\n", 1)
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # not ours (a student's write to this pipe): ignored
                if not isinstance(message, dict):
                    continue
                if "event" in message:
                    self.events.append(message)
                    continue
                return message
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise TimeLimit()
            if not self.selector.select(timeout=min(left, 1.0)):
                if self.process.poll() is not None:
                    raise WorkerGone(f"the process running your code stopped (exit code {self.process.returncode}): does your code call exit?")
                continue
            chunk = os.read(self.process.stdout.fileno(), 1 << 20)
            if not chunk:
                raise WorkerGone(f"the process running your code stopped (exit code {self.process.wait()}): does your code call exit?")
            self.buffer += chunk.decode("utf-8", "replace")
            if len(self.buffer) > plain_data.MAX_BYTES + 1024:
                self.kill()
                raise WorkerGone("the grading worker sent more than a message can hold")

    def request(self, message: dict) -> dict:
        if self.process.poll() is not None:
            raise WorkerGone("the grading worker stopped")
        left = self.budget - self.used
        if left <= 0:
            self.kill()
            raise TimeLimit()
        start = time.monotonic()
        self._send(message)
        try:
            return self.read(left)
        finally:
            self.used += time.monotonic() - start

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, 9)
            except OSError:
                self.process.kill()
            self.process.wait()

    def close(self) -> None:
        self.kill()
        self.selector.close()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.folder.cleanup()


# ---- the stand-in for the student's function ----------------------------------------------------

_EXITS = {"SystemExit", "KeyboardInterrupt", "GeneratorExit"}


def rebuild_error(raised: dict) -> BaseException:
    """The student's exception as a fresh one of the same builtin family (a message, no code)."""
    import builtins

    name, message = str(raised.get("type", "Exception")), str(raised.get("message", ""))
    place = raised.get("place")
    if place:
        message += f" (line {place[0]}: `{place[1]}`)" if place[1] else f" (line {place[0]})"
    if name in _EXITS:
        return RuntimeError(f"your code called exit or was interrupted ({name}){message and ': ' + message}")
    base = None
    for candidate in [name] + list(raised.get("bases", [])):
        kind = getattr(builtins, str(candidate), None)
        if isinstance(kind, type) and issubclass(kind, Exception):
            base = kind
            break
    base = base or Exception
    kind = base if base.__name__ == name else type(name, (base,), {"__module__": "student"})
    return kind(message)


def _write_back(given, after) -> None:
    """What the student's function left in its arguments, into the checker's copies (to spot in-place changes)."""
    import numpy as np

    if isinstance(given, np.ndarray) and isinstance(after, np.ndarray):
        if given.shape == after.shape and given.dtype == after.dtype and given.flags.writeable:
            given[...] = after
    elif isinstance(given, list) and isinstance(after, list):
        if len(given) == len(after):
            for i, (g, a) in enumerate(zip(given, after)):
                if isinstance(g, (np.ndarray, list, dict)) and type(g) is type(a):
                    _write_back(g, a)
                else:
                    given[i] = a
        else:
            given[:] = after
    elif isinstance(given, dict) and isinstance(after, dict):
        for key in list(given):
            if key not in after:
                del given[key]
        for key, value in after.items():
            if key in given and isinstance(given[key], (np.ndarray, list, dict)) and type(given[key]) is type(value):
                _write_back(given[key], value)
            else:
                given[key] = value
    elif isinstance(given, np.random.Generator) and isinstance(after, np.random.Generator):
        given.bit_generator.state = after.bit_generator.state


class Remote:
    """The student's function, as the checker sees it: calls go to the worker as plain data."""

    def __init__(self, worker: Worker, part: int | None, description: dict):
        self._worker, self._part = worker, part
        self.__name__ = description.get("name") or "candidate"
        parameters = description.get("parameters")
        if parameters is not None:
            kinds = inspect.Parameter
            self.__signature__ = inspect.Signature([
                kinds(str(name), getattr(kinds, kind, kinds.POSITIONAL_OR_KEYWORD),
                      default=None if has_default else kinds.empty) for name, kind, has_default in parameters])

    def __call__(self, *args, **kwargs):
        reply = self._worker.request({"op": "call", "part": self._part, "args": plain_data.dumps(list(args)),
                                      "kwargs": plain_data.dumps(dict(kwargs))})
        return self._unpack(reply, args)

    def _unpack(self, reply: dict, args):
        if "raised" in reply:
            raise rebuild_error(reply["raised"])
        try:
            result = plain_data.loads(reply["result"])
            after = plain_data.loads(reply.get("args_after", "[]"))
        except (plain_data.PlainDataError, KeyError, TypeError) as error:
            raise exercises.Mismatch(f"what your code returned cannot be graded: {error}") from None
        if isinstance(after, list) and len(after) == len(args):
            for given, changed in zip(args, after):
                _write_back(given, changed)
        return result

    def remote_probe(self, exercise_id: str, args):
        reply = self._worker.request({"op": "probe", "args": plain_data.dumps(list(args)),
                                      "kwargs": plain_data.dumps({})})
        return self._unpack(reply, ())


class RemoteClass(Remote):
    """A student's class (exercise 03.3): only its probe can run, in the worker."""

    def __call__(self, *args, **kwargs):
        raise exercises.Mismatch("a class is graded through its exercise's probe only")


def _candidate(worker: Worker, ready: dict):
    parts = []
    for index, description in enumerate(ready["parts"]):
        part = index if ready["tuple"] else None
        if description["kind"] == "class":
            parts.append(RemoteClass(worker, part, description))
        elif description["kind"] == "function":
            parts.append(Remote(worker, part, description))
        else:
            parts.append(plain_data._opaque("student", description["type"]))
    return tuple(parts) if ready["tuple"] else parts[0]


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
        if ready.get("problems") and "not attempted" not in message:
            message += f" [note: {_first_problem(ready['problems'])}]"
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
            failed.append(exercise_id)
            continue
        cells.append([exercise_id, sources[exercise_id]])
        if only is not None and exercise_id not in only:
            continue
        verdict = score_exercise(exercise_id, expression, preamble, list(cells), list(failed), salt=salt,
                                 solution_source=solution, course_root=course_root, use_sandbox=use_sandbox,
                                 defences=frozenset(defences))
        verdicts.append(verdict)
        if not verdict.passed:
            failed.append(exercise_id)
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
