"""The course installed as a student installs it, on the stacks students already have: Colab, Kaggle, oldest.

Each environment is a fresh virtualenv on its Python, first filled with what that runtime already
has (the packages a lesson touches and their dependencies, pinned by a committed constraint file in
``tools/constraints/``, plus pytest and nbval to run the lessons). Then, as in Colab:

1. the wheel built from this repository is offered to pip's normal resolver (``--dry-run --report``,
   no constraints, not editable, not from the lock): it must install the course package and nothing
   else, so it replaces none of the runtime's packages;
2. the lessons' own set-up cell (``tools/hosted.py``) installs it, pointed at that wheel with
   ``COURSE_PACKAGE`` and told it is on Kaggle (``KAGGLE_KERNEL_RUN_TYPE``), as a student's first cell would;
3. ``pip list`` before and after must differ by the course package alone;
4. every solution notebook (or the subset named) runs under nbval in the fast profile from a copy in
   a temporary folder outside the repository, with the network blocked (tests/netguard), and so does
   ``tests/test_explorers_both_ipywidgets.py``: every explorer moved, on that runtime's ipywidgets.

    python -m tools.hosted_envs run colab [--lessons 00,03]   # one environment (CI runs all three)
    python -m tools.hosted_envs refresh                       # rewrite the three constraint files (make constraints)

Constraint files and where they come from (``refresh``):

* ``colab.txt``: Colab's published ``pip-freeze.txt`` (the googlecolab/backend-info repository, its
  newest version), every ``name==version`` line (lines installed from URLs, such as torch's CPU wheels,
  are left out).
* ``kaggle.txt``: Kaggle's image is built on a Colab runtime image of a given date (Kaggle/docker-python's
  ``Dockerfile.tmpl`` names it) with ``kaggle_requirements.txt`` installed on top; so: Colab's freeze of
  that date, then Kaggle's exact pins (ipywidgets 8.1.5, jupyter_server 2.12.5 ...), and no pin for the
  widget front-end packages ipywidgets 8 replaces.
* ``oldest.txt``: the lowest versions the package declares (uv's ``--resolution lowest-direct`` on
  ``pyproject.toml`` with the ``cpu`` extra, for the oldest supported Python).

``refresh`` clones the two public repositories (it needs the internet; ``--colab-repo``/``--kaggle-repo``
take local clones instead) and writes all three files, each with its source commit and date in its header.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "tools" / "constraints"
WORK = ROOT / "build" / "hosted"
NETGUARD = ROOT / "tests" / "netguard"
EXPLORER_TEST = ROOT / "tests" / "test_explorers_both_ipywidgets.py"   # self-contained: runs beside the lessons
TEST_TOOLS = ("pytest", "nbval", "pytest-xdist")
# Packages a lesson's kernel touches; each runtime is filled with these (at its own versions) first.
LESSON_PACKAGES = ("numpy", "keras", "matplotlib", "ipywidgets", "music21", "psutil", "ipykernel")
SHOWN = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "ipywidgets", "matplotlib", "music21", "ipykernel",
         "jupyterlab", "notebook")


@dataclass(frozen=True)
class Environment:
    name: str
    python: str                   # the Python version the runtime has
    runtime: tuple[str, ...]      # what is installed (constrained) before the course
    lessons: str = "all"          # "all", or the lesson numbers run there (CI's time budget)
    note: str = ""


ENVIRONMENTS = {
    "colab": Environment("colab", "3.13", ("tensorflow", *LESSON_PACKAGES, "notebook"),
                         note="Google Colab's runtime (its freeze of the date in colab.txt)"),
    # Kaggle's front end is left out (with its pins, jupyter-lsp 1.5.1 and nbconvert 6.4.5, pip finds no
    # JupyterLab or notebook it can install from wheels): the lessons run in the kernel, whose packages
    # (ipywidgets 8.1.5, ipykernel, TensorFlow ...) are all here.
    "kaggle": Environment("kaggle", "3.12", ("tensorflow", *LESSON_PACKAGES),
                          note="Kaggle's notebook image (Colab's runtime of that date + Kaggle's pins), kernel side"),
    "oldest": Environment("oldest", "3.10", ("tensorflow-cpu", *LESSON_PACKAGES),
                          note="the lowest versions pyproject.toml declares, on the oldest supported Python"),
}


# ---- constraint files ---------------------------------------------------------------------------

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)==([^\s;+#]+)$")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """``{normalised name: version}`` of every plain ``name==version`` line (URL and local builds left out)."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found[_norm(match.group(1))] = match.group(2)
    return found


def constraint_text(header: list[str], pinned: dict[str, str]) -> str:
    return "".join(f"# {line}\n" for line in header) + "".join(f"{n}=={v}\n" for n, v in sorted(pinned.items()))


def colab_constraints(freeze: str, source: str) -> str:
    return constraint_text([f"Google Colab's runtime: {source}.",
                            "Every name==version line of its pip-freeze.txt (URL installs left out).",
                            "Rewritten by: make constraints (python -m tools.hosted_envs refresh)"], pins(freeze))


# Kaggle installs ipywidgets 8 over Colab's 7.7, which brings its own widget front-end packages.
KAGGLE_UNPINNED = ("widgetsnbextension", "jupyterlab-widgets")


def kaggle_constraints(freeze: str, kaggle_requirements: str, source: str) -> str:
    pinned = pins(freeze)
    for name in KAGGLE_UNPINNED:
        pinned.pop(name, None)
    overrides = pins(kaggle_requirements)
    pinned.update(overrides)
    return constraint_text([f"Kaggle's notebook image: {source}.",
                            "Colab's pip-freeze.txt of the image's base, then kaggle_requirements.txt's exact pins "
                            f"({', '.join(f'{n} {v}' for n, v in sorted(overrides.items()))}),",
                            f"and no pin for {', '.join(KAGGLE_UNPINNED)} (ipywidgets 8 needs newer ones).",
                            "Rewritten by: make constraints (python -m tools.hosted_envs refresh)"], pinned)


def oldest_constraints() -> str:
    env = ENVIRONMENTS["oldest"]
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    done = subprocess.run([uv, "pip", "compile", "pyproject.toml", "--extra", "cpu", "--resolution", "lowest-direct",
                           "--python-version", env.python, "--python-platform", "x86_64-manylinux_2_28",
                           "--no-header", "--no-annotate", "--no-emit-package", "deep-sequence-modeling", "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"uv could not resolve the oldest versions:\n{done.stderr}")
    return constraint_text([f"The lowest versions pyproject.toml declares (Python {env.python}, Linux x86_64, "
                            "with the cpu extra), resolved by",
                            "uv pip compile pyproject.toml --extra cpu --resolution lowest-direct "
                            "(make constraints: python -m tools.hosted_envs refresh)."], pins(done.stdout))


COLAB_REPO = "https://github.com/googlecolab/backend-info"
KAGGLE_REPO = "https://github.com/Kaggle/docker-python"
KAGGLE_BASE = re.compile(r"colab-images/public/cpu-runtime:release-colab-external-images_(\d{4})(\d\d)(\d\d)")


def _git(repo: Path, *args: str) -> str:
    return _run(["git", "-C", repo, *args]).stdout


def _clone(source: str, into: Path) -> Path:
    if Path(source).exists():
        return Path(source)                    # a local clone (or bare mirror) already
    _run(["git", "clone", "--quiet", "--no-checkout", source, into], timeout=600)
    return into


def _last_change(repo: Path, path: str, until: str | None = None) -> tuple[str, str, str]:
    """(commit, date, subject) of the newest commit changing ``path`` (on or before ``until``)."""
    line = _git(repo, "log", "-1", "--format=%H %cs %s", *([f"--until={until}"] if until else []), "HEAD", "--", path)
    commit, date, subject = line.strip().split(" ", 2)
    return commit, date, subject


def _python_of(repo: Path, commit: str) -> str:
    found = re.search(r"^Python (\S+)", _git(repo, "show", f"{commit}:os-info.txt"), re.M)
    return found.group(1) if found else "unknown"


def refresh(colab_repo: str = COLAB_REPO, kaggle_repo: str = KAGGLE_REPO) -> list[Path]:
    """Rewrite the three constraint files from the published sources; returns the paths written."""
    CONSTRAINTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        colab = _clone(colab_repo, Path(tmp) / "colab")
        kaggle = _clone(kaggle_repo, Path(tmp) / "kaggle")
        commit, date, subject = _last_change(colab, "pip-freeze.txt")
        texts = {"colab": colab_constraints(
            _git(colab, "show", f"{commit}:pip-freeze.txt"),
            f"googlecolab/backend-info pip-freeze.txt at commit {commit[:12]} of {date} ({subject!r}; "
            f"os-info.txt: Python {_python_of(colab, commit)})")}
        k_commit, k_date, _ = _last_change(kaggle, "Dockerfile.tmpl")
        base = KAGGLE_BASE.search(_git(kaggle, "show", f"{k_commit}:Dockerfile.tmpl"))
        if not base:
            raise RuntimeError("Kaggle's Dockerfile.tmpl no longer names a Colab cpu-runtime image of a date")
        base_date = "-".join(base.groups())
        r_commit, _, _ = _last_change(kaggle, "kaggle_requirements.txt")
        c_commit, c_date, _ = _last_change(colab, "pip-freeze.txt", until=f"{base_date} 00:00")
        texts["kaggle"] = kaggle_constraints(
            _git(colab, "show", f"{c_commit}:pip-freeze.txt"), _git(kaggle, "show", f"{r_commit}:kaggle_requirements.txt"),
            f"Kaggle/docker-python at commit {k_commit[:12]} of {k_date} (Dockerfile.tmpl: FROM Colab's cpu-runtime "
            f"image of {base_date}); Colab's freeze of that image: googlecolab/backend-info pip-freeze.txt at commit "
            f"{c_commit[:12]} of {c_date}, the last before {base_date} (Python {_python_of(colab, c_commit)})")
    texts["oldest"] = oldest_constraints()
    written = []
    for name, text in texts.items():
        path = CONSTRAINTS / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---- one environment, as a student gets it ------------------------------------------------------

def find_python(version: str) -> str:
    candidates = [f"python{version}", *sorted(map(str, Path("/root/.pyenv/versions").glob(f"{version}.*/bin/python{version}"))),
                  f"/usr/local/bin/python{version}", f"/usr/bin/python{version}"]
    for candidate in candidates:
        path = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if path and subprocess.run([path, "-c", "import venv, ensurepip"], capture_output=True).returncode == 0:
            return path
    raise RuntimeError(f"no Python {version} with venv found (tried {', '.join(candidates)})")


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def installed(python: Path) -> dict[str, str]:
    listed = json.loads(_run([python, "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"]).stdout)
    return {_norm(p["name"]): p["version"] for p in listed}


def build_wheel(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.whl"):
        old.unlink()
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, ROOT])
    (wheel,) = out.glob("deep_sequence_modeling-*.whl")
    return wheel


def lesson_paths(which: str) -> list[Path]:
    every = sorted((ROOT / "solutions").glob("*.ipynb"))
    if which == "all":
        return every
    wanted = set(which.split(","))
    chosen = [p for p in every if p.name[:2] in wanted]
    if len(chosen) != len(wanted):
        raise ValueError(f"argument 'lessons': expected lesson numbers among {[p.name[:2] for p in every]}, got {which!r}")
    return chosen


def run(name: str, lessons: str | None = None, log=print) -> dict:
    """Build the environment, install the course as a student would, run the lessons; a record of it all."""
    env = ENVIRONMENTS[name]
    started = time.perf_counter()
    record = {"environment": name, "note": env.note, "python": env.python, "date": datetime.date.today().isoformat()}
    constraints = CONSTRAINTS / f"{name}.txt"
    home = WORK / name
    shutil.rmtree(home, ignore_errors=True)
    _run([find_python(env.python), "-m", "venv", home / "venv"])
    python = home / "venv" / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-U", "pip"])
    log(f"[{name}] installing the runtime's own packages (constrained by {constraints.relative_to(ROOT)})")
    _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", constraints,
          *env.runtime, *TEST_TOOLS], timeout=3600)
    before = installed(python)
    record["runtime"] = {k: before[k] for k in SHOWN if k in before}
    record["python"] = _run([python, "-c", "import platform; print(platform.python_version())"]).stdout.strip()

    wheel = build_wheel(home / "dist")
    report = json.loads(_run([python, "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-",
                              "--disable-pip-version-check", wheel]).stdout)
    would = sorted(f"{_norm(item['metadata']['name'])}=={item['metadata']['version']}" for item in report["install"])
    record["pip would install"] = would
    if [w.split("==")[0] for w in would] != ["deep-sequence-modeling"]:
        raise AssertionError(f"[{name}] pip's resolver would change the runtime: {would}")

    from tools import hosted

    cell_env = {**os.environ, "KAGGLE_KERNEL_RUN_TYPE": "Interactive", "COURSE_PACKAGE": str(wheel)}
    cell_env.pop("PYTHONPATH", None)
    said = _run([python, "-c", hosted.setup_source()], env=cell_env, cwd=home, timeout=1800).stdout.strip()
    record["set-up cell said"] = said
    if said != "course package installed":
        raise AssertionError(f"[{name}] the set-up cell said {said!r}")
    after = installed(python)
    changed = {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}
    record["pip changed"] = {k: f"{a} -> {b}" for k, (a, b) in sorted(changed.items())}
    if set(changed) != {"deep-sequence-modeling"}:
        raise AssertionError(f"[{name}] installing the course changed the runtime: {record['pip changed']}")

    chosen = lesson_paths(lessons or env.lessons)
    with tempfile.TemporaryDirectory(prefix=f"course-{name}-") as tmp:
        folder = Path(tmp)
        for path in chosen:
            shutil.copy(path, folder / path.name)
        shutil.copy(EXPLORER_TEST, folder / EXPLORER_TEST.name)      # every explorer moved, on this ipywidgets
        guard_log = folder / "network-attempts.log"
        test_env = {**cell_env, "COURSE_PROFILE": "fast", "PYTHONPATH": str(NETGUARD),
                    "COURSE_NETGUARD_LOG": str(guard_log), "MPLBACKEND": "Agg",
                    "COURSE_EXPECT_IPYWIDGETS": before["ipywidgets"]}
        log(f"[{name}] running {len(chosen)} solution notebooks under nbval from {folder}")
        done = subprocess.run([python, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
                               "--nbval-cell-timeout=300", "-n", "2", "--dist", "loadfile", "-q",
                               EXPLORER_TEST.name, *[p.name for p in chosen]],
                              cwd=folder, env=test_env, capture_output=True, text=True, timeout=3600)
        summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        record["lessons"] = [p.name for p in chosen]
        record["nbval"] = summary
        record["network attempts"] = guard_log.read_text().splitlines() if guard_log.exists() else []
        (home / "nbval.log").write_text(done.stdout + done.stderr)
        if done.returncode or record["network attempts"]:
            log(done.stdout[-6000:])
            log(f"(the whole nbval output: {home / 'nbval.log'})")
            raise AssertionError(f"[{name}] lessons failed: {summary}; network attempts: {record['network attempts']}")
    record["seconds"] = round(time.perf_counter() - started, 1)
    (WORK / f"{name}.json").write_text(json.dumps(record, indent=1) + "\n")
    return record


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.hosted_envs", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run", help="build one environment and run the lessons there")
    one.add_argument("name", choices=sorted(ENVIRONMENTS))
    one.add_argument("--lessons", help="comma-separated lesson numbers (default: the environment's own set)")
    again = sub.add_parser("refresh", help="rewrite tools/constraints/ from the published sources")
    again.add_argument("--colab-repo", default=COLAB_REPO, help="googlecolab/backend-info: URL or local clone")
    again.add_argument("--kaggle-repo", default=KAGGLE_REPO, help="Kaggle/docker-python: URL or local clone")
    args = parser.parse_args(argv)
    if args.command == "run":
        record = run(args.name, args.lessons)
        print(json.dumps(record, indent=1))
        count = {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped)", record["nbval"])}
        print(f"{args.name}: {count.get('passed', 0)} passed, {count.get('failed', 0)} failed")
        return 0
    for path in refresh(args.colab_repo, args.kaggle_repo):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
