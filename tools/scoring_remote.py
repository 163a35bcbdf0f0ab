"""The grader's side of a grading worker: the process, and the stand-in the checker calls.

:class:`Worker` starts ``tools/grader_worker.py`` (in the sandbox when there is one) and talks to it
in JSON lines, every read with a deadline (a worker past it is killed: a time limit the student's
code cannot switch off). :class:`Remote` is what a checker gets instead of the student's function:
calling it sends plain data to the worker and returns plain data; whatever the student's function
raised comes back as a fresh exception of the same builtin family (:func:`rebuild_error`), and
whatever it changed in its arguments is written back into the checker's copies (so an in-place
change still gets its hint).
"""
from __future__ import annotations

import inspect
import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers import exercises
from helpers.exercises import _safety, plain_data
from helpers.exercises._safety import TimeLimit
from tools import sandbox

WORKER = Path(__file__).resolve().parent / "grader_worker.py"

_safety.trust_file(__file__)


class WorkerGone(Exception):
    """The worker process ended or broke the protocol (the student's code stopped it, say)."""


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


