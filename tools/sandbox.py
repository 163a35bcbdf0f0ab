"""A sandbox for student code while grading: bubblewrap (``bwrap``, Debian's ``bubblewrap``).

Inside, the whole file system is read-only, except the process's own working folder and a private
``/tmp``; the instructor's ``solutions/`` and ``notebooks/`` and the classroom (other students'
work, the gradebook) are replaced by empty folders; the process has its own process table (it
cannot see or signal the grader, and everything it started dies with it) and, for the grading
worker, no network at all. Used for

* the grading worker of ``tools/scoring.py`` (:func:`wrap`), and
* the kernel ``nbgrader autograde`` runs each submission in (``python -m tools.sandbox kernel
  CONNECTION_FILE``, the kernelspec :func:`write_kernelspec` makes; the kernel keeps the loopback
  network nbgrader talks to it on).

Without ``bwrap`` (``apt install bubblewrap``) the grader still scores out of the student's
kernel but says that the sandbox is off; ``COURSE_SANDBOX=required`` (set by ``.ci/run``,
so CI never grades without it) turns that into an error.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL_NAME = "course-sandbox"


class SandboxUnavailable(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """True if ``bwrap`` is installed and can make a sandbox on this machine."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    try:
        done = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "true"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def required() -> bool:
    return os.environ.get("COURSE_SANDBOX", "") == "required"


def check() -> bool:
    """``available()``, or an error when ``COURSE_SANDBOX=required``."""
    if available():
        return True
    if required():
        raise SandboxUnavailable("COURSE_SANDBOX=required but bubblewrap (bwrap) is missing or cannot make a "
                                 "sandbox here: apt install bubblewrap")
    return False


def hidden_folders(course_root: Path | None = None) -> list[Path]:
    """What student code must not see: the instructor's solutions and notebooks, the classroom."""
    folders = [ROOT / "solutions", ROOT / "notebooks", ROOT / "classroom"]
    if course_root is not None:
        folders.append(Path(course_root))
    return [f.resolve() for f in folders if f.exists()]


def wrap(command: list[str], workdir: Path, *, hide=(), network: bool = False) -> list[str]:
    """``command`` inside the sandbox, with ``workdir`` writable and ``hide`` replaced by empty folders."""
    workdir = Path(workdir).resolve()
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session"]
    if not network:
        args.append("--unshare-net")
    # The private /tmp hides whatever lives there: a checkout or a virtual environment in /tmp (a CI clone, say)
    # comes back read-only, before the hidden folders inside it are emptied.
    for path in sorted({Path(p).resolve() for p in (ROOT, sys.prefix, sys.exec_prefix, sys.base_prefix)}):
        if Path("/tmp") in path.parents:
            args += ["--ro-bind", str(path), str(path)]
    for folder in hide:
        folder = Path(folder).resolve()
        if folder != workdir and folder not in workdir.parents:
            args += ["--tmpfs", str(folder)]
    args += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir),
             "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
             "--setenv", "KERAS_HOME", "/tmp/keras", "--"]
    return args + list(command)


def write_kernelspec(folder: Path, course_root: Path) -> Path:
    """A kernelspec ``course-sandbox`` in ``folder/kernels/`` (put ``folder`` on JUPYTER_PATH)."""
    spec = Path(folder) / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "tools.sandbox", "kernel", str(Path(course_root).resolve()), "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "Python 3 (grading sandbox)", "language": "python",
        "env": {"PYTHONPATH": str(ROOT)}}, indent=1), encoding="utf-8")
    return spec


def kernel(course_root: str, connection_file: str) -> int:
    """Run an IPython kernel for ``nbgrader autograde`` in the sandbox (its working folder writable;
    the rest of the classroom, the gradebook included, read-only; the loopback network kept)."""
    workdir = Path.cwd().resolve()
    course_root = Path(course_root).resolve()
    # The gradebook and the other students' folders: read-only (the root bind); the submission's own
    # folder stays writable. Hide the instructor's sources.
    hide = [f for f in hidden_folders() if f != course_root and course_root not in f.parents
            and f not in course_root.parents]
    command = [sys.executable, "-I", "-m", "ipykernel_launcher", "-f", connection_file]
    if not check():
        os.execv(sys.executable, command)
    args = wrap(command, workdir, hide=hide, network=True)
    connection = str(Path(connection_file).resolve())  # often in /tmp, which the sandbox replaces
    at = args.index("--bind")
    # In its own process table the kernel's parent is pid 1, which ipykernel's parent poller takes for
    # "the notebook server died" and exits: no poller; --die-with-parent does that job.
    args[at:at] = ["--ro-bind", connection, connection, "--unsetenv", "JPY_PARENT_PID"]
    os.execvp(args[0], args)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "kernel":
        sys.exit(kernel(sys.argv[2], sys.argv[3]))
    print(__doc__)
    sys.exit(2)
