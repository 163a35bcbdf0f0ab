"""The grading worker: runs ONE student's answer cells for ONE exercise, and nothing else of theirs.

Started by ``tools/scoring.py`` (never by hand), inside the sandbox of ``tools/sandbox.py``, as
``python -I tools/grader_worker.py``. It reads one JSON line of set-up from stdin:

    {"exercise": "03.2", "preamble": "<the lesson's import lines>", "cells": [[id, source], ...],
     "candidate": "rnn_forward_loop", "fallbacks": ["03.1"], "blocked": ["/path", ...],
     "defences": ["disarm", "audit"]}

(``defences`` lists steps 2 and 3 below; the tests leave one out to show the cheat it stops.)

then, in this order:

1. runs the preamble (the lesson's own imports, taken from the instructor's source notebook);
2. disarms the course's answer to this exercise: the code of its reference solution and of every
   public helper that does its work (``register(..., implements=...)``) is replaced in place by a
   tripwire, so every name, copy, ``functools.partial`` or subclass of them reaches the tripwire
   and the original code no longer exists in this process;
3. installs an audit hook (it cannot be removed) that refuses to read the course's source files,
   ``solutions/`` and the classroom, to write outside the working folder, to start processes,
   to load native code with ctypes, or to open sockets;
4. runs the student's answer cells (``exercises.use`` hands back the reference only for an earlier
   exercise the grader already failed: ``fallbacks``), and takes the candidate from the expression
   the SOURCE notebook's ``use`` line names.

Then it answers requests, one JSON line each: ``call`` (the candidate, or part ``i`` of a tuple,
on plain-data arguments) and ``probe`` (the exercise's probe, see ``helpers.exercises.probe``).
Every answer is plain data (``helpers.exercises.plain_data``). Whatever the student's code does
here, the grader only ever sees data: it compares in its own process, which runs no student code.
"""
from __future__ import annotations

import json
import os
import sys
import traceback

PROTOCOL = None  # the protocol's output (the original stdout); the student's prints go nowhere
GRADED = False  # True while a graded call runs


def send(message: dict) -> None:
    PROTOCOL.write(json.dumps(message, allow_nan=False) + "\n")
    PROTOCOL.flush()


def _reference_called(name: str) -> None:
    """Called by a tripwire: tell the grader at once (before the student's code can catch anything)."""
    try:
        send({"event": "reference", "name": name, "graded": GRADED})
    except Exception:
        pass


def _tripwire_code(template, name: str):
    """A code object that reports ``name`` and raises, with as many free variables as ``template``'s."""
    count = len(template.co_freevars)
    lines = ["def _outer():"] + [f"    _v{i} = None" for i in range(count)]
    lines += ["    def tripwire(self=None, *args, **kwargs):"]  # a first argument: keras reads `self` off __init__
    if count:
        lines += ["        (" + ", ".join(f"_v{i}" for i in range(count)) + ",)"]
    lines += [f"        __import__('sys').modules['__main__']._reference_called({name!r})",
              f"        raise RuntimeError('grading: this exercise may not use the course reference {name}')",
              "    return tripwire"]
    namespace: dict = {}
    exec(compile("\n".join(lines), f"<tripwire {name}>", "exec"), namespace)
    return namespace["_outer"]().__code__


def _functions_of(obj):
    """The plain functions inside ``obj``: itself, a partial's function, a class's methods."""
    import functools
    import types

    if isinstance(obj, functools.partial):
        yield from _functions_of(obj.func)
    elif isinstance(obj, types.FunctionType):
        yield obj
        if hasattr(obj, "__wrapped__"):
            yield from _functions_of(obj.__wrapped__)
    elif isinstance(obj, types.MethodType):
        yield from _functions_of(obj.__func__)
    elif isinstance(obj, (staticmethod, classmethod)):
        yield from _functions_of(obj.__func__)
    elif isinstance(obj, property):
        for part in (obj.fget, obj.fset, obj.fdel):
            if part is not None:
                yield from _functions_of(part)
    elif isinstance(obj, type):
        for value in vars(obj).values():
            yield from _functions_of(value)
    elif isinstance(obj, tuple):
        for part in obj:
            yield from _functions_of(part)


def _resolve(dotted: str):
    import importlib

    module_name, _, attribute = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def disarm(exercise_id: str) -> list[str]:
    """Replace the code of the exercise's reference and of the helpers that implement it (step 2)."""
    from helpers import exercises

    exercise = exercises.get(exercise_id)
    targets = [(f"reference of exercise {exercise_id}", exercise.reference)]
    targets += [(name, _resolve(name)) for name in exercise.implements]
    disarmed = []
    for label, obj in targets:
        for function in _functions_of(obj):
            name = f"{function.__module__}.{function.__qualname__}"
            function.__code__ = _tripwire_code(function.__code__, name)
            disarmed.append(name)
    return disarmed


_REFUSED_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                   "os.forkpty", "os.kill", "os.killpg", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym",
                   "ctypes.cdata", "ctypes.string_at", "ctypes.wstring_at", "ctypes.call_function",
                   "ctypes.addressof", "socket.", "sys.remote_exec", "webbrowser.open")
_WRITE_EVENTS = ("os.remove", "os.rename", "os.rmdir", "os.truncate", "os.chmod", "os.chown", "os.link",
                 "os.symlink", "os.mkdir", "os.utime", "shutil.rmtree", "shutil.move", "shutil.copyfile")


def install_audit_hook(blocked: list[str], workdir: str) -> None:
    """Step 3. An audit hook stays for the life of the process: the student's code cannot remove it."""
    blocked = tuple(os.path.realpath(p) for p in blocked)
    writable = tuple(os.path.realpath(p) for p in (workdir, "/tmp", "/dev/null"))

    def inside(path, folders) -> bool:
        return any(path == f or path.startswith(f + os.sep) for f in folders)

    def hook(event, args):
        if event == "open":
            path, mode = args[0], args[1]
            if isinstance(path, int):
                return
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            real = os.path.realpath(str(path))
            if inside(real, blocked):
                raise PermissionError(f"grading: your code may not read {path}")
            if mode is not None and any(c in str(mode) for c in "wax+") and not inside(real, writable):
                raise PermissionError(f"grading: your code may not write {path}")
        elif event.startswith(_REFUSED_EVENTS):
            raise PermissionError(f"grading: your code may not do this here ({event})")
        elif event.startswith(_WRITE_EVENTS):
            paths = [os.fsdecode(a) for a in args if isinstance(a, (str, bytes))]
            if any(not inside(os.path.realpath(p), writable) for p in paths):
                raise PermissionError(f"grading: your code may not change files here ({event})")

    sys.addaudithook(hook)


def _graded_use(fallbacks, exercises_module):
    def use(exercise_id, candidate):
        if exercise_id in fallbacks:
            return exercises_module.get(exercise_id).reference
        return candidate
    return use


def _not_checked(exercise_id, candidate=None, *args, **kwargs):
    return False


def _raised(error: BaseException) -> dict:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<exercise ")]
    place = None
    if frames:
        place = [frames[-1].lineno, (frames[-1].line or "").strip()[:200]]
    return {"raised": {"type": type(error).__name__[:80],
                       "builtin": type(error).__module__ == "builtins",
                       "bases": [c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"][:6],
                       "message": str(error)[:600], "place": place}}


def main() -> None:
    global PROTOCOL, GRADED
    PROTOCOL = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    setup = json.loads(sys.stdin.readline())
    workdir = os.getcwd()

    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    exec(compile(setup["preamble"], "<lesson imports>", "exec"), namespace)
    import linecache

    import numpy as np  # noqa: F401  (loaded before the student's code runs)
    from helpers import exercises, text  # noqa: F401
    from helpers.exercises import plain_data
    exercises.ids()
    defences = set(setup.get("defences", ("disarm", "audit")))
    disarmed = disarm(setup["exercise"]) if "disarm" in defences else []
    exercises.use = _graded_use(set(setup["fallbacks"]), exercises)
    exercises.check = exercises.evaluate = _not_checked
    exercise = exercises.get(setup["exercise"])
    linecache.clearcache()
    if "audit" in defences:
        install_audit_hook(setup["blocked"], workdir)
    send({"imports": "done"})  # the grader's clock for the student's cells starts now

    problems = []
    for exercise_id, source in setup["cells"]:
        # One top-level statement at a time, as far as the cell parses: a line that needs the notebook's
        # data (`vocab = build(corpus)`) fails here without taking the definitions after it along.
        for code in _statements(source, f"<exercise {exercise_id}>"):
            try:
                exec(code, namespace)
            except BaseException as error:  # noqa: BLE001  (anything, SystemExit included, is the student's)
                problems.append([exercise_id, _raised(error)["raised"]])
    try:
        candidate = eval(compile(setup["candidate"], "<candidate>", "eval"), namespace)
    except BaseException as error:  # noqa: BLE001
        send({"ready": False, "problems": problems, "candidate_error": _raised(error)["raised"]})
        candidate = None
    else:
        parts = list(candidate) if isinstance(candidate, tuple) else [candidate]
        send({"ready": True, "problems": problems, "disarmed": disarmed,
              "parts": [_describe(p) for p in parts], "tuple": isinstance(candidate, tuple)})

    for line in sys.stdin:
        request = json.loads(line)
        try:
            args = plain_data.loads(request["args"])
            kwargs = plain_data.loads(request.get("kwargs", "{\"__dict__\": []}"))
            if request["op"] == "call":
                target = candidate[request["part"]] if request.get("part") is not None else candidate
                GRADED = True
                try:
                    result = target(*args, **kwargs)
                finally:
                    GRADED = False
            elif request["op"] == "probe":
                GRADED = True
                try:
                    result = exercises._PROBES[exercise.id](candidate, *args)
                finally:
                    GRADED = False
            else:
                raise ValueError(f"unknown request {request['op']!r}")
            reply = {"result": plain_data.dumps(result), "args_after": plain_data.dumps(args)}
        except BaseException as error:  # noqa: BLE001
            reply = _raised(error)
        send(reply)


def _statements(source: str, filename: str):
    """Code objects for each top-level statement of ``source`` (line numbers kept); a cell that does
    not parse raises its SyntaxError from the first one."""
    import ast

    try:
        tree = ast.parse(source, filename)
    except SyntaxError:
        yield compile(source, filename, "exec")  # raises the SyntaxError, with its line
        return
    for node in tree.body:
        yield compile(ast.Module(body=[node], type_ignores=[]), filename, "exec")


def _describe(part) -> dict:
    import inspect

    kind = "class" if isinstance(part, type) else "function" if callable(part) else "value"
    try:
        parameters = [[p.name, p.kind.name, p.default is not inspect.Parameter.empty]
                      for p in inspect.signature(part).parameters.values()] if kind == "function" else None
    except (TypeError, ValueError):
        parameters = None
    return {"kind": kind, "type": type(part).__name__[:80], "name": str(getattr(part, "__name__", ""))[:80],
            "parameters": parameters}


if __name__ == "__main__":
    main()
