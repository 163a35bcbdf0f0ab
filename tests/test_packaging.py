"""pyproject.toml, the lock, environment.yml and binder/ agree; the README has its two commands."""
import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:                                    # Python 3.10: the same parser, from PyPI (test extra)
    import tomli as tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {_norm(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in deps}


def _lock() -> dict[str, set[str]]:
    """name -> pinned versions (a universal lock pins some packages once per Python range)."""
    pins: dict[str, set[str]] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, rest = line.partition("==")
            assert sep, f"requirements.lock: {line!r} is not pinned with =="
            pins.setdefault(_norm(name.strip()), set()).add(rest.split(";", 1)[0].strip())
    return pins


def test_lock_pins_every_dependency_exactly():
    lock = _lock()
    missing = _pyproject_names() - set(lock)
    assert not missing, f"in pyproject.toml but not in requirements.lock: {sorted(missing)}"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for versions in lock.values() for v in versions)


def test_environment_yml_names_the_same_packages():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*-e\s+\.\.?/?\s*$", text, re.M) or "-e ." in text, "environment.yml installs the package"
    listed = {_norm(m) for m in re.findall(r"^\s*-\s*([A-Za-z0-9_.][A-Za-z0-9_.-]*)", text, re.M)} - {"pip", "python", "conda-forge"}
    conda_names = {"tensorflow-cpu": "tensorflow"}  # conda-forge builds are CPU-capable under this name
    expected = {conda_names.get(n, n) for n in _pyproject_names()}
    missing = expected - listed
    assert not missing, f"environment.yml lacks {sorted(missing)}"
    unknown = listed - expected - {"python"}
    assert not unknown, f"environment.yml lists packages pyproject.toml does not: {sorted(unknown)}"


def test_binder_installs_from_the_lock():
    assert "requirements.lock" in (ROOT / "binder" / "requirements.txt").read_text()
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install" in post and "-e ." in post


def test_readme_opens_with_the_two_commands_and_lists_every_lesson():
    readme = (ROOT / "README.md").read_text()
    head = readme[:1500]
    assert "make lab" in head and "make test" in head
    for nb in sorted((ROOT / "solutions").glob("*.ipynb")):
        assert f"solutions/{nb.name}" in readme and f"notebooks/{nb.name}" in readme, f"README table lacks {nb.name}"


def test_ci_script_calls_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "chromium" in ci
